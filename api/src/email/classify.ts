import type { ParsedMail, StructuredHeader } from 'mailparser';
import { isOwnAddress, type EmailIdentity } from './addresses.js';
import { readBounce, type BounceReport } from './bounce-report.js';

export type NoiseKind = 'bounce' | 'receipt' | 'auto_reply' | 'bulk' | 'list' | 'own_address';

export interface Noise {
  kind: NoiseKind;
  /** The header or part that told. */
  evidence: string;
  details?: Record<string, unknown>;
  /** For a bounce: who failed, how badly, and what of ours it cites. */
  bounce?: BounceReport;
}

/** The first value of a header, as text, from the raw lines (mailparser folds some into objects). */
export function headerText(mail: ParsedMail, name: string): string | null {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  if (!line) return null;
  return line
    .slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
}

export function headerTexts(mail: ParsedMail, name: string): string[] {
  return mail.headerLines
    .filter((h) => h.key === name.toLowerCase())
    .map((h) =>
      h.line
        .slice(h.line.indexOf(':') + 1)
        .replace(/\r?\n[ \t]+/g, ' ')
        .trim(),
    );
}

function contentType(mail: ParsedMail): StructuredHeader | null {
  const value = mail.headers.get('content-type');
  return value && typeof value === 'object' && 'value' in value ? (value as StructuredHeader) : null;
}

/** The sender's address, lower case. */
export const senderOf = (mail: ParsedMail): string | null => mail.from?.value[0]?.address?.toLowerCase() ?? null;

/** Local parts only machines send from (RFC 5321 postmaster, RFC 2142 and the MTAs' daemons). */
const DAEMON = /^(mailer-daemon|mailerdaemon|mail-daemon|maildaemon|postmaster)$/i;
/** Display names of the delivery-report senders of Postfix, Gmail, Exim, Exchange and others. */
const DAEMON_NAME =
  /^(mail delivery (system|subsystem|service|failure)|mail administrator|mailer-daemon|postmaster|microsoft outlook|microsoft exchange|mail system)$/i;
/** Senders of list mail: ezmlm/majordomo/listserv owners, Mailman's -bounces and -request addresses. */
const LIST_SENDER = /^(owner-.+|.+-owner|.+-request|.+-bounces(\+.*)?|listserv|majordomo)@/i;

/**
 * Subjects that start automatic replies, as the servers write them (Exchange/Outlook in each
 * language, Gmail and Sieve vacation templates, common autoresponders): at the very start of the
 * subject (a person forwarding one writes "Fwd:"/"WG:"/"TR:" first) and followed by the template's
 * colon or nothing — "Automatic reply not working" is a person asking the desk about one.
 */
const AUTO_REPLY_SUBJECT = new RegExp(
  '^\\s*(' +
    [
      'automatic reply',
      'auto[- ]?reply',
      'auto[- ]?response',
      'auto[- ]?respond(er)?',
      'out of (the )?office (auto ?reply|reply|alert)',
      'automatische antwort',
      'automatische abwesenheitsnotiz',
      'abwesenheitsnotiz',
      'r[ée]ponse automatique',
      'respuesta autom[áa]tica',
      'risposta automatica',
      'automatisch antwoord',
      'resposta autom[áa]tica',
      'automatiskt svar',
      'automatisk svar',
      'autosvar',
      'automaattinen vastaus',
      'odpowied[źz] automatyczna',
      'automatyczna odpowied[źz]',
      'automatick[áa] odpov[ěe][ďd]',
      'automatikus v[áa]lasz',
      'otomatik yan[ıi]t',
    ].join('|') +
    ')\\s*(:|$)',
  'i',
);

/**
 * Words that also start a person's subject ("Absence of VPN logs", "Out of office not working"),
 * so they count only with the colon an auto-reply template puts after them.
 */
const AWAY_SUBJECT = new RegExp(
  '^\\s*(' +
    [
      'auto',
      'out of (the )?office',
      'abwesend',
      'absence( du bureau)?',
      'absent',
      'fuera de la oficina',
      'fuori (sede|ufficio)',
      'afwezig',
      'ausente',
      'fora do escrit[óo]rio',
      'fr[åa]nvarande',
      'frav[æa]rende',
      'ikke til stede',
      'poza biurem',
      'nieobecno[śs][ćc]',
      'poissa',
    ].join('|') +
    ')\\s*:',
  'i',
);

/**
 * Subjects of delivery reports (RFC 3464 and the plain-text ones): Postfix, Sendmail, qmail, Exim,
 * Gmail, Exchange/Outlook in each language, Lotus Notes, Yahoo. The phrase must be followed by the
 * report's colon or parenthesis or end the subject: "Undeliverable emails to a partner" is a
 * person's question.
 */
