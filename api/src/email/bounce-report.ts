import type { ParsedMail } from 'mailparser';

/** One recipient a delivery report is about. */
export interface FailedRecipient {
  address: string;
  /** RFC 3464 Action: failed, delayed, … (null in a plain-text bounce). */
  action: string | null;
  /** Enhanced status code (RFC 3463) such as 5.1.1, or the SMTP reply code (550) of a plain bounce. */
  status: string | null;
  diagnostic: string | null;
}

export interface BounceReport {
  recipients: FailedRecipient[];
  /**
   * true: a permanent failure (5.x.x, or "failed" without a status); false: a temporary one (4.x.x,
   * Action: delayed, "will retry"); null: the report does not say.
   */
  permanent: boolean | null;
  /** Message-IDs of the returned message (its headers in the report, In-Reply-To/References). */
  citedMessageIds: string[];
  /** Addresses written in the returned message's headers (a signed Reply-To of ours among them). */
  citedAddresses: string[];
}

const ADDRESS = /[^\s<>"'(),;:[\]]+@[a-z0-9-]+(\.[a-z0-9-]+)+/gi;
const unfold = (text: string) => text.replace(/\r?\n[ \t]+/g, ' ');
const stripType = (value: string) =>
  value
    .replace(/^[a-z0-9-]+\s*;\s*/i, '')
    .replace(/^<|>$/g, '')
    .trim()
    .toLowerCase();

/** The per-recipient blocks of a message/delivery-status part (RFC 3464 §2.3). */
function dsnRecipients(text: string): FailedRecipient[] {
  const out: FailedRecipient[] = [];
  for (const block of unfold(text).split(/\r?\n\s*\r?\n/)) {
    const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'im').exec(block)?.[1]?.trim() ?? null;
    const recipient = field('Final-Recipient') ?? field('Original-Recipient');
    if (!recipient) continue;
    const action = field('Action')?.toLowerCase() ?? null;
    // Reports of success (delivered, relayed, expanded) are not failures.
    if (action && !/^(failed|delayed)/.test(action)) continue;
    out.push({
      address: stripType(recipient),
      action,
      status: /\d\.\d{1,3}\.\d{1,3}/.exec(field('Status') ?? '')?.[0] ?? null,
      diagnostic: field('Diagnostic-Code')?.slice(0, 300) ?? null,
    });
  }
  return out;
}

/**
 * The failed recipients of a plain-text bounce, from the sentences each MTA writes: Postfix, qmail
 * and Sendmail put `<address>:` at the start of a line; Exim lists them under "failed:"; Gmail
 * writes "wasn't delivered to address"; Exchange "Your message to address couldn't be delivered"
 * or lists them under "Delivery has failed to these recipients or groups:".
 */
