import { and, eq, gt, isNull, or, lt, sql } from 'drizzle-orm';
import QRCode from 'qrcode';
import { ZSecuritySettings, type TSecuritySettings, isAgent } from '@deskmate/shared';
import { recordAudit, type Actor } from '../audit/record.js';
import type { DbOrTx } from '../db/client.js';
import { authTokens, recoveryCodes, settings, users } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import type { Services, UserRow } from '../http/context.js';
import { enqueue } from '../jobs/enqueue.js';
import { passwordResetMail } from '../jobs/definitions/password-reset-mail.js';
import { queueMail } from '../mail/outbox.js';
import { decrypt, encrypt, randomToken, sha256 } from '../security/crypto.js';
import {
  check,
  consume,
  lockRateKey,
  rateLimitedError,
  rateState,
  recordHit,
  takeSlot,
  type RateState,
} from '../security/rate-limit.js';
import { signHalf, type HalfClaims } from './jwt.js';
import { limits } from './limits.js';
import { checkEmailOtp, hasUsableEmailOtp, sendEmailOtp } from './otp.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { assertPasswordAcceptable } from './password-policy.js';
import { looksLikeRecoveryCode, regenerateRecoveryCodes, useRecoveryCode } from './recovery.js';
import { newTotpSecret, totpUri, verifyTotp } from './totp.js';
import { passwordSignIn, ssoRequiredMessage } from './sso/policy.js';

export { limits };

export const invalidCredentials = () => new AppError('unauthenticated', 'Email or password is incorrect');
const invalidCode = () => new AppError('unauthenticated', 'That code is not valid; check it and try again');

// A real bcrypt hash of nothing anyone knows: unknown accounts cost the same time as known ones.
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hashPassword(randomToken(16)));

export type PasswordStepResult =
  { kind: 'session'; user: UserRow } | { kind: 'half'; user: UserRow; method: HalfClaims['method']; token: string };

export async function securitySettings(db: DbOrTx): Promise<TSecuritySettings> {
  const [row] = await db.select().from(settings).where(eq(settings.key, 'auth.security'));
  const parsed = ZSecuritySettings.safeParse(row?.value);
  return parsed.success ? parsed.data : { require2faRoles: [] };
}

async function mustEnrol(db: DbOrTx, user: UserRow): Promise<boolean> {
  if (user.twoFactorMethod !== 'none') return false;
  if (user.twoFactorRequired) return true;
  const { require2faRoles } = await securitySettings(db);
  // Only agents and admins can be required to enrol (the setting lists no requester role).
  return isAgent(user) && (require2faRoles as readonly string[]).includes(user.role);
}

/**
 * How the first step of a sign-in was passed: a password (`breakGlass`: by an admin whom the
 * single sign-on policy lets in with a password only together with a second factor), or single
 * sign-on (`mfa`: the provider's multi-factor sign-in, and whether the policy trusts it).
 */
export type FirstFactor =
  | { kind: 'password'; breakGlass?: boolean }
  | { kind: 'sso'; provider: string; issuer: string; subject: string; mfa: boolean; trustMfa: boolean };

/** After a correct password: a session, or a half token when a second factor is due. */
export async function afterPassword(
  db: DbOrTx,
  services: Services,
  user: UserRow,
  actor: Actor,
  breakGlass = false,
): Promise<PasswordStepResult> {
  return afterFirstFactor(db, services, user, actor, { kind: 'password', breakGlass });
}

/**
 * After the first factor (a password or single sign-on): a session, or a half token when a
 * second factor is due. A single sign-on the provider made multi-factor stands for Deskmate's
 * second factor when the policy trusts it; otherwise Deskmate asks its own, as after a password.
 */
