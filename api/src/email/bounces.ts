import { and, eq, inArray, sql } from 'drizzle-orm';
import { recordAudit, systemActor, type Actor } from '../audit/record.js';
import type { DbOrTx } from '../db/client.js';
import { mailMessages, notifications, users } from '../db/schema.js';
import { emailMessageIds } from '../db/schema-email.js';
import type { Services, UserRow } from '../http/context.js';
import { replyKey, tokenInAddress, verifyReplyToken, type EmailIdentity } from './addresses.js';
import type { BounceReport } from './bounce-report.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The people a bounce proves we mailed: the returned message's Message-ID is one we sent to them
 * (ticket mail is recorded in email_message_ids; sign-in codes, invitations and digests carry the
 * id of their row or the recipient), or its Reply-To is a reply address we signed for them. These
 * ids are random (UUIDs) and the reply address carries a MAC: a forged bounce cannot name them, so
 * it cannot pause anyone's mail.
 */
async function recipientsOfOurMail(
  db: DbOrTx,
  services: Services,
  identity: EmailIdentity,
  report: BounceReport,
): Promise<Set<string>> {
  const ours = report.citedMessageIds.filter((id) => id.toLowerCase().endsWith(`@${identity.domain}`));
  const found = new Set<string>();
  if (ours.length) {
    const rows = await db
      .select({ userId: emailMessageIds.userId })
      .from(emailMessageIds)
      .where(and(inArray(emailMessageIds.messageId, ours), eq(emailMessageIds.direction, 'out')));
    for (const r of rows) if (r.userId) found.add(r.userId);
  }
  const plain = ours.map((id) => /^deskmate\.(.+)@/i.exec(id)?.[1] ?? '').filter(Boolean);
  const digestUsers = plain.map((p) => /^digest\.([0-9a-f-]{36})\./i.exec(p)?.[1]).filter((u): u is string => !!u);
  const rowIds = plain.filter((p) => UUID.test(p));
  for (const id of digestUsers) if (UUID.test(id)) found.add(id.toLowerCase());
  if (rowIds.length) {
    const mails = await db
      .select({ userId: mailMessages.userId })
      .from(mailMessages)
      .where(inArray(mailMessages.id, rowIds));
    const notes = await db
      .select({ userId: notifications.userId })
      .from(notifications)
      .where(inArray(notifications.id, rowIds));
    for (const r of [...mails, ...notes]) if (r.userId) found.add(r.userId);
  }
  const key = replyKey(services.config, services.secrets.encryptionKey);
  for (const address of report.citedAddresses) {
    const token = tokenInAddress(identity, address);
    const check = token ? verifyReplyToken(key, token) : null;
    if (check?.ok) found.add(check.token.userId);
  }
  return found;
}

export interface BounceOutcome {
  /** Users whose address is now marked as bouncing. */
  marked: { userId: string; email: string }[];
  /** Why nobody was marked (a temporary failure, not our mail, an unknown address). */
  notMarked: string | null;
}

const reasonOf = (r: { status: string | null; diagnostic: string | null }) =>
  [r.status, r.diagnostic ?? 'delivery failed'].filter(Boolean).join(' ').replace(/\s+/g, ' ').slice(0, 300);

/**
 * A bounce marks the failing recipient's address as bouncing, and mail to it waits for
 * EMAIL_BOUNCE_PAUSE (EmailSender checks `emailPausedUntil`). Only a permanent failure (5.x.x)
 * of mail we can prove we sent to that person marks anyone: a temporary one (4.x.x, delayed) or a
 * report that cites nothing of ours is recorded and changes nothing.
 */
export async function markBounce(
  tx: DbOrTx,
  services: Services,
  identity: EmailIdentity,
  report: BounceReport,
): Promise<BounceOutcome> {
  if (report.permanent === false) return { marked: [], notMarked: 'a temporary failure (4.x.x or delayed)' };
  if (report.permanent === null) return { marked: [], notMarked: 'the report does not say the failure is permanent' };
  const ours = await recipientsOfOurMail(tx, services, identity, report);
  if (!ours.size) return { marked: [], notMarked: 'the report does not cite mail Deskmate sent' };
  const candidates = report.recipients.length
    ? await tx
        .select()
        .from(users)
        .where(
          inArray(
            sql`lower(${users.email})`,
            report.recipients.map((r) => r.address.toLowerCase()),
          ),
        )
    : // No address in the report (a terse bounce): the one person the returned mail was for.
      ours.size === 1
      ? await tx
          .select()
          .from(users)
          .where(eq(users.id, [...ours][0]!))
      : [];
  const now = services.clock.now();
  const until = new Date(now.getTime() + services.config.EMAIL_BOUNCE_PAUSE);
  const marked: BounceOutcome['marked'] = [];
  for (const user of candidates.filter((u) => ours.has(u.id))) {
    const failed = report.recipients.find((r) => r.address.toLowerCase() === user.email.toLowerCase());
    const reason = reasonOf(failed ?? report.recipients[0] ?? { status: null, diagnostic: null });
    await tx
      .update(users)
      .set({ emailBouncedAt: now, emailBounceReason: reason, emailPausedUntil: until })
      .where(eq(users.id, user.id));
    await recordAudit(
      tx,
      { ...systemActor, channel: 'email' },
      {
        action: 'user.email_bouncing',
        entityType: 'user',
        entityId: user.id,
        before: { emailBouncedAt: user.emailBouncedAt?.toISOString() ?? null },
        after: { emailBouncedAt: now.toISOString(), emailBounceReason: reason, emailPausedUntil: until.toISOString() },
      },
    );
    marked.push({ userId: user.id, email: user.email });
  }
  return {
    marked,
    notMarked: marked.length ? null : 'the failed address is not one Deskmate sent this mail to',
  };
}

/** Mail to this person is paused until then (a permanent bounce, EMAIL_BOUNCE_PAUSE), or null. */
export function emailPausedUntil(user: Pick<UserRow, 'emailPausedUntil'>, now: Date): Date | null {
  return user.emailPausedUntil && user.emailPausedUntil.getTime() > now.getTime() ? user.emailPausedUntil : null;
}

/** An admin says the address works again: the mark is cleared and mail resumes at once. */
export async function clearEmailBounce(services: Services, userId: string, actor: Actor): Promise<UserRow | null> {
  return services.db.transaction(async (tx) => {
    const [before] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    if (!before) return null;
    if (!before.emailBouncedAt && !before.emailPausedUntil) return before;
    const [after] = await tx
      .update(users)
      .set({ emailBouncedAt: null, emailBounceReason: null, emailPausedUntil: null, updatedAt: sql`now()` })
      .where(eq(users.id, userId))
      .returning();
    await recordAudit(tx, actor, {
      action: 'user.email_bounce_cleared',
      entityType: 'user',
      entityId: userId,
      before: {
        emailBouncedAt: before.emailBouncedAt?.toISOString() ?? null,
        emailBounceReason: before.emailBounceReason,
        emailPausedUntil: before.emailPausedUntil?.toISOString() ?? null,
      },
      after: { emailBouncedAt: null },
    });
    return after!;
  });
}
