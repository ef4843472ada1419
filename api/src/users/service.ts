import { and, asc, count, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { TUserRole } from '@deskmate/shared';
import { recordAudit, type Actor } from '../audit/record.js';
import { revokeTokens } from '../auth/service.js';
import type { DbOrTx } from '../db/client.js';
import { authTokens, userIdentities, users } from '../db/schema.js';
import { AppError, notFound } from '../http/errors.js';
import type { Services, UserRow } from '../http/context.js';
import { queueMail } from '../mail/outbox.js';
import { presentUser } from '../presenters/user.js';
import { randomToken, sha256 } from '../security/crypto.js';
import { isAdmin } from '@deskmate/shared';
import { activeAdminsSql, isActiveAdmin } from './policy.js';

const INVITE_TTL_MS = 7 * 86_400_000;

export async function getUser(db: DbOrTx, id: string): Promise<UserRow> {
  const [user] = await db.select().from(users).where(eq(users.id, id));
  if (!user) throw notFound('User');
  return user;
}

export async function listUsers(
  db: DbOrTx,
  filter: { role?: TUserRole | undefined; active?: boolean | undefined; q?: string | undefined },
): Promise<UserRow[]> {
  const where: SQL[] = [];
  if (filter.role) where.push(eq(users.role, filter.role));
  if (filter.active !== undefined) where.push(eq(users.active, filter.active));
  if (filter.q) {
    const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(users.email, like), ilike(users.name, like))!);
  }
  return db
    .select()
    .from(users)
    .where(and(...where))
    .orderBy(asc(users.name))
    .limit(500);
}

/** Invite someone by email: the user exists (without a password) and gets a single-use link valid for 7 days. */
export async function inviteUser(
  services: Services,
  input: { email: string; name: string; role: TUserRole },
  actor: Actor,
): Promise<UserRow> {
  return services.db.transaction(async (tx) => {
    const [existing] = await tx
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = ${input.email}`);
    if (existing && existing.passwordHash) throw new AppError('conflict', 'A user with this email already exists');
    const user =
      existing ??
      (await tx.insert(users).values({ email: input.email, name: input.name, role: input.role }).returning())[0]!;
    const token = randomToken(32);
    const now = services.clock.now();
    // A new invitation replaces any earlier one.
    await tx
      .update(authTokens)
      .set({ usedAt: now })
      .where(and(eq(authTokens.userId, user.id), eq(authTokens.purpose, 'invite')));
    await tx.insert(authTokens).values({
      userId: user.id,
      purpose: 'invite',
      tokenHash: sha256(token),
      expiresAt: new Date(now.getTime() + INVITE_TTL_MS),
      createdBy: actor.userId,
    });
    await queueMail(
      tx,
      {
        to: user.email,
        subject: 'You are invited to Deskmate',
        text: `Hello ${user.name},\n\nYou have been invited to the Deskmate helpdesk. Open this link within 7 days to choose a password:\n\n${services.publicUrl()}/accept-invite?token=${token}\n`,
        kind: 'invite',
        userId: user.id,
      },
      services.logger,
    );
    await recordAudit(tx, actor, {
      action: 'user.invited',
      entityType: 'user',
      entityId: user.id,
      after: presentUser(user),
    });
    return user;
  });
}

async function assertAnotherAdminRemains(tx: DbOrTx, user: UserRow): Promise<void> {
  if (!isActiveAdmin(user)) return;
  const [row] = await tx.select({ n: count() }).from(users).where(activeAdminsSql());
  if (Number(row?.n ?? 0) <= 1) throw new AppError('conflict', 'At least one active admin must remain');
}

export async function changeRole(services: Services, id: string, role: TUserRole, actor: Actor): Promise<UserRow> {
  return services.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended('users:admins', 0))`);
    const before = await getUser(tx, id);
    if (before.role === role) return before;
    if (!isAdmin(role)) await assertAnotherAdminRemains(tx, before);
    await tx
      .update(users)
      .set({ role, updatedAt: sql`now()` })
      .where(eq(users.id, id));
    const after = await revokeTokens(tx, id);
    await recordAudit(tx, actor, {
      action: 'user.role_changed',
      entityType: 'user',
      entityId: id,
      before: presentUser(before),
      after: presentUser(after),
    });
    return after;
  });
}