export async function afterFirstFactor(
  db: DbOrTx,
  services: Services,
  user: UserRow,
  actor: Actor,
  factor: FirstFactor,
): Promise<PasswordStepResult> {
  const nowSec = Math.floor(services.clock.now().getTime() / 1000);
  const sso =
    factor.kind === 'sso'
      ? { method: 'sso', provider: factor.provider, issuer: factor.issuer, subject: factor.subject }
      : {};
  const stepAction = factor.kind === 'sso' ? 'auth.sso_ok' : 'auth.password_ok';
  const providerMfa = factor.kind === 'sso' && factor.mfa && factor.trustMfa;
  const enrolDue =
    factor.kind === 'password' && factor.breakGlass ? user.twoFactorMethod === 'none' : await mustEnrol(db, user);
  if (user.twoFactorMethod !== 'none' && !providerMfa) {
    const emailCode = user.twoFactorMethod === 'email' ? await emailCodeAtSignIn(db, services, user) : undefined;
    const token = signHalf(
      services.secrets.jwtSecret,
      { sub: user.id, tv: user.tokenVersion, method: user.twoFactorMethod },
      nowSec,
    );
    await recordAudit(
      db,
      { ...actor, userId: user.id, type: 'user' },
      {
        action: stepAction,
        entityType: 'user',
        entityId: user.id,
        after: { ...sso, secondFactor: user.twoFactorMethod, ...(emailCode ? { emailCode } : {}) },
      },
    );
    return { kind: 'half', user, method: user.twoFactorMethod, token };
  }
  if (enrolDue && !providerMfa) {
    const token = signHalf(
      services.secrets.jwtSecret,
      { sub: user.id, tv: user.tokenVersion, method: 'enroll' },
      nowSec,
    );
    await recordAudit(
      db,
      { ...actor, userId: user.id, type: 'user' },
      { action: stepAction, entityType: 'user', entityId: user.id, after: { ...sso, secondFactor: 'enroll' } },
    );
    return { kind: 'half', user, method: 'enroll', token };
  }
  const [updated] = await db
    .update(users)
    .set({ lastLoginAt: services.clock.now() })
    .where(eq(users.id, user.id))
    .returning();
  await recordAudit(
    db,
    { ...actor, userId: user.id, type: 'user' },
    {
      action: 'auth.login',
      entityType: 'user',
      entityId: user.id,
      ...(factor.kind === 'sso' ? { after: { ...sso, secondFactor: providerMfa ? 'provider' : 'none' } } : {}),
    },
  );
  return { kind: 'session', user: updated ?? user };
}

/**
 * The emailed code at the password step: a code that still works is kept (no new mail), else one
 * is sent within the same send limit as resend. Signing in again and again mints no new codes and
 * floods no mailbox; when the limit is spent the password step still answers, without a mail.
 */
async function emailCodeAtSignIn(
  db: DbOrTx,
  services: Services,
  user: UserRow,
): Promise<'reused' | 'sent' | 'send_limited'> {
  const limit = limits.otpSend(user.id);
  await lockRateKey(db, limit.key);
  if (await hasUsableEmailOtp(db, services, user)) return 'reused';
  if ((await takeSlot(db, limit, services.clock)).limited) return 'send_limited';
  await sendEmailOtp(db, services, user);
  return 'sent';
}

/**
 * Sign in with email and password. Failed attempts count against the account (5 per 10 min) and
 * the client IP (20 per 10 min); successful ones never do, so an office behind one NAT address is
 * never locked out by its own staff signing in. Attempts on one account are serialised across
 * instances by an advisory lock, and an unknown email costs the same bcrypt time as a known one.
 */
