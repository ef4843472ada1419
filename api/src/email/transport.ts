import nodemailer from 'nodemailer';
import { PermanentDeliveryError } from '@deskmate/shared';

/** A file carried inside a mail (small files of a public reply). */
export interface OutgoingAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface OutgoingEmail {
  from: string;
  to: string;
  replyTo?: string | undefined;
  subject: string;
  text: string;
  html: string;
  /** Without brackets. */
  messageId: string;
  inReplyTo?: string | undefined;
  references?: string[] | undefined;
  attachments?: OutgoingAttachment[] | undefined;
  headers: Record<string, string>;
}

export interface MailTransport {
  send(mail: OutgoingEmail): Promise<void>;
  close(): void;
}

/**
 * Connections a process opens to the relay at once: a delivery wave may hand it twenty-five mails
 * together (ADR 22), and relays limit concurrent connections per client; the rest wait their turn.
 */
export const SMTP_CONCURRENCY = 10;

/** SMTP through nodemailer (SMTP_URL, options as query parameters). */
export function smtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport(url);
  let sending = 0;
  const waiting: (() => void)[] = [];
  return {
    async send(mail) {
      if (sending >= SMTP_CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
      else sending++;
      try {
        await transporter.sendMail({
          from: mail.from,
          to: mail.to,
          ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: `<${mail.messageId}>`,
          ...(mail.inReplyTo ? { inReplyTo: `<${mail.inReplyTo}>` } : {}),
          ...(mail.references?.length ? { references: mail.references.map((r) => `<${r}>`) } : {}),
          ...(mail.attachments?.length
            ? {
                attachments: mail.attachments.map((a) => ({
                  filename: a.filename,
                  contentType: a.contentType,
                  content: a.content,
                })),
              }
            : {}),
          headers: mail.headers,
        });
      } catch (err) {
        throw classifySmtpError(err);
      } finally {
        // The turn passes straight to the next waiting send, or is given back.
        const next = waiting.shift();
        if (next) next();
        else sending--;
      }
    },
    close() {
      transporter.close();
    },
  };
}

/**
 * A 5xx answer about the message or its recipient (no such mailbox, rejected content) cannot
 * succeed on retry; anything else (connection refused, 4xx greylisting, timeouts) can.
 */
export function classifySmtpError(err: unknown): Error {
  const e = err as { responseCode?: number; message?: string; code?: string };
  const message = `SMTP: ${e?.message ?? String(err)}`.slice(0, 500);
  if (typeof e?.responseCode === 'number' && e.responseCode >= 500 && e.code !== 'EAUTH')
    return new PermanentDeliveryError(message);
  return new Error(message);
}
