import type { TUser } from '@deskmate/shared';
import type { UserRow } from '../http/context.js';

/** The JSON shape of a user: never the password hash, token version or 2FA secrets. */
export function presentUser(user: UserRow): TUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    active: user.active,
    away: user.away,
    // No password and never signed in: someone who signs in with single sign-on only is not "invited".
    invited: user.passwordHash === null && user.lastLoginAt === null,
    twoFactorMethod: user.twoFactorMethod,
    twoFactorRequired: user.twoFactorRequired,
    createdAt: user.createdAt.toISOString(),
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    emailBounce: user.emailBouncedAt
      ? {
          bouncedAt: user.emailBouncedAt.toISOString(),
          reason: user.emailBounceReason,
          pausedUntil: user.emailPausedUntil?.toISOString() ?? null,
        }
      : null,
  };
}
