import {
  ZAcceptInviteRequest,
  ZChangePasswordRequest,
  ZForgotPasswordRequest,
  ZIdParams,
  ZLoginRequest,
  ZLoginResponse,
  ZMeResponse,
  ZRecoveryCodesResponse,
  ZResetPasswordRequest,
  ZTotpSetupResponse,
  ZTwoFactorVerifyRequest,
  ZUpdateMeRequest,
  ZUserSessionList,
  type TLoginResponse,
} from '@deskmate/shared';
import { recordAudit } from '../audit/record.js';
import type { UserRow } from '../http/context.js';
import { AppError, notFound } from '../http/errors.js';
import { defineRoute, type RouteContext } from '../http/route.js';
import { presentSession } from '../presenters/session.js';
import { presentUser } from '../presenters/user.js';
import { updateUser } from '../users/service.js';
import { HALF_TOKEN_TTL_SEC } from './jwt.js';
import {
  acceptInvite,
  changePassword,
  confirmTotp,
  disable2fa,
  enableEmail2fa,
  forgotPassword,
  login,
  logoutAll,
  resetPassword,
  sendSignInCode,
  setupTotp,
  verifySecondFactor,
  type PasswordStepResult,
} from './service.js';
import { clearSessionCookie, setSessionCookie, startSession } from './session.js';
import { listSessions, revokeSession } from './user-sessions.js';

type AnyContext = RouteContext<unknown, unknown, unknown>;

/**
 * Sign the user in on this device (a new session row and its cookie). A change made from a signed-in
 * session (password, 2FA) re-issues that same session under the new token version.
 */
async function signIn(ctx: AnyContext, user: UserRow): Promise<void> {
  const current = ctx.auth?.kind === 'session' && ctx.auth.user.id === user.id ? ctx.auth.claims.sid : undefined;
  await startSession(ctx.res, ctx.services, user, ctx.actor, current);
}

/** The session of the request (to list or end sessions, a signed-in session is needed, not an API token). */
function currentSession(ctx: AnyContext): { user: UserRow; sid: string } {
  if (ctx.auth?.kind !== 'session') throw new AppError('forbidden', 'Sessions are managed from a signed-in session');
  return { user: ctx.auth.user, sid: ctx.auth.claims.sid };
}

/** Answer a password step: a session cookie and the user, or a half token cookie and what is next. */
async function answer(ctx: AnyContext, result: PasswordStepResult): Promise<TLoginResponse> {
  if (result.kind === 'session') {
    await startSession(ctx.res, ctx.services, result.user, ctx.actor);
    return { user: presentUser(result.user) };
  }
  setSessionCookie(ctx.res, ctx.services, result.token, HALF_TOKEN_TTL_SEC);
  return { twoFactorRequired: true, method: result.method };
}

