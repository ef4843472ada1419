import { endpoints, type TLoginResponse } from '@deskmate/shared';
import { recordAudit } from '../audit/record.js';
import type { UserRow } from '../http/context.js';
import { AppError, notFound } from '../http/errors.js';
import { bindRoute, type RouteContext } from '../http/route.js';
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
  bindRoute(endpoints.auth.login, {
    access: 'public',
    handler: async (ctx) => answer(ctx, await login(ctx.services, ctx.body.email, ctx.body.password, ctx.actor)),
  }),
  bindRoute(endpoints.auth.verify2fa, {
    access: 'half',
    halfMethods: ['totp', 'email'],
    handler: async (ctx) => {
      if (ctx.auth?.kind !== 'half') throw new Error('unreachable');
      const user = await verifySecondFactor(ctx.services, ctx.user, ctx.auth.claims, ctx.body.code, ctx.actor);
      await signIn(ctx, user);
      return { user: presentUser(user) };
    },
  }),
  bindRoute(endpoints.auth.resend2fa, {
    access: 'half',
    halfMethods: ['email'],
    handler: async (ctx) => {
      await sendSignInCode(ctx.services, ctx.user, ctx.actor);
      return { sent: true };
    },
  }),
  bindRoute(endpoints.auth.logout, {
    access: 'public',
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
  bindRoute(endpoints.auth.logoutAll, {
    access: 'user',
    handler: async (ctx) => {
      await logoutAll(ctx.services, ctx.user, ctx.actor);
      clearSessionCookie(ctx.res, ctx.services);
      return undefined;
    },
  }),
  bindRoute(endpoints.auth.sessions, {
    access: 'user',
    handler: async (ctx) => {
      const { user, sid } = currentSession(ctx);
      const rows = await listSessions(ctx.services, user);
      return { items: rows.map((row) => presentSession(row, sid)) };
    },
  }),
  bindRoute(endpoints.auth.endSession, {
    access: 'user',
    handler: async (ctx) => {
      const { user, sid } = currentSession(ctx);
      const ended = await revokeSession(ctx.services, user, ctx.params.id, ctx.actor, 'auth.session_revoked');
      if (!ended) throw notFound('Session');
      if (ended.id === sid) clearSessionCookie(ctx.res, ctx.services);
      return undefined;
    },
  }),
  bindRoute(endpoints.auth.me, {
    access: 'user',
    handler: async (ctx) => ({ user: presentUser(ctx.user) }),
  }),
  bindRoute(endpoints.auth.updateMe, {
    access: 'user',
    handler: async (ctx) => ({ user: presentUser(await updateUser(ctx.services, ctx.user.id, ctx.body, ctx.actor)) }),
  }),
  bindRoute(endpoints.auth.changePassword, {
    access: 'user',
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
  bindRoute(endpoints.auth.forgotPassword, {
    access: 'public',
    handler: async (ctx) => {
      await forgotPassword(ctx.services, ctx.body.email, ctx.actor);
      return { accepted: true };
    },
  }),
  bindRoute(endpoints.auth.resetPassword, {
    access: 'public',
    handler: async (ctx) => {
      await resetPassword(ctx.services, ctx.body.token, ctx.body.password, ctx.actor);
      return undefined;
    },
  }),
  bindRoute(endpoints.auth.acceptInvite, {
    access: 'public',
    handler: async (ctx) =>
      answer(ctx, await acceptInvite(ctx.services, ctx.body.token, ctx.body.password, ctx.body.name, ctx.actor)),
  }),
  bindRoute(endpoints.auth.totpSetup, {
    access: 'user',
    allowEnrollment: true,
    handler: async (ctx) => setupTotp(ctx.services, ctx.user),
  }),
  bindRoute(endpoints.auth.totpConfirm, {
    access: 'user',
    allowEnrollment: true,
    handler: async (ctx) => {
      const { user, recoveryCodes } = await confirmTotp(ctx.services, ctx.user, ctx.body.code, ctx.actor);
      await signIn(ctx, user);
      return { recoveryCodes };
    },
  }),
  bindRoute(endpoints.auth.emailEnable, {
    access: 'user',
    allowEnrollment: true,
    handler: async (ctx) => {
      const { user, recoveryCodes } = await enableEmail2fa(ctx.services, ctx.user, ctx.actor);
      await signIn(ctx, user);
      return { recoveryCodes };
    },
  }),
  bindRoute(endpoints.auth.emailSend, {
    access: 'user',
    handler: async (ctx) => {
      await sendSignInCode(ctx.services, ctx.user, ctx.actor);
      return { sent: true };
    },
  }),
  bindRoute(endpoints.auth.disable2fa, {
    access: 'user',
    handler: async (ctx) => {
      const user = await disable2fa(ctx.services, ctx.user, ctx.body.code, ctx.actor);
      await signIn(ctx, user);
      return { user: presentUser(user) };
    },
  }),
];
