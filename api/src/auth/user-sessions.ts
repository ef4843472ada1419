import { and, desc, eq, gt, isNull, lte } from 'drizzle-orm';
import { recordAudit, type Actor } from '../audit/record.js';
import type { DbOrTx } from '../db/client.js';
import { userSessions } from '../db/schema.js';
import type { Services, UserRow } from '../http/context.js';

/** `last_seen_at` is written at most this often per session, not on every request. */
export const LAST_SEEN_EVERY_MS = 60_000;
const USER_AGENT_MAX = 512;

export type UserSessionRow = typeof userSessions.$inferSelect;

/**
 * The session row for a sign-in, or `reuse` (this device's session, when a password or 2FA
 * change re-issues its token) moved to the user's new token version. Returns its id, the `sid`.
 */
export async function openSession(
  db: DbOrTx,
  user: UserRow,
  input: { now: Date; expiresAt: Date; actor: Actor; reuse?: string | undefined },
): Promise<string> {
  const { now, expiresAt, actor } = input;
  if (input.reuse) {
    const [kept] = await db
      .update(userSessions)
      .set({ tokenVersion: user.tokenVersion, expiresAt, lastSeenAt: now, ip: actor.ip ?? null })
      .where(and(eq(userSessions.id, input.reuse), eq(userSessions.userId, user.id), isNull(userSessions.revokedAt)))
      .returning({ id: userSessions.id });
    if (kept) return kept.id;
  }
  const [row] = await db
    .insert(userSessions)
    .values({
      userId: user.id,
      tokenVersion: user.tokenVersion,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      userAgent: actor.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
      ip: actor.ip ?? null,
    })
    .returning({ id: userSessions.id });
  return row!.id;
}

type SessionState = Pick<UserSessionRow, 'tokenVersion' | 'expiresAt' | 'revokedAt'>;

/** Whether a session row (from the per-request query) still stands for a token of version `tv`. */
export function sessionIsLive<T extends SessionState>(row: T | null | undefined, tv: number, now: Date): row is T {
  return Boolean(row && !row.revokedAt && row.tokenVersion === tv && row.expiresAt > now);
}

/**
 * Note that a session was seen (and from where), at most once a minute: the condition makes
 * concurrent requests of one session write once. A renewal also moves its expiry.
 */
export async function touchSession(
  db: DbOrTx,
  sid: string,
  input: { now: Date; ip: string | undefined; expiresAt?: Date },
): Promise<boolean> {
  const { now, expiresAt } = input;
  const rows = await db
    .update(userSessions)
    .set({ lastSeenAt: now, ip: input.ip ?? null, ...(expiresAt ? { expiresAt } : {}) })
    .where(
      and(
        eq(userSessions.id, sid),
        isNull(userSessions.revokedAt),
        expiresAt ? undefined : lte(userSessions.lastSeenAt, new Date(now.getTime() - LAST_SEEN_EVERY_MS)),
      ),
    )
    .returning({ id: userSessions.id });
  return rows.length === 1;
}

/** Where one of `user`'s sessions is still in force (not revoked, not expired, current token version). */
const liveSessionOf = (user: UserRow, now: Date) =>
  and(
    eq(userSessions.userId, user.id),
    isNull(userSessions.revokedAt),
    gt(userSessions.expiresAt, now),
    eq(userSessions.tokenVersion, user.tokenVersion),
  );

/** The user's sessions in force, the most recently seen first. */
export async function listSessions(services: Services, user: UserRow): Promise<UserSessionRow[]> {
  return services.db
    .select()
    .from(userSessions)
    .where(liveSessionOf(user, services.clock.now()))
    .orderBy(desc(userSessions.lastSeenAt), desc(userSessions.createdAt));
}

/**
 * End one of the user's own sessions, or nothing (undefined) for anyone else's session or one
 * already over. `action` names it in the audit log: auth.logout for this device's plain sign-out,
 * auth.session_revoked for a sign-out chosen from the list.
 */
export async function revokeSession(
  services: Services,
  user: UserRow,
  sid: string,
  actor: Actor,
  action: 'auth.logout' | 'auth.session_revoked',
): Promise<UserSessionRow | undefined> {
  const now = services.clock.now();
  return services.db.transaction(async (tx) => {
    const [row] = await tx
      .update(userSessions)
      .set({ revokedAt: now })
      .where(and(eq(userSessions.id, sid), liveSessionOf(user, now)))
      .returning();
    if (!row) return undefined;
    await recordAudit(tx, actor, {
      action,
      entityType: 'user',
      entityId: user.id,
      after: { sessionId: row.id },
    });
    return row;
  });
}