export const authRoutes = [
  defineRoute({
    method: 'post',
    path: '/auth/login',
    access: 'public',
    summary: 'Sign in with email and password',
    body: ZLoginRequest,
    response: ZLoginResponse,
    handler: async (ctx) => answer(ctx, await login(ctx.services, ctx.body.email, ctx.body.password, ctx.actor)),
  }),
  defineRoute({
    method: 'post',
    path: '/auth/2fa/verify',
    access: 'half',
    halfMethods: ['totp', 'email'],
    summary: 'Finish sign-in with a TOTP code, an emailed code or a recovery code',
    body: ZTwoFactorVerifyRequest,
    response: ZMeResponse,
    handler: async (ctx) => {
      if (ctx.auth?.kind !== 'half') throw new Error('unreachable');
      const user = await verifySecondFactor(ctx.services, ctx.user, ctx.auth.claims, ctx.body.code, ctx.actor);
      await signIn(ctx, user);
      return { user: presentUser(user) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/auth/2fa/resend',
    access: 'half',
    halfMethods: ['email'],
    summary: 'Email another sign-in code (4 codes per 10 minutes, counting the one sent at sign-in)',
    status: 202,
    handler: async (ctx) => {
      await sendSignInCode(ctx.services, ctx.user, ctx.actor);
      return { sent: true };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/auth/logout',
    access: 'public',
    summary: 'Sign out on this device: its session ends on every instance and the cookie is cleared',
    handler: async (ctx) => {
      if (ctx.auth?.kind === 'session') {
        await revokeSession(ctx.services, ctx.auth.user, ctx.auth.claims.sid, ctx.actor, 'auth.logout');
      } else if (ctx.auth?.kind === 'half') {
        await recordAudit(ctx.services.db, ctx.actor, {
          action: 'auth.logout',
          entityType: 'user',
          entityId: ctx.auth.user.id,
        });
      }
      clearSessionCookie(ctx.res, ctx.services);
      return undefined;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/auth/logout-all',
    access: 'user',
    summary: 'Sign out everywhere: every token issued so far stops working',
    handler: async (ctx) => {
      await logoutAll(ctx.services, ctx.user, ctx.actor);
      clearSessionCookie(ctx.res, ctx.services);
      return undefined;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/auth/sessions',
    access: 'user',
    summary: 'My active sessions (device, IP, last seen), this device marked',
    response: ZUserSessionList,
    handler: async (ctx) => {
      const { user, sid } = currentSession(ctx);
      const rows = await listSessions(ctx.services, user);
      return { items: rows.map((row) => presentSession(row, sid)) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/auth/sessions/:id',
    access: 'user',
    summary: 'Sign out one of my sessions (anyone else’s is not found); this device’s also clears the cookie',
    params: ZIdParams,
    handler: async (ctx) => {
      const { user, sid } = currentSession(ctx);
      const ended = await revokeSession(ctx.services, user, ctx.params.id, ctx.actor, 'auth.session_revoked');
      if (!ended) throw notFound('Session');
      if (ended.id === sid) clearSessionCookie(ctx.res, ctx.services);
      return undefined;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/auth/me',
    access: 'user',
    summary: 'The signed-in user',
    response: ZMeResponse,
    handler: async (ctx) => ({ user: presentUser(ctx.user) }),
  }),
  defineRoute({
    method: 'patch',
    path: '/auth/me',
    access: 'user',
    summary: 'Change my name or away status',
    body: ZUpdateMeRequest,
    response: ZMeResponse,
    handler: async (ctx) => ({ user: presentUser(await updateUser(ctx.services, ctx.user.id, ctx.body, ctx.actor)) }),
  }),
  defineRoute({
    method: 'post',
    path: '/auth/password',
    access: 'user',
    summary: 'Change my password (signs out every other session)',
    body: ZChangePasswordRequest,
    response: ZMeResponse,
    handler: async (ctx) => {
      const user = await changePassword(
        ctx.services,
        ctx.user,
        ctx.body.currentPassword,
        ctx.body.newPassword,
        ctx.actor,
      );
      await signIn(ctx, user);
      return { user: presentUser(user) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/auth/password/forgot',
    access: 'public',
    summary: 'Email a password-reset link (always 202: does not reveal whether the account exists)',
    body: ZForgotPasswordRequest,
    status: 202,
    handler: async (ctx) => {
      await forgotPassword(ctx.services, ctx.body.email, ctx.actor);
      return { accepted: true };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/auth/password/reset',
    access: 'public',
    summary: 'Set a new password with a reset link token',
    body: ZResetPasswordRequest,
    handler: async (ctx) => {
      await resetPassword(ctx.services, ctx.body.token, ctx.body.password, ctx.actor);
      return undefined;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/auth/invite/accept',
    access: 'public',
    summary: 'Accept an invitation: choose a password and sign in',
    body: ZAcceptInviteRequest,
    response: ZLoginResponse,
    handler: async (ctx) =>
      answer(ctx, await acceptInvite(ctx.services, ctx.body.token, ctx.body.password, ctx.body.name, ctx.actor)),
  }),
  defineRoute({
    method: 'post',
    path: '/auth/2fa/totp/setup',
    access: 'user',
    allowEnrollment: true,
    summary: 'Start TOTP enrolment: a secret, an otpauth URL and its QR code',
    response: ZTotpSetupResponse,
    handler: async (ctx) => setupTotp(ctx.services, ctx.user),
  }),
  defineRoute({
    method: 'post',
    path: '/auth/2fa/totp/confirm',
    access: 'user',
    allowEnrollment: true,
    summary: 'Confirm TOTP enrolment with a first code; returns ten recovery codes',
    body: ZTwoFactorVerifyRequest,
    response: ZRecoveryCodesResponse,
    handler: async (ctx) => {
      const { user, recoveryCodes } = await confirmTotp(ctx.services, ctx.user, ctx.body.code, ctx.actor);
      await signIn(ctx, user);
      return { recoveryCodes };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/auth/2fa/email/enable',
    access: 'user',
    allowEnrollment: true,
    summary: 'Use emailed codes as the second factor; returns ten recovery codes',
    response: ZRecoveryCodesResponse,
    handler: async (ctx) => {
      const { user, recoveryCodes } = await enableEmail2fa(ctx.services, ctx.user, ctx.actor);
      await signIn(ctx, user);
      return { recoveryCodes };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/auth/2fa/email/send',
    access: 'user',
    summary: 'Email a code (to confirm turning email 2FA off)',
    status: 202,
    handler: async (ctx) => {
      await sendSignInCode(ctx.services, ctx.user, ctx.actor);
      return { sent: true };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/auth/2fa/disable',
    access: 'user',
    summary: 'Turn two-factor sign-in off with a current code',
    body: ZTwoFactorVerifyRequest,
    response: ZMeResponse,
    handler: async (ctx) => {
      const user = await disable2fa(ctx.services, ctx.user, ctx.body.code, ctx.actor);
      await signIn(ctx, user);
      return { user: presentUser(user) };
    },
  }),
];
