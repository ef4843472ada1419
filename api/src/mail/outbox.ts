import type { DbOrTx } from '../db/client.js';
import { mailMessages } from '../db/schema.js';
import type { Logger } from '../logger.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Template name: password_reset, invite, email_otp, … */
  kind: string;
  userId?: string | null;
}

/**
 * Queue an email. Until SMTP delivery lands this is the dev outbox: the message is stored (an
 * admin can read it through the API) and its recipient and subject — never its body, which may
 * hold a code or a link — are logged.
 */
export async function queueMail(db: DbOrTx, message: MailMessage, logger: Logger): Promise<void> {
  await db.insert(mailMessages).values({
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html ?? null,
    kind: message.kind,
    userId: message.userId ?? null,
    status: 'dev',
  });
  logger.info({ to: message.to, subject: message.subject, kind: message.kind }, 'mail queued in the dev outbox');
}
