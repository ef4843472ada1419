import { and, count, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { TClaimMapping, TUserRole } from '@deskmate/shared';
import { recordAudit, type Actor } from '../../audit/record.js';
import type { DbOrTx } from '../../db/client.js';
import { groupMembers, groups, userIdentities, users } from '../../db/schema.js';
import { ssoIdentities } from '../../db/schema-sso.js';
import type { UserRow } from '../../http/context.js';
import { revokeTokens } from '../service.js';
import { SsoError } from './errors.js';
import type { SsoPerson, SsoProviderConfig } from './presets.js';
import { isAdmin, outranks } from '@deskmate/shared';

/** The placeholder address a chat-only requester gets (users/service.ts resolveChatIdentity). */
const CHAT_PLACEHOLDER = /@chat\.deskmate\.invalid$/;

export interface SsoAccount {
  user: UserRow;
  /** How this sign-in found the user. */
  matchedBy: 'identity' | 'email' | 'chat' | 'created';
}

/**
 * The Deskmate user of a single sign-on, in the caller's transaction:
 * 1. the account this provider and subject already signed in as;
 * 2. else the user with the email the provider vouches for (verified; see presets.verifiedEmail);
 * 3. else the user of the same person's chat account (Teams: Entra object id = `aadObjectId`;
 *    Slack: the Slack user id), so that a person is one user across console and chat;
 * 4. else a new requester, when the verified email's domain is allowed (just-in-time);
 * and refuses otherwise. The link (provider, issuer, subject) is kept in sso_identities.
 * Deactivated users are refused here too (the caller commits the audit row first).
 */
export async function findOrCreateSsoUser(
  tx: DbOrTx,
  provider: SsoProviderConfig,
  person: SsoPerson,
  actor: Actor,
  now: Date,
): Promise<SsoAccount> {
  await tx.execute(
    sql`SELECT pg_advisory_xact_lock(hashtextextended(${`sso:${provider.id}:${person.issuer}:${person.subject}`}, 0))`,
  );
  const key = and(
    eq(ssoIdentities.providerId, provider.id),
    eq(ssoIdentities.issuer, person.issuer),
    eq(ssoIdentities.subject, person.subject),
  );
  const [known] = await tx
    .select({ user: users })
    .from(ssoIdentities)
    .innerJoin(users, eq(users.id, ssoIdentities.userId))
    .where(key);
  let account: SsoAccount | undefined = known ? { user: known.user, matchedBy: 'identity' } : undefined;
  if (!account) account = await matchOrCreate(tx, provider, person, actor);
  const identity = {
    email: person.email,
    chatProvider: person.chat?.provider ?? null,
    chatUserId: person.chat?.userId ?? null,
    tenantId: person.tenantId,
    lastLoginAt: now,
  };
  if (known) await tx.update(ssoIdentities).set(identity).where(key);
  else {
    await tx.insert(ssoIdentities).values({
      userId: account.user.id,
      providerId: provider.id,
      issuer: person.issuer,
      subject: person.subject,
      ...identity,
    });
    await recordAudit(tx, actor, {
      action: 'user.sso_linked',
      entityType: 'user',
      entityId: account.user.id,
      after: { provider: provider.id, issuer: person.issuer, subject: person.subject, matchedBy: account.matchedBy },
    });
  }
  return account;
}

async function matchOrCreate(
  tx: DbOrTx,
  provider: SsoProviderConfig,
  person: SsoPerson,
  actor: Actor,
): Promise<SsoAccount> {
  if (person.email) {
    const [byEmail] = await tx
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = ${person.email}`);
    if (byEmail) return { user: byEmail, matchedBy: 'email' };
  }
  const byChat = await chatUser(tx, person);
  if (byChat) {
    // A chat-only requester (no address known) takes the verified one, when nobody has it.
    if (person.email && CHAT_PLACEHOLDER.test(byChat.email)) {
      const [updated] = await tx.update(users).set({ email: person.email }).where(eq(users.id, byChat.id)).returning();
      return { user: updated ?? byChat, matchedBy: 'chat' };
    }
    return { user: byChat, matchedBy: 'chat' };
  }
  if (!person.email) throw new SsoError('unverified_email', person.unverifiedEmail ? 'email not verified' : 'no email');
  const domain = person.email.split('@')[1]!;
  if (!provider.options.allowedDomains.includes(domain)) throw new SsoError('domain_not_allowed', domain);
  const [created] = await tx
    .insert(users)
    .values({ email: person.email, name: person.name ?? person.email.split('@')[0]!, role: 'requester' })
    .returning();
  await recordAudit(tx, actor, {
    action: 'user.created_from_sso',
    entityType: 'user',
    entityId: created!.id,
    after: { provider: provider.id, email: person.email, subject: person.subject },
  });
  return { user: created!, matchedBy: 'created' };
}

/** The user of the chat account that is this person (in the same Entra tenant or Slack team). */
async function chatUser(tx: DbOrTx, person: SsoPerson): Promise<UserRow | undefined> {
  const chat = person.chat;
  if (!chat) return undefined;
  const [row] = await tx
    .select({ user: users })
    .from(userIdentities)
    .innerJoin(users, eq(users.id, userIdentities.userId))
    .where(
      and(
        eq(userIdentities.provider, chat.provider),
        eq(userIdentities.providerUserId, chat.userId),
        chat.teamId
          ? or(isNull(userIdentities.providerTeamId), eq(userIdentities.providerTeamId, chat.teamId))
          : undefined,
      ),
    );
  return row?.user;
}

/**
 * Make the person's chat account (Teams by object id, Slack by user id) map to this user, so the
 * bots act as the same user the console signs in. A chat account already mapped to a chat-only
 * requester moves here; one mapped to another real user is left alone and audited.
 */
export async function joinChatIdentity(tx: DbOrTx, user: UserRow, person: SsoPerson, actor: Actor): Promise<void> {
  const chat = person.chat;
  if (!chat) return;
  const [existing] = await tx
    .select({ identity: userIdentities, owner: users })
    .from(userIdentities)
    .innerJoin(users, eq(users.id, userIdentities.userId))
    .where(and(eq(userIdentities.provider, chat.provider), eq(userIdentities.providerUserId, chat.userId)));
  const after = { provider: chat.provider, providerUserId: chat.userId, via: 'sso' };
  if (!existing) {
    await tx
      .insert(userIdentities)
      .values({ userId: user.id, provider: chat.provider, providerUserId: chat.userId, providerTeamId: chat.teamId })
      .onConflictDoNothing();
    await recordAudit(tx, actor, { action: 'user.identity_linked', entityType: 'user', entityId: user.id, after });
    return;
  }
  if (existing.owner.id === user.id) return;
  if (chat.teamId && existing.identity.providerTeamId && existing.identity.providerTeamId !== chat.teamId) return;
  const chatOnly = CHAT_PLACEHOLDER.test(existing.owner.email) && !existing.owner.passwordHash;
  if (chatOnly) {
    await tx.update(userIdentities).set({ userId: user.id }).where(eq(userIdentities.id, existing.identity.id));
    await recordAudit(tx, actor, {
      action: 'user.identity_moved',
      entityType: 'user',
      entityId: user.id,
      before: { userId: existing.owner.id },
      after,
    });
    return;
  }
  await recordAudit(tx, actor, {
    action: 'user.identity_conflict',
    entityType: 'user',
    entityId: user.id,
    after: { ...after, mappedTo: existing.owner.id },
  });
}

/** A claim's values as strings (a string, or an array of strings). */
function claimValues(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/**
 * Apply the admin's claim mapping at this sign-in: role (a change revokes the user's earlier
 * tokens, like any role change; the last active admin is never demoted) and managed groups.
 */
export async function applyClaimMapping(
  tx: DbOrTx,
  user: UserRow,
  provider: SsoProviderConfig,
  claims: Record<string, unknown>,
  actor: Actor,
): Promise<UserRow> {
  const mapping: TClaimMapping = provider.options.claimMapping;
  let current = user;
  if (mapping.roles.length) {
    const values = new Set(claimValues(claims[mapping.roleClaim]));
    const target = mapping.roles
      .filter((rule) => values.has(rule.value))
      .reduce<TUserRole>((best, rule) => (outranks(rule.role, best) ? rule.role : best), 'requester');
    if (target !== current.role) current = await changeRoleBySso(tx, current, target, provider, actor);
  }
  if (mapping.groups.length) await syncGroups(tx, current, mapping, claims, provider, actor);
  return current;
}

async function changeRoleBySso(
  tx: DbOrTx,
  user: UserRow,
  role: TUserRole,
  provider: SsoProviderConfig,
  actor: Actor,
): Promise<UserRow> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended('users:admins', 0))`);
  if (isAdmin(user)) {
    const [row] = await tx
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.role, 'admin'), eq(users.active, true)));
    if (Number(row?.n ?? 0) <= 1) {
      await recordAudit(tx, actor, {
        action: 'user.sso_mapping_skipped',
        entityType: 'user',
        entityId: user.id,
        after: { provider: provider.id, role, reason: 'last active admin' },
      });
      return user;
    }
  }
  await tx
    .update(users)
    .set({ role, updatedAt: sql`now()` })
    .where(eq(users.id, user.id));
  const after = await revokeTokens(tx, user.id);
  await recordAudit(tx, actor, {
    action: 'user.role_changed',
    entityType: 'user',
    entityId: user.id,
    before: { role: user.role },
    after: { role, via: 'sso', provider: provider.id, claim: provider.options.claimMapping.roleClaim },
  });
  return after;
}

