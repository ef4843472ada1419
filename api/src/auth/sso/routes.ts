import type { Response } from 'express';
import { browserEndpoints, endpoints } from '@deskmate/shared';
import { servedOverHttps } from '../../config.js';
import type { Services } from '../../http/context.js';
import { bindRoute, type RouteContext } from '../../http/route.js';
import { HALF_TOKEN_TTL_SEC } from '../jwt.js';
import { setSessionCookie, startSession } from '../session.js';
import { SsoError } from './errors.js';
import { finishSsoLogin, SSO_LOGIN_TTL_MS, startSsoLogin } from './flow.js';
import { breakGlassAdmins, describeBreakGlass, adminUsers, ssoPolicy, updateSsoPolicy } from './policy.js';
import {
  createSsoProvider,
  deleteSsoProvider,
  getSsoProvider,
  listSsoProviders,
  presentSsoProvider,
  redirectUriOf,
  updateEnvSsoProvider,
  updateSsoProvider,
} from './providers.js';
import { testSsoProvider } from './test-provider.js';

/** The cookie that binds a sign-in to the browser that started it (only the callback reads it). */
export const SSO_COOKIE = 'deskmate_sso';
const COOKIE_PATH = '/api/auth/oidc';

function setBrowserCookie(res: Response, services: Services, value: string): void {
  res.cookie(SSO_COOKIE, value, {
    httpOnly: true,
    // Lax: sent on the provider's top-level redirect back to the callback, not on cross-site posts.
    sameSite: 'lax',
    secure: servedOverHttps(services.config),
    path: COOKIE_PATH,
    maxAge: SSO_LOGIN_TTL_MS,
  });
}

const cookieOf = (ctx: RouteContext<unknown, unknown, unknown>) =>
  (ctx.req.cookies as Record<string, string> | undefined)?.[SSO_COOKIE];

/** A browser (it asked for HTML) gets the sign-in page with the reason; a script gets the JSON error. */
function wantsPage(ctx: RouteContext<unknown, unknown, unknown>): boolean {
  return ctx.req.accepts(['json', 'html']) === 'html';
}

export const ssoRoutes = [
  bindRoute(endpoints.sso.loginOptions, {
    access: 'public',
    handler: async (ctx) => ({
      providers: (await listSsoProviders(ctx.services))
        .filter((p) => p.enabled)
        .map((p) => {
          const { id, displayName, kind, loginUrl } = presentSsoProvider(p);
          return { id, displayName, kind, loginUrl };
        }),
    }),
  }),
  bindRoute(browserEndpoints.oidcLogin, {
    access: 'public',
    handler: async (ctx) => {
      try {
        const { url, browser } = await startSsoLogin(
          ctx.services,
          { providerId: ctx.query.provider, returnTo: ctx.query.next, browser: cookieOf(ctx) },
          ctx.actor,
        );
        setBrowserCookie(ctx.res, ctx.services, browser);
        ctx.res.redirect(302, url);
        return undefined;
      } catch (err) {
        if (err instanceof SsoError && wantsPage(ctx)) {
          ctx.res.redirect(302, `/login?sso_error=${err.reason}`);
          return undefined;
        }
        throw err;
      }
    },
  }),
  bindRoute(browserEndpoints.oidcCallback, {
    access: 'public',
    handler: async (ctx) => {
      try {
        const query = new URLSearchParams(ctx.query);
        const { result, returnTo } = await finishSsoLogin(ctx.services, query, cookieOf(ctx), ctx.actor);
        ctx.res.clearCookie(SSO_COOKIE, { path: COOKIE_PATH });
        if (result.kind === 'session') {
          await startSession(ctx.res, ctx.services, result.user, ctx.actor);
          ctx.res.redirect(302, returnTo ?? '/');
          return undefined;
        }
        // A second factor is due: the half token, and the sign-in page asks for the code.
        setSessionCookie(ctx.res, ctx.services, result.token, HALF_TOKEN_TTL_SEC);
        const next = returnTo ? `&next=${encodeURIComponent(returnTo)}` : '';
        ctx.res.redirect(302, `/login?sso_step=${result.method}${next}`);
        return undefined;
      } catch (err) {
        if (err instanceof SsoError && wantsPage(ctx)) {
          ctx.res.redirect(302, `/login?sso_error=${err.reason}`);
          return undefined;
        }
        throw err;
      }
    },
  }),
  bindRoute(endpoints.sso.settings, {
    access: 'admin',
    handler: async (ctx) => {
      const policy = await ssoPolicy(ctx.services.db);
      return {
        policy,
        providers: (await listSsoProviders(ctx.services)).map(presentSsoProvider),
        redirectUri: redirectUriOf(ctx.services),
        admins: await breakGlassAdmins(ctx.services.db, policy),
        breakGlass: describeBreakGlass(policy, await adminUsers(ctx.services.db)),
      };
    },
  }),
  bindRoute(endpoints.sso.setPolicy, {
    access: 'admin',
    handler: async (ctx) => updateSsoPolicy(ctx.services, ctx.body, ctx.actor),
  }),
  bindRoute(endpoints.sso.create, {
    access: 'admin',
    handler: async (ctx) => presentSsoProvider(await createSsoProvider(ctx.services, ctx.body, ctx.actor)),
  }),
  bindRoute(endpoints.sso.updateEnv, {
    access: 'admin',
    handler: async (ctx) => presentSsoProvider(await updateEnvSsoProvider(ctx.services, ctx.body, ctx.actor)),
  }),
  bindRoute(endpoints.sso.update, {
    access: 'admin',
    handler: async (ctx) =>
      presentSsoProvider(await updateSsoProvider(ctx.services, ctx.params.id, ctx.body, ctx.actor)),
  }),
  bindRoute(endpoints.sso.remove, {
    access: 'admin',
    handler: async (ctx) => {
      await deleteSsoProvider(ctx.services, ctx.params.id, ctx.actor);
      return undefined;
    },
  }),
  bindRoute(endpoints.sso.test, {
    access: 'admin',
    handler: async (ctx) => testSsoProvider(ctx.services, await getSsoProvider(ctx.services, ctx.params.id)),
  }),
];