function textRecipients(text: string): FailedRecipient[] {
  const found: string[] = [];
  const patterns = [
    /^\s*<([^<>\s]+@[^<>\s]+)>\s*:/gim,
    /following (?:address(?:\(es\)|es)?|recipients?)(?: had permanent fatal errors| failed)?\s*(?:-+)?\s*:?\s*\r?\n\s*<?([^\s<>]+@[^\s<>]+)>?\s*(?:\r?\n|$|\()/gi,
    // Exchange's notices in German, French and Spanish.
    /nachricht an\s+<?([^\s<>]+@[^\s<>]+)>?\s+konnte nicht (?:zugestellt|übermittelt) werden/gi,
    /message (?:à|a)\s+<?([^\s<>]+@[^\s<>]+)>?\s+n.a pas pu être (?:remis|distribué)/gi,
    /mensaje (?:a|para)\s+<?([^\s<>]+@[^\s<>]+)>?\s+no se (?:ha )?pod(?:ido|ía) entregar/gi,
    /(?:wasn't|was not|couldn't be|could not be) delivered to\s+<?([^\s<>]+@[^\s<>]+)>?[\s.,;]/gi,
    /message to\s+<?([^\s<>]+@[^\s<>]+)>?\s+(?:couldn't|could not|can't|cannot) be delivered/gi,
    /delivery has failed to these recipients or groups:\s*(?:\r?\n\s*)+(?:[^\r\n(]*\()?<?([^\s<>()]+@[^\s<>()]+)/gi,
    /unable to deliver your message to the following address(?:es)?\.?\s*(?:\r?\n\s*)+<?([^\s<>]+@[^\s<>:]+)/gi,
  ];
  for (const pattern of patterns)
    for (const m of text.matchAll(pattern)) {
      const address = m[1]!.replace(/[.,;:]+$/, '').toLowerCase();
      if (!found.includes(address)) found.push(address);
    }
  const status =
    /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(text)?.[1] ?? /(?:^|\s|said:\s*)([45]\d\d)[\s:-]/m.exec(text)?.[1] ?? null;
  const diagnostic =
    /(?:said|error|reason|diagnostic[^:]*):\s*(.{10,300})/i.exec(text)?.[1]?.replace(/\s+/g, ' ').trim() ?? null;
  return found.slice(0, 20).map((address) => ({ address, action: null, status, diagnostic }));
}

const TRANSIENT_TEXT =
  /\b(delayed|delay|will (be )?retr(y|ied)|still (trying|being retried)|temporar(y|ily)|has not yet been delivered|could not send message for past)\b/i;
const PERMANENT_TEXT =
  /\b(permanent(ly)? (error|failure|fatal)|failed permanently|user unknown|no such user|does not exist|address not found|mailbox unavailable|recipient address rejected|i've given up|(?:doesn't|does not) have an? [\w.-]+ account|account (?:has been |is )?(?:disabled|deactivated|closed))\b/i;

/** Temporary or permanent, from the status codes first, then the report's wording. */
function permanence(recipients: FailedRecipient[], text: string): boolean | null {
  const statuses = recipients.map((r) => r.status).filter((s): s is string => Boolean(s));
  if (statuses.some((s) => s.startsWith('5'))) return true;
  if (statuses.some((s) => s.startsWith('4'))) return false;
  if (recipients.some((r) => r.action?.startsWith('delayed'))) return false;
  if (recipients.some((r) => r.action?.startsWith('failed'))) return true;
  if (TRANSIENT_TEXT.test(text)) return false;
  if (PERMANENT_TEXT.test(text)) return true;
  return null;
}

/**
 * Read a bounce: who failed and how (the RFC 3464 report when there is one, else the text), and
 * which message it returns — the original's Message-ID and addresses, from the returned headers
 * (text/rfc822-headers, message/rfc822) or the copy many MTAs quote in the text.
 */
export function readBounce(mail: ParsedMail): BounceReport {
  const parts = mail.attachments.map((a) => ({ type: a.contentType.toLowerCase(), text: a.content.toString('utf8') }));
  const status = parts.filter(
    (p) => p.type === 'message/delivery-status' || p.type === 'message/global-delivery-status',
  );
  const originals = parts
    .filter((p) =>
      /^(text\/rfc822-headers|message\/rfc822|message\/rfc822-headers|message\/global(-headers)?)$/.test(p.type),
    )
    .map((p) => p.text);
  const text = (mail.text ?? '').slice(0, 50_000);

  let recipients = status.flatMap((p) => dsnRecipients(p.text));
  // A report whose delivery-status part was not split out (no disposition) reads as text.
  if (!recipients.length) recipients = dsnRecipients(text);
  if (!recipients.length) recipients = textRecipients(text);

  const headerBlocks = [...originals, text].map((t) => unfold(t.slice(0, 50_000)));
  const citedMessageIds = [
    ...new Set([
      ...headerBlocks.flatMap((b) => [...b.matchAll(/^\s*>?\s*Message-ID:\s*<([^<>\s]+)>/gim)].map((m) => m[1]!)),
      ...[
        mail.inReplyTo ?? '',
        ...(Array.isArray(mail.references) ? mail.references : [mail.references ?? '']),
      ].flatMap((v) => [...v.matchAll(/<?([^<>\s]+@[^<>\s]+?)>?(\s|$)/g)].map((m) => m[1]!)),
    ]),
  ].slice(0, 20);
  const citedAddresses = [
    ...new Set(
      headerBlocks.flatMap((b) =>
        [...b.matchAll(/^\s*>?\s*(Reply-To|To|Cc|From|Return-Path):(.*)$/gim)].flatMap((m) =>
          [...m[2]!.matchAll(ADDRESS)].map((a) => a[0].toLowerCase()),
        ),
      ),
    ),
  ].slice(0, 50);
  return {
    recipients,
    permanent: permanence(recipients, `${mail.subject ?? ''}\n${text}`),
    citedMessageIds,
    citedAddresses,
  };
}
