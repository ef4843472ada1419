import type { ParsedMail, StructuredHeader } from 'mailparser';
import { isOwnAddress, type EmailIdentity } from '../../api/src/email/addresses.js';

export type NoiseKind = 'bounce' | 'receipt' | 'auto_reply' | 'bulk' | 'own_address';

export interface Noise {
  kind: NoiseKind;
  /** The header or part that told. */
  evidence: string;
  details?: Record<string, unknown>;
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

/** Fields of an RFC 3464 delivery-status report: who failed, with which status, for which message. */
function deliveryStatus(mail: ParsedMail): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  for (const part of mail.attachments) {
    const type = part.contentType.toLowerCase();
    const text = part.content.toString('utf8');
    if (type === 'message/delivery-status') {
      const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'im').exec(text)?.[1]?.trim();
      details.finalRecipient = field('Final-Recipient')?.replace(/^rfc822;\s*/i, '') ?? null;
      details.action = field('Action') ?? null;
      details.status = field('Status') ?? null;
      details.diagnostic = field('Diagnostic-Code')?.slice(0, 300) ?? null;
    } else if (type === 'text/rfc822-headers' || type === 'message/rfc822' || type === 'message/rfc822-headers') {
      details.originalMessageId = /^Message-ID:\s*<([^>]+)>/im.exec(text)?.[1] ?? null;
    }
  }
  return details;
}

/**
 * Mail no person wrote, which must never act on a ticket or be answered (RFC 3834): delivery
 * reports (RFC 3464) and read receipts, auto-replies (Auto-Submitted, X-Autoreply, X-Autorespond),
 * bulk and list mail (Precedence), and our own mail coming back.
 */
export function detectNoise(mail: ParsedMail, identity: EmailIdentity): Noise | null {
  const type = contentType(mail);
  const reportType =
    type?.value.toLowerCase() === 'multipart/report' ? type.params['report-type']?.toLowerCase() : null;
  const hasStatusPart = mail.attachments.some((a) => a.contentType.toLowerCase() === 'message/delivery-status');
  if (reportType === 'delivery-status' || hasStatusPart)
    return { kind: 'bounce', evidence: 'multipart/report; report-type=delivery-status', details: deliveryStatus(mail) };
  if (reportType === 'disposition-notification')
    return { kind: 'receipt', evidence: 'multipart/report; report-type=disposition-notification' };

  const returnPath = headerText(mail, 'return-path');
  const sender = senderOf(mail);
  if (returnPath !== null && /^<\s*>$/.test(returnPath) && (!sender || /^(mailer-daemon|postmaster)@/i.test(sender)))
    return { kind: 'bounce', evidence: 'Return-Path: <> from a mailer daemon' };

  const autoSubmitted = headerText(mail, 'auto-submitted');
  if (autoSubmitted && !/^no\b/i.test(autoSubmitted))
    return { kind: 'auto_reply', evidence: `Auto-Submitted: ${autoSubmitted}` };
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder', 'x-auto-reply']) {
    const value = headerText(mail, name);
    if (value !== null && !/^(no|false|0)$/i.test(value)) return { kind: 'auto_reply', evidence: `${name}: ${value}` };
  }
  for (const name of ['precedence', 'x-precedence']) {
    const value = headerText(mail, name)?.toLowerCase();
    if (value && /^(bulk|junk|list|auto_reply)$/.test(value))
      return { kind: value === 'auto_reply' ? 'auto_reply' : 'bulk', evidence: `${name}: ${value}` };
  }
  if ((sender && isOwnAddress(identity, sender)) || headerText(mail, 'x-deskmate-ticket') !== null)
    return { kind: 'own_address', evidence: sender ?? 'X-Deskmate-Ticket' };
  return null;
}

/**
 * The topmost Authentication-Results (added by the receiving server; lower ones may be the
 * sender's own) says the sender's domain failed DMARC.
 */
export function failsDmarc(mail: ParsedMail): boolean {
  const top = headerText(mail, 'authentication-results');
  return top !== null && /\bdmarc=fail\b/i.test(top);
}