async function syncGroups(
  tx: DbOrTx,
  user: UserRow,
  mapping: TClaimMapping,
  claims: Record<string, unknown>,
  provider: SsoProviderConfig,
  actor: Actor,
): Promise<void> {
  // Entra "groups overage": too many groups for the token; the claim names a Graph call instead.
  const overage = (claims._claim_names as Record<string, unknown> | undefined)?.[mapping.groupClaim];
  if (overage !== undefined) {
    await recordAudit(tx, actor, {
      action: 'user.sso_mapping_skipped',
      entityType: 'user',
      entityId: user.id,
      after: { provider: provider.id, reason: `the ${mapping.groupClaim} claim is too large for the token (overage)` },
    });
    return;
  }
  const values = new Set(claimValues(claims[mapping.groupClaim]));
  const managed = [...new Set(mapping.groups.map((g) => g.groupId))];
  const existing = new Set(
    (await tx.select({ id: groups.id }).from(groups).where(inArray(groups.id, managed))).map((g) => g.id),
  );
  const wanted = new Set(
    mapping.groups.filter((g) => values.has(g.value) && existing.has(g.groupId)).map((g) => g.groupId),
  );
  const memberOf = new Set(
    (
      await tx
        .select({ id: groupMembers.groupId })
        .from(groupMembers)
        .where(and(eq(groupMembers.userId, user.id), inArray(groupMembers.groupId, managed)))
    ).map((m) => m.id),
  );
  const added = [...wanted].filter((id) => !memberOf.has(id));
  const removed = [...memberOf].filter((id) => !wanted.has(id));
  if (added.length) {
    await tx
      .insert(groupMembers)
      .values(added.map((groupId) => ({ groupId, userId: user.id })))
      .onConflictDoNothing();
  }
  if (removed.length) {
    await tx.delete(groupMembers).where(and(eq(groupMembers.userId, user.id), inArray(groupMembers.groupId, removed)));
  }
  if (added.length || removed.length) {
    await recordAudit(tx, actor, {
      action: 'user.groups_synced',
      entityType: 'user',
      entityId: user.id,
      after: { provider: provider.id, claim: mapping.groupClaim, added, removed },
    });
  }
}
