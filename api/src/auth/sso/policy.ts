import { and, asc, eq, isNotNull, ne, sql } from 'drizzle-orm';
import { ZSsoPolicy, type TSsoPolicy, isAdmin } from '@deskmate/shared';
import { recordAudit, type Actor } from '../../audit/record.js';
import type { DbOrTx } from '../../db/client.js';
import { settings, users } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import type { Services, UserRow } from '../../http/context.js';

const KEY = 'auth.sso';

export async function ssoPolicy(db: DbOrTx): Promise<TSsoPolicy> {
  const [row] = await db.select().from(settings).where(eq(settings.key, KEY));
  const parsed = ZSsoPolicy.safeParse(row?.value ?? {});
  return parsed.success ? parsed.data : ZSsoPolicy.parse({});
}

/** An admin who can sign in without the identity provider: active, with a password and a second factor. */
export const breakGlassReady = (user: UserRow) =>
  isAdmin(user) && user.active && Boolean(user.passwordHash) && user.twoFactorMethod !== 'none';

async function admins(db: DbOrTx): Promise<UserRow[]> {
  return db.select().from(users).where(eq(users.role, 'admin')).orderBy(asc(users.name));
}

/**
 * Whether a password may sign this user in:
 * - allowed: their role need not use single sign-on;
 * - break_glass: an admin when admins must use SSO, who is a chosen break-glass admin (or any
 *   admin, when no chosen one can sign in any more: someone must always be able to). They sign in
 *   with a password and a second factor, always;
 * - refused: they must use single sign-on.
 */
export async function passwordSignIn(db: DbOrTx, user: UserRow): Promise<'allowed' | 'break_glass' | 'refused'> {
  const policy = await ssoPolicy(db);
  if (!policy.requireSsoRoles.includes(user.role)) return 'allowed';
  if (!isAdmin(user)) return 'refused';
  if (policy.breakGlassAdminIds.includes(user.id)) return 'break_glass';
  const chosen = (await admins(db)).filter(
    (a) => policy.breakGlassAdminIds.includes(a.id) && a.active && a.passwordHash,
  );
  return chosen.length === 0 ? 'break_glass' : 'refused';
}

export const ssoRequiredMessage =
  'Your organisation requires single sign-on for your account: use the “Sign in with …” button on the sign-in page';

/** The break-glass rule in one sentence, for the console. */
export function describeBreakGlass(policy: TSsoPolicy, adminRows: UserRow[]): string {
  if (!policy.requireSsoRoles.includes('admin')) {
    return 'Admins may sign in with a password (and two-factor sign-in when it is required).';
  }
  const ready = adminRows.filter((a) => policy.breakGlassAdminIds.includes(a.id) && breakGlassReady(a));
  const names = ready.map((a) => a.name).join(', ');
  return `Admins must use single sign-on. Break-glass: ${names} can still sign in with a password and two-factor sign-in, for when the identity provider is down.`;
}

export async function breakGlassAdmins(db: DbOrTx, policy: TSsoPolicy) {
  return (await admins(db))
    .filter((a) => a.active)
    .map((a) => ({
      id: a.id,
      name: a.name,
      email: a.email,
      chosen: policy.breakGlassAdminIds.includes(a.id),
      ready: breakGlassReady(a),
    }));
}

/**
 * Save the policy. Requiring single sign-on for admins needs at least one chosen break-glass
 * admin who can sign in with a password and a second factor today: otherwise a broken identity
 * provider would lock every admin out, and the change is refused (409) saying so.
 */
export async function updateSsoPolicy(services: Services, next: TSsoPolicy, actor: Actor): Promise<TSsoPolicy> {
  return services.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended('users:admins', 0))`);
    const before = await ssoPolicy(tx);
    const chosen = [...new Set(next.breakGlassAdminIds)];
    const rows = chosen.length
      ? await tx
          .select()
          .from(users)
          .where(and(eq(users.role, 'admin'), isNotNull(users.passwordHash), ne(users.twoFactorMethod, 'none')))
      : [];
    const ready = rows.filter((u) => chosen.includes(u.id) && breakGlassReady(u));
    if (next.requireSsoRoles.includes('admin') && ready.length === 0) {
      throw new AppError(
        'conflict',
        'Requiring single sign-on for admins would lock every admin out if the identity provider fails: choose at least one break-glass admin who has a password and two-factor sign-in',
      );
    }
    const value: TSsoPolicy = { ...next, breakGlassAdminIds: chosen };
    await tx
      .insert(settings)
      .values({ key: KEY, value })
      .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: sql`now()` } });
    await recordAudit(tx, actor, {
      action: 'settings.sso_policy_changed',
      entityType: 'settings',
      entityId: KEY,
      before,
      after: value,
    });
    return value;
  });
}

export { admins as adminUsers };