const BOUNCE_SUBJECT = new RegExp(
  '^\\s*((' +
    [
      'undeliverable( mail| message)?',
      'undelivered mail returned to sender',
      'undelivered mail',
      'delivery status notification',
      'delivery (has )?failed',
      'delivery failure',
      'delivery notification',
      'delivery delayed',
      'mail delivery (failed|failure)',
      'returned mail',
      'failure notice',
      'message not delivered',
      'non remis',
      'non distribuable',
      'impossible de remettre',
      'unzustellbar',
      'nicht zustellbar',
      '[uü]bermittlungsfehler',
      'no entregado',
      'no se puede entregar',
      'non recapitabile',
      'recapito non riuscito',
      'onbestelbaar',
      'n[ãa]o entregue',
      'n[ãa]o (é )?poss[íi]vel entregar',
      'olevererbart',
      'kan ikke leveres',
      'ikke leveret',
      'nie mo[żz]na dostarczy[ćc]',
      'niedostarczalne',
      'toimittamaton',
    ].join('|') +
    ')\\s*(:|\\(|$)|warning: could not send message for past|delayed mail \\(still being retried\\))',
  'i',
);

/**
 * Sentences that only MTAs write at the top of a plain-text bounce (qmail, Exim, Postfix, Sendmail,
 * Gmail, Exchange, Yahoo, Lotus Notes). Read only together with another sign (see detectNoise): a
 * person forwarding a bounce to the desk to ask about it quotes the same words.
 */
export const BOUNCE_TEXT = new RegExp(
  [
    'this is the qmail-send program',
    'this message was created automatically by mail delivery software',
    'this is the mail system at host',
    'the original message was received at',
    'the following addresses had permanent fatal errors',
    "(message|mail) (wasn't|was not|could not be|couldn't be) delivered",
    'delivery has failed to these recipients',
    'delivery to the following recipients? failed',
    'your message to .{1,200} couldn.t be delivered',
    'unable to deliver your message to the following',
    'i.m afraid i wasn.t able to deliver your message',
    'delivery to the following recipients? (has been )?delayed',
    'this is an automatically generated delivery status notification',
  ].join('|'),
  'i',
);

const off = (value: string) => /^(no|false|0|none)$/i.test(value);

/**
 * Mail no person wrote, which must never act on a ticket or be answered (RFC 3834). In order:
 *
 * 1. Delivery reports: `multipart/report; report-type=delivery-status` or a `message/delivery-status`
 *    part (RFC 3464); read receipts (`report-type=disposition-notification`, RFC 8098).
 * 2. Bounces without a report: a sender that is a mailer daemon (MAILER-DAEMON, postmaster, "Mail
 *    Delivery System", any case) with an empty or missing Return-Path (a mailer-daemon local part
 *    needs nothing else); a delivery-report subject (Undeliverable:, Unzustellbar:, failure notice…);
 *    the MTAs' own sentences (qmail, Exim, Postfix…) with a null Return-Path or a daemon sender.
 * 3. `Return-Path: <>`: the null sender, used only by bounces and automatic replies (RFC 3834 §3.3,
 *    RFC 5321 §4.5.5); mail a person writes always has a return address.
 * 4. Auto-replies by header: Auto-Submitted other than "no" (RFC 3834); X-Autoreply, X-Autorespond,
 *    X-Autoresponder, X-Auto-Reply, X-AutoReply-From, X-Mail-Autoreply (Gmail, BoxTrapper/cPanel,
 *    Domain Technologie Control, iCloud and Yahoo vacation replies); X-Autogenerated (CommuniGate);
 *    X-FC-MachineGenerated (FirstClass); X-POST-MessageClass "Autoresponder" (Mailtraq); Delivered-To:
 *    Autoresponder (qmail); X-Mailer: vacation; Exchange's X-MS-Exchange-Generated-Message-Source
 *    (its Mailbox Rules Agent writes out-of-office replies), X-MS-Exchange-Inbox-Rules-Loop (a
 *    message redirected, forwarded or answered by an inbox rule),
 *    X-MS-Exchange-Organization-AutoReplyState; X-Auto-Response-Suppress with All, DR or AutoReply
 *    (Exchange sets it on what it generates; Outlook never on a person's reply); X-Loop and
 *    X-RT-Loop-Prevention (procmail, RT and other responders mark what they send).
 * 5. Bulk: Precedence / X-Precedence bulk, junk or auto_reply (list: step 6).
 * 6. Lists (RFC 2369, RFC 2919): List-Id, List-Unsubscribe, List-Post, Mailing-List, X-Mailing-List,
 *    Precedence: list, or a list-owner Sender/Return-Path (owner-*, *-request, *-bounces). Rule: a
 *    person's reply carries none of these unless it went through a list, and a list post is not a
 *    reply to the desk — except when the list *is* the desk: a group address in front of the reply
 *    mailbox (a Google Group support@ that forwards to Deskmate) names our address in List-Post or
 *    List-Id, and then these headers are not a sign. Feedback-ID is not read on its own: every mail
 *    through some providers (Amazon SES) carries it, and newsletters also send List-Unsubscribe.
 * 7. Subjects of automatic replies in English, German, French, Spanish, Italian, Dutch, Portuguese,
 *    the Nordic languages, Polish, Czech, Hungarian and Turkish; words a person also starts a
 *    subject with ("Absence", "Ausente") only with the colon of a template.
 * 8. Our own mail coming back (MAIL_FROM, the reply mailbox, X-Deskmate-Ticket).
 *
 * Any one of these is enough: each is a header or phrase that automatic mail writes and people's
 * mail clients do not.
 */