export async function setActive(services: Services, id: string, active: boolean, actor: Actor): Promise<UserRow> {
  return services.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended('users:admins', 0))`);
    const before = await getUser(tx, id);
    if (before.active === active) return before;
    if (!active) {
      if (before.id === actor.userId) throw new AppError('conflict', 'You cannot deactivate yourself');
      await assertAnotherAdminRemains(tx, before);
    }
    await tx
      .update(users)
      .set({ active, updatedAt: sql`now()` })
      .where(eq(users.id, id));
    const after = await revokeTokens(tx, id);
    await recordAudit(tx, actor, {
      action: active ? 'user.reactivated' : 'user.deactivated',
      entityType: 'user',
      entityId: id,
      before: presentUser(before),
      after: presentUser(after),
    });
    return after;
  });
}

export async function updateUser(
  services: Services,
  id: string,
  patch: { name?: string | undefined; away?: boolean | undefined; twoFactorRequired?: boolean | undefined },
  actor: Actor,
): Promise<UserRow> {
  return services.db.transaction(async (tx) => {
    const before = await getUser(tx, id);
    const values = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    if (Object.keys(values).length === 0) return before;
    const [after] = await tx
      .update(users)
      .set({ ...values, updatedAt: sql`now()` })
      .where(eq(users.id, id))
      .returning();
    await recordAudit(tx, actor, {
      action: 'user.updated',
      entityType: 'user',
      entityId: id,
      before: presentUser(before),
      after: presentUser(after!),
    });
    return after!;
  });
}

/**
 * Map a chat account to a Deskmate user: by the stored identity, else by email (linking it), else
 * a new requester. Safe when two events for a new user arrive at once.
 */
export async function resolveChatIdentity(
  services: Services,
  input: {
    provider: 'slack' | 'teams';
    providerUserId: string;
    providerTeamId?: string | undefined;
    email?: string | undefined;
    name?: string | undefined;
  },
  actor: Actor,
): Promise<{ user: UserRow; created: boolean; linked: boolean }> {
  return services.db.transaction(async (tx) => {
    await tx.execute(
      sql`SELECT pg_advisory_xact_lock(hashtextextended(${`identity:${input.provider}:${input.providerUserId}`}, 0))`,
    );
    const [known] = await tx
      .select({ user: users })
      .from(userIdentities)
      .innerJoin(users, eq(users.id, userIdentities.userId))
      .where(and(eq(userIdentities.provider, input.provider), eq(userIdentities.providerUserId, input.providerUserId)));
    if (known) return { user: known.user, created: false, linked: false };
    const email = input.email ?? `${input.provider}-${input.providerUserId.toLowerCase()}@chat.deskmate.invalid`;
    const [byEmail] = await tx
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = ${email}`);
    const user =
      byEmail ??
      (
        await tx
          .insert(users)
          .values({ email, name: input.name ?? input.providerUserId, role: 'requester' })
          .returning()
      )[0]!;
    await tx.insert(userIdentities).values({
      userId: user.id,
      provider: input.provider,
      providerUserId: input.providerUserId,
      providerTeamId: input.providerTeamId ?? null,
    });
    await recordAudit(tx, actor, {
      action: byEmail ? 'user.identity_linked' : 'user.created_from_chat',
      entityType: 'user',
      entityId: user.id,
      after: { provider: input.provider, providerUserId: input.providerUserId },
    });
    return { user, created: !byEmail, linked: Boolean(byEmail) };
  });
}