export async function login(
  services: Services,
  email: string,
  password: string,
  actor: Actor,
): Promise<PasswordStepResult> {
  const ip = actor.ip ?? 'unknown';
  const accountLimit = limits.loginAccount(email);
  const ipLimit = limits.loginIp(ip);
  return services.db
    .transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${accountLimit.key}, 0))`);
      await check(tx, [accountLimit, ipLimit], services.clock);
      const [user] = await tx
        .select()
        .from(users)
        .where(sql`lower(${users.email}) = ${email}`);
      const hash = user?.active && user.passwordHash ? user.passwordHash : await dummy();
      const ok = (await verifyPassword(password, hash)) && Boolean(user?.active && user.passwordHash);
      if (!ok || !user) {
        await recordHit(tx, accountLimit.key, services.clock);
        await recordHit(tx, ipLimit.key, services.clock);
        await recordAudit(
          tx,
          { ...actor, userId: null, type: 'anonymous' },
          {
            action: 'auth.login_failed',
            entityType: 'user',
            entityId: user?.id ?? null,
            after: { email },
          },
        );
        // Commit the counted failure, then refuse.
        return null;
      }
      const policy = await passwordSignIn(tx, user);
      if (policy === 'refused') {
        await recordAudit(
          tx,
          { ...actor, userId: user.id, type: 'user' },
          { action: 'auth.password_refused', entityType: 'user', entityId: user.id, after: { reason: 'sso_required' } },
        );
        return 'sso_required' as const;
      }
      return afterPassword(tx, services, user, actor, policy === 'break_glass');
    })
    .then((result) => {
      if (!result) throw invalidCredentials();
      if (result === 'sso_required') throw new AppError('forbidden', ssoRequiredMessage, { reason: 'sso_required' });
      return result;
    });
}

/** Finish two-factor sign-in with a TOTP code, an emailed code or a recovery code. */
export async function verifySecondFactor(
  services: Services,
  user: UserRow,
  claims: HalfClaims,
  code: string,
  actor: Actor,
): Promise<UserRow> {
  if (claims.method === 'enroll') throw new AppError('conflict', 'Set up two-factor sign-in first (TOTP or email)');
  await consume(services.db, [limits.verify2fa(claims.jti)], services.clock);
  const result = await services.db.transaction(async (tx) => {
    const method = await checkSecondFactorCounted(tx, services, user, code, actor);
    if (!method) return null;
    if (method === 'recovery') {
      await recordAudit(tx, actor, { action: 'auth.recovery_code_used', entityType: 'user', entityId: user.id });
    }
    const [updated] = await tx
      .update(users)
      .set({ lastLoginAt: services.clock.now() })
      .where(eq(users.id, user.id))
      .returning();
    await recordAudit(tx, actor, {
      action: 'auth.login',
      entityType: 'user',
      entityId: user.id,
      after: { secondFactor: method },
    });
    return updated!;
  });
  if (!result) throw invalidCode();
  return result;
}

/**
 * Check a second factor under the per-user limit on wrong ones, in the caller's transaction (its
 * failures must commit). While the user is locked out nothing is checked: 429 with Retry-After. A
 * wrong code is counted and audited; the one that reaches the limit starts a lock-out.
 */
async function checkSecondFactorCounted(
  tx: DbOrTx,
  services: Services,
  user: UserRow,
  code: string,
  actor: Actor,
): Promise<'totp' | 'email' | 'recovery' | null> {
  const limit = limits.secondFactorFailures(user.id);
  await lockRateKey(tx, limit.key);
  const before = await rateState(tx, limit, services.clock);
  if (before.limited) throw rateLimitedError(before, 'Too many wrong codes for this account; try again later');
  const method = await checkSecondFactor(tx, services, user, code);
  if (method) return method;
  await recordHit(tx, limit.key, services.clock);
  await recordAudit(tx, actor, { action: 'auth.2fa_failed', entityType: 'user', entityId: user.id });
  const after = await rateState(tx, limit, services.clock);
  if (after.limited) await startSecondFactorLockout(tx, services, user, actor, after);
  return null;
}

/**
 * A lock-out begins: audited, and the user is told by email (at most once per window, however
 * many guesses follow) that someone who has their password is guessing their second factor.
 */
async function startSecondFactorLockout(
  tx: DbOrTx,
  services: Services,
  user: UserRow,
  actor: Actor,
  state: RateState,
): Promise<void> {
  const limit = limits.secondFactorFailures(user.id);
  const minutes = Math.round(limit.windowMs / 60_000);
  const warning = await takeSlot(tx, limits.secondFactorWarning(user.id), services.clock);
  await recordAudit(tx, actor, {
    action: 'auth.2fa_locked',
    entityType: 'user',
    entityId: user.id,
    after: {
      failures: limit.max,
      windowMinutes: minutes,
      retryAfterSeconds: state.retryAfterSec,
      mailed: !warning.limited,
    },
  });
  if (warning.limited) return;
  const wait = Math.max(1, Math.ceil(state.retryAfterSec / 60));
  await queueMail(
    tx,
    {
      to: user.email,
      subject: 'Someone is trying to sign in to your Deskmate account',
      text:
        `Hello ${user.name},\n\n` +
        `Someone signed in to Deskmate with your password, then entered ${limit.max} wrong ` +
        `second-factor codes within ${minutes} minutes${actor.ip ? ` (the last from IP address ${actor.ip})` : ''}. ` +
        `Deskmate now refuses second-factor codes for your account for about ${wait} minutes.\n\n` +
        `If this was not you, someone knows your password: change your password now. A new password ` +
        `signs out every session, including theirs:\n\n` +
        `${services.publicUrl()}/forgot-password\n\n` +
        `If it was you, wait ${wait} minutes and sign in again.`,
      kind: 'second_factor_locked',
      userId: user.id,
    },
    services.logger,
  );
}

/** Which factor the code proved (consuming it), or null. */
async function checkSecondFactor(
  tx: DbOrTx,
  services: Services,
  user: UserRow,
  code: string,
): Promise<'totp' | 'email' | 'recovery' | null> {
  if (looksLikeRecoveryCode(code)) {
    return (await useRecoveryCode(tx, user.id, code, services.clock.now())) ? 'recovery' : null;
  }
  if (user.twoFactorMethod === 'totp' && user.totpSecretEnc) {
    const secret = decrypt(user.totpSecretEnc, services.secrets.encryptionKey);
    const step = await verifyTotp(secret, code, services.clock.now().getTime(), user.totpLastStep);
    if (step === null) return null;
    // Conditional update: of two requests racing with the same code, only one wins.
    const claimed = await tx
      .update(users)
      .set({ totpLastStep: step })
      .where(and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
      .returning({ id: users.id });
    return claimed.length === 1 ? 'totp' : null;
  }
  if (user.twoFactorMethod === 'email') {
    return (await checkEmailOtp(tx, services, user, code)) ? 'email' : null;
  }
  return null;
}

/** Send another sign-in code (email 2FA): one limit with the code sent at the password step. */
export async function sendSignInCode(services: Services, user: UserRow, actor: Actor): Promise<void> {
  if (user.twoFactorMethod !== 'email') throw new AppError('conflict', 'Your second factor is not email');
  await consume(services.db, [limits.otpSend(user.id)], services.clock);
  await services.db.transaction(async (tx) => {
    await sendEmailOtp(tx, services, user);
    await recordAudit(tx, actor, { action: 'auth.otp_sent', entityType: 'user', entityId: user.id });
  });
}

/** Bump the token version: every token issued before is refused from now on, on every instance. */
export async function revokeTokens(db: DbOrTx, userId: string): Promise<UserRow> {
  const [user] = await db
    .update(users)
    .set({ tokenVersion: sql`${users.tokenVersion} + 1`, updatedAt: sql`now()` })
    .where(eq(users.id, userId))
    .returning();
  if (!user) throw new AppError('not_found', 'User not found');
  return user;
}

export async function logoutAll(services: Services, user: UserRow, actor: Actor): Promise<void> {
  await services.db.transaction(async (tx) => {
    await revokeTokens(tx, user.id);
    await recordAudit(tx, actor, { action: 'auth.logout_all', entityType: 'user', entityId: user.id });
  });
}

export async function changePassword(
  services: Services,
  user: UserRow,
  current: string,
  next: string,
  actor: Actor,
): Promise<UserRow> {
  const limit = limits.passwordChange(user.id);
  await check(services.db, [limit], services.clock);
  if (!user.passwordHash || !(await verifyPassword(current, user.passwordHash))) {
    await recordHit(services.db, limit.key, services.clock);
    throw new AppError('forbidden', 'The current password is not correct');
  }
  assertPasswordAcceptable(next, { email: user.email }, 'newPassword');
  const passwordHash = await hashPassword(next);
  return services.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    const updated = await revokeTokens(tx, user.id);
    await recordAudit(tx, actor, { action: 'auth.password_changed', entityType: 'user', entityId: user.id });
    return updated;
  });
}

/**
 * "Forgot password" answers the same for every address: it queues the one job that looks the
 * address up and mails a link if the account exists (see mailPasswordReset), and returns. No
 * lookup happens before the answer, so neither its content nor its timing tells whether the
 * account exists.
 */
export async function forgotPassword(services: Services, email: string, actor: Actor): Promise<void> {
  await enqueue(services.db, passwordResetMail, {
    email,
    linkBase: services.publicUrl(),
    actor: {
      userId: actor.userId,
      type: actor.type,
      ...(actor.ip ? { ip: actor.ip.slice(0, 100) } : {}),
      ...(actor.userAgent ? { userAgent: actor.userAgent.slice(0, 500) } : {}),
      ...(actor.channel ? { channel: actor.channel } : {}),
    },
  });
}

/** Find and consume a single-use emailed token (reset or invite), or fail with one message. */
async function consumeToken(
  tx: DbOrTx,
  purpose: 'password_reset' | 'invite',
  token: string,
  now: Date,
): Promise<UserRow> {
  const [row] = await tx
    .update(authTokens)
    .set({ usedAt: now })
    .where(
      and(
        eq(authTokens.purpose, purpose),
        eq(authTokens.tokenHash, sha256(token)),
        isNull(authTokens.usedAt),
        gt(authTokens.expiresAt, now),
      ),
    )
    .returning();
  const [user] = row ? await tx.select().from(users).where(eq(users.id, row.userId)) : [];
  if (!user || !user.active) {
    throw new AppError(
      'bad_request',
      purpose === 'invite'
        ? 'This invitation link is invalid, used or expired'
        : 'This reset link is invalid, used or expired',
    );
  }
  return user;
}

export async function resetPassword(services: Services, token: string, password: string, actor: Actor): Promise<void> {
  const now = services.clock.now();
  await services.db.transaction(async (tx) => {
    const user = await consumeToken(tx, 'password_reset', token, now);
    assertPasswordAcceptable(password, { email: user.email });
    await tx
      .update(users)
      .set({ passwordHash: await hashPassword(password) })
      .where(eq(users.id, user.id));
    await tx
      .update(authTokens)
      .set({ usedAt: now })
      .where(and(eq(authTokens.userId, user.id), eq(authTokens.purpose, 'password_reset'), isNull(authTokens.usedAt)));
    await revokeTokens(tx, user.id);
    await recordAudit(
      tx,
      { ...actor, userId: user.id },
      { action: 'auth.password_reset', entityType: 'user', entityId: user.id },
    );
  });
}

export async function acceptInvite(
  services: Services,
  token: string,
  password: string,
  name: string | undefined,
  actor: Actor,
): Promise<PasswordStepResult> {
  await consume(services.db, [limits.inviteAccept(actor.ip ?? 'unknown')], services.clock);
  const now = services.clock.now();
  return services.db.transaction(async (tx) => {
    const user = await consumeToken(tx, 'invite', token, now);
    if (user.passwordHash) throw new AppError('conflict', 'This invitation was already accepted; sign in instead');
    const policy = await passwordSignIn(tx, user);
    if (policy === 'refused') throw new AppError('forbidden', ssoRequiredMessage, { reason: 'sso_required' });
    assertPasswordAcceptable(password, { email: user.email });
    const [updated] = await tx
      .update(users)
      .set({ passwordHash: await hashPassword(password), ...(name ? { name } : {}) })
      .where(eq(users.id, user.id))
      .returning();
    await recordAudit(
      tx,
      { ...actor, userId: user.id, type: 'user' },
      { action: 'user.invite_accepted', entityType: 'user', entityId: user.id },
    );
    return afterPassword(tx, services, updated!, actor, policy === 'break_glass');
  });
}

// ---- Enrolment -------------------------------------------------------------------------------

export async function setupTotp(
  services: Services,
  user: UserRow,
): Promise<{ secret: string; otpauthUrl: string; qrDataUrl: string }> {
  if (user.twoFactorMethod !== 'none')
    throw new AppError('conflict', 'Two-factor sign-in is already on; disable it first');
  const secret = newTotpSecret();
  await services.db
    .update(users)
    .set({ totpPendingEnc: encrypt(secret, services.secrets.encryptionKey) })
    .where(eq(users.id, user.id));
  const otpauthUrl = totpUri(secret, user.email);
  return { secret, otpauthUrl, qrDataUrl: await QRCode.toDataURL(otpauthUrl) };
}

export async function confirmTotp(
  services: Services,
  user: UserRow,
  code: string,
  actor: Actor,
): Promise<{ user: UserRow; recoveryCodes: string[] }> {
  if (user.twoFactorMethod !== 'none') throw new AppError('conflict', 'Two-factor sign-in is already on');
  if (!user.totpPendingEnc) throw new AppError('conflict', 'Start with POST /api/auth/2fa/totp/setup');
  const secret = decrypt(user.totpPendingEnc, services.secrets.encryptionKey);
  const step = await verifyTotp(secret, code, services.clock.now().getTime(), null);
  if (step === null) throw invalidCode();
  return services.db.transaction(async (tx) => {
    await tx
      .update(users)
      .set({ twoFactorMethod: 'totp', totpSecretEnc: user.totpPendingEnc, totpPendingEnc: null, totpLastStep: step })
      .where(eq(users.id, user.id));
    const codes = await regenerateRecoveryCodes(tx, user.id);
    const updated = await revokeTokens(tx, user.id);
    await recordAudit(tx, actor, {
      action: 'auth.2fa_enrolled',
      entityType: 'user',
      entityId: user.id,
      after: { method: 'totp' },
    });
    return { user: updated, recoveryCodes: codes };
  });
}

export async function enableEmail2fa(
  services: Services,
  user: UserRow,
  actor: Actor,
): Promise<{ user: UserRow; recoveryCodes: string[] }> {
  if (user.twoFactorMethod !== 'none')
    throw new AppError('conflict', 'Two-factor sign-in is already on; disable it first');
  return services.db.transaction(async (tx) => {
    await tx.update(users).set({ twoFactorMethod: 'email', totpPendingEnc: null }).where(eq(users.id, user.id));
    const codes = await regenerateRecoveryCodes(tx, user.id);
    const updated = await revokeTokens(tx, user.id);
    await recordAudit(tx, actor, {
      action: 'auth.2fa_enrolled',
      entityType: 'user',
      entityId: user.id,
      after: { method: 'email' },
    });
    return { user: updated, recoveryCodes: codes };
  });
}

export async function disable2fa(services: Services, user: UserRow, code: string, actor: Actor): Promise<UserRow> {
  if (user.twoFactorMethod === 'none') throw new AppError('conflict', 'Two-factor sign-in is not on');
  if (await mustEnrol(services.db, { ...user, twoFactorMethod: 'none' })) {
    throw new AppError('conflict', 'Your organisation requires two-factor sign-in for your account');
  }
  await consume(services.db, [limits.verify2fa(`disable:${user.id}`)], services.clock);
  const disabled = await services.db.transaction(async (tx) => {
    const method = await checkSecondFactorCounted(tx, services, user, code, actor);
    // Commit the counted failure, then refuse.
    if (!method) return null;
    await tx
      .update(users)
      .set({ twoFactorMethod: 'none', totpSecretEnc: null, totpPendingEnc: null, totpLastStep: null })
      .where(eq(users.id, user.id));
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, user.id));
    const updated = await revokeTokens(tx, user.id);
    await recordAudit(tx, actor, {
      action: 'auth.2fa_disabled',
      entityType: 'user',
      entityId: user.id,
      before: { method: user.twoFactorMethod },
    });
    return updated;
  });
  if (!disabled) throw invalidCode();
  return disabled;
}

export async function updateSecuritySettings(
  services: Services,
  next: TSecuritySettings,
  actor: Actor,
): Promise<TSecuritySettings> {
  return services.db.transaction(async (tx) => {
    const before = await securitySettings(tx);
    await tx
      .insert(settings)
      .values({ key: 'auth.security', value: next })
      .onConflictDoUpdate({ target: settings.key, set: { value: next, updatedAt: sql`now()` } });
    await recordAudit(tx, actor, {
      action: 'settings.security_changed',
      entityType: 'settings',
      entityId: 'auth.security',
      before,
      after: next,
    });
    return next;
  });
}

export { rateLimitedError };