export function detectNoise(mail: ParsedMail, identity: EmailIdentity): Noise | null {
  const bounce = (evidence: string): Noise => {
    const report = readBounce(mail);
    return { kind: 'bounce', evidence, details: bounceDetails(report), bounce: report };
  };

  // 1. Delivery reports and read receipts.
  const type = contentType(mail);
  const reportType =
    type?.value.toLowerCase() === 'multipart/report' ? type.params['report-type']?.toLowerCase() : null;
  const hasStatusPart = mail.attachments.some((a) => a.contentType.toLowerCase() === 'message/delivery-status');
  if (reportType === 'delivery-status' || hasStatusPart) return bounce('multipart/report; report-type=delivery-status');
  if (reportType === 'disposition-notification' || reportType === 'disposition-notifications')
    return { kind: 'receipt', evidence: 'multipart/report; report-type=disposition-notification' };

  // 2. Bounces without a machine-readable report.
  const returnPath = headerText(mail, 'return-path');
  const nullSender = returnPath !== null && /^<?\s*>?$/.test(returnPath);
  const noReturnPath = returnPath === null || nullSender;
  const sender = senderOf(mail);
  const senderName = mail.from?.value[0]?.name?.trim() ?? '';
  const local = sender?.split('@')[0] ?? '';
  const daemonLocal = /^(mailer-daemon|mailerdaemon|mail-daemon|maildaemon)$/i.test(local);
  const daemon = DAEMON.test(local) || DAEMON_NAME.test(senderName);
  const subject = mail.subject ?? '';
  const text = (mail.text ?? '').slice(0, 20_000);
  if (daemonLocal) return bounce(`From: ${sender} (a mailer daemon)`);
  if (daemon && noReturnPath)
    return bounce(
      `From: ${senderName || sender} (a mailer daemon) with ${nullSender ? 'Return-Path: <>' : 'no Return-Path'}`,
    );
  if (BOUNCE_SUBJECT.test(subject)) return bounce(`Subject: ${subject.slice(0, 80)}`);
  if (BOUNCE_TEXT.test(text) && (nullSender || daemon))
    return bounce(`delivery-failure text: "${BOUNCE_TEXT.exec(text)![0].slice(0, 80)}"`);

  // 3. The null sender.
  if (nullSender) return { kind: 'auto_reply', evidence: 'Return-Path: <> (the null sender of automatic mail)' };

  // 4. Automatic replies by header.
  const autoSubmitted = headerText(mail, 'auto-submitted');
  if (autoSubmitted && !/^no\b/i.test(autoSubmitted))
    return { kind: 'auto_reply', evidence: `Auto-Submitted: ${autoSubmitted}` };
  for (const name of [
    'X-Autoreply',
    'X-Autorespond',
    'X-Autoresponder',
    'X-Auto-Reply',
    'X-AutoReply-From',
    'X-Mail-Autoreply',
    'X-Autogenerated',
  ]) {
    const value = headerText(mail, name);
    if (value !== null && !off(value)) return { kind: 'auto_reply', evidence: `${name}: ${value.slice(0, 80)}` };
  }
  const machine = headerText(mail, 'x-fc-machinegenerated');
  if (machine !== null && !off(machine)) return { kind: 'auto_reply', evidence: `X-FC-MachineGenerated: ${machine}` };
  const postClass = headerText(mail, 'x-post-messageclass');
  if (postClass && /autorespond/i.test(postClass))
    return { kind: 'auto_reply', evidence: `X-POST-MessageClass: ${postClass}` };
  if (headerTexts(mail, 'delivered-to').some((v) => /^autoresponder$/i.test(v)))
    return { kind: 'auto_reply', evidence: 'Delivered-To: Autoresponder' };
  const mailer = headerText(mail, 'x-mailer');
  if (mailer && /^vacation\b/i.test(mailer)) return { kind: 'auto_reply', evidence: `X-Mailer: ${mailer}` };
  for (const name of [
    'X-MS-Exchange-Generated-Message-Source',
    'X-MS-Exchange-Inbox-Rules-Loop',
    'X-MS-Exchange-Organization-AutoReplyState',
  ]) {
    const value = headerText(mail, name);
    if (value !== null) return { kind: 'auto_reply', evidence: `${name}: ${value.slice(0, 80)}` };
  }
  const suppress = headerText(mail, 'x-auto-response-suppress');
  if (suppress && /(^|[\s,])(all|dr|autoreply)($|[\s,])/i.test(suppress))
    return { kind: 'auto_reply', evidence: `X-Auto-Response-Suppress: ${suppress}` };
  for (const name of ['X-Loop', 'X-RT-Loop-Prevention']) {
    const value = headerText(mail, name);
    if (value !== null)
      return {
        kind: isOwnAddress(identity, value.replace(/^.*<|>.*$/g, '').trim()) ? 'own_address' : 'auto_reply',
        evidence: `${name}: ${value.slice(0, 80)}`,
      };
  }

  // 5 and 6. Bulk and list mail, unless the list is the desk's own group address.
  const ownList = isOwnList(mail, identity);
  for (const name of ['Precedence', 'X-Precedence']) {
    const value = headerText(mail, name)?.toLowerCase();
    if (value && /^(bulk|junk|auto_reply)$/.test(value))
      return { kind: value === 'auto_reply' ? 'auto_reply' : 'bulk', evidence: `${name}: ${value}` };
    if (value === 'list' && !ownList) return { kind: 'list', evidence: `${name}: list` };
  }
  if (!ownList) {
    for (const name of ['List-Id', 'List-Unsubscribe', 'List-Post', 'Mailing-List', 'X-Mailing-List']) {
      const value = headerText(mail, name);
      if (value !== null) return { kind: 'list', evidence: `${name}: ${value.slice(0, 80)}` };
    }
    const listSender = [headerText(mail, 'sender'), returnPath]
      .map((v) => (v ?? '').replace(/^.*<|>.*$/g, '').trim())
      .find((v) => LIST_SENDER.test(v));
    if (listSender) return { kind: 'list', evidence: `list owner address ${listSender}` };
  }

  // 7. Subjects of automatic replies.
  const subjectMatch = AUTO_REPLY_SUBJECT.exec(subject) ?? AWAY_SUBJECT.exec(subject);
  if (subjectMatch) return { kind: 'auto_reply', evidence: `Subject: ${subject.slice(0, 80)}` };

  // 8. Our own mail.
  if ((sender && isOwnAddress(identity, sender)) || headerText(mail, 'x-deskmate-ticket') !== null)
    return { kind: 'own_address', evidence: sender ?? 'X-Deskmate-Ticket' };
  return null;
}

