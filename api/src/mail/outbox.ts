import { desc } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { mailMessages } from '../db/schema.js';
import { writeOutbox } from '../delivery/outbox.js';
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
 * Queue an email that is not about a ticket (sign-in code, password reset, invitation), in the
 * caller's transaction: a `mail_messages` row (what an admin reads at GET /api/admin/mail) and an
 * `email.direct` outbox row that the email sender delivers — through SMTP, or into the dev outbox
 * when no SMTP_URL is set. Only its recipient, kind and id are logged, never its body, which may
 * hold a code or a link. Callers keep secrets out of the subject: subjects are listed and kept.
 */
export async function queueMail(db: DbOrTx, message: MailMessage, logger: Logger): Promise<void> {
  const [row] = await db
    .insert(mailMessages)
    .values({
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html ?? null,
      kind: message.kind,
      userId: message.userId ?? null,
      status: 'queued',
    })
    .returning({ id: mailMessages.id });
  await writeOutbox(
    db,
    'email.direct',
    [
      {
        dedupeKey: `email.direct:${row!.id}`,
        payload: { mailId: row!.id, to: message.to, userId: message.userId ?? null },
      },
    ],
    'fail',
  );
  logger.info({ to: message.to, kind: message.kind, mailId: row!.id }, 'mail queued');
}

/**
 * The admin's view of mail that is not about a ticket, newest first. The body of a sign-in code,
 * reset or invitation is shown only in the development outbox (no SMTP_URL).
 */
export async function recentMail(db: DbOrTx) {
  const rows = await db.select().from(mailMessages).orderBy(desc(mailMessages.createdAt)).limit(200);
  return rows.map((m) => ({
    id: m.id,
    to: m.to,
    subject: m.subject,
    text: m.status === 'dev' ? m.text : '(not shown: it goes to the recipient only)',
    kind: m.kind,
    status: m.status,
    createdAt: m.createdAt.toISOString(),
  }));
}