/** A list in front of the desk: List-Post or List-Id names the reply mailbox (RFC 2369, RFC 2919). */
function isOwnList(mail: ParsedMail, identity: EmailIdentity): boolean {
  const post = headerText(mail, 'list-post')?.toLowerCase() ?? '';
  const id = headerText(mail, 'list-id')?.toLowerCase() ?? '';
  const { local, domain, address } = identity.reply;
  return post.includes(`mailto:${address}`) || id.includes(`<${local}.${domain}>`);
}

/** What the inbound record keeps of a bounce (the first failed recipient's fields, and all of them). */
function bounceDetails(report: BounceReport): Record<string, unknown> {
  const first = report.recipients[0];
  return {
    finalRecipient: first?.address ?? null,
    action: first?.action ?? null,
    status: first?.status ?? null,
    diagnostic: first?.diagnostic ?? null,
    permanent: report.permanent,
    ...(report.recipients.length > 1 ? { recipients: report.recipients.map((r) => r.address) } : {}),
    originalMessageId: report.citedMessageIds[0] ?? null,
  };
}

/**
 * The topmost Authentication-Results (added by the receiving server; lower ones may be the
 * sender's own) says the sender's domain failed DMARC.
 */
export function failsDmarc(mail: ParsedMail): boolean {
  const top = headerText(mail, 'authentication-results');
  return top !== null && /\bdmarc=fail\b/i.test(top);
}
