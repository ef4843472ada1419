import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import { hasRole, type Endpoint, type EndpointResult } from '@deskmate/shared';
import type { Actor } from '../audit/record.js';
import { AppError, roleRefusal, validationError } from './errors.js';
import type { Auth, Services, UserRow } from './context.js';

/**
 * Who may call a route:
 * - public: anyone (login, forgot password, invitation acceptance);
 * - half: only a half-authenticated token (finishing two-factor sign-in);
 * - user / agent / admin: a full session (or an integration acting for a chat user) of that role or above;
 * - integration: an API token with the route's scopes.
 */
export type Access = 'public' | 'half' | 'user' | 'agent' | 'admin' | 'integration';

export interface RouteContext<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  auth: Auth | null;
  /** The signed-in user (set for user, agent, admin and acting integrations). */
  user: UserRow;
  actor: Actor;
  services: Services;
  req: Request;
  res: Response;
}

export interface RouteDefinition<B = unknown, Q = unknown, P = unknown> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Path under /api, Express syntax. */
  path: string;
  access: Access;
  summary: string;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  response?: z.ZodType;
  /** Success status (default 200; 204 when the handler returns nothing). */
  status?: number;
  /** For `user` routes: also accept the half token of a user an admin requires to enrol 2FA. */
  allowEnrollment?: boolean;
  /** For `half` routes: which half tokens (default all). */
  halfMethods?: ('totp' | 'email' | 'enroll')[];
  /** For `integration` routes: the scopes the token needs. */
  scopes?: string[];
  handler(ctx: RouteContext<B, Q, P>): Promise<unknown>;
  /** The endpoint of the shared table this route serves (set by `bindRoute`). */
  endpoint?: Endpoint;
}

export function defineRoute<B = undefined, Q = undefined, P = undefined>(
  route: RouteDefinition<B, Q, P>,
): RouteDefinition<B, Q, P> {
  return route;
}

type Parsed<S> = [S] extends [z.ZodType] ? z.output<S> : undefined;
/** What a handler reads: params, query and body as the endpoint's schemas parsed them. */
type ParsedContext<E> =
  E extends Endpoint<infer P, infer Q, infer B, z.ZodType | undefined>
    ? RouteContext<Parsed<B>, Parsed<Q>, Parsed<P>>
    : never;

/** How the server serves one endpoint of the shared table: who may call it, and the handler. */
export interface RouteBinding<E extends Endpoint> {
  access: Access;
  allowEnrollment?: boolean;
  halfMethods?: ('totp' | 'email' | 'enroll')[];
  scopes?: string[];
  /** Its answer must be what the endpoint's response schema accepts: a wrong shape fails to compile. */
  handler(ctx: ParsedContext<E>): Promise<EndpointResult<E>>;
}

/**
 * Serve an endpoint of the shared table (`endpoints` in @deskmate/shared): method, path, schemas
 * and summary come from the table, access and the handler from here.
 */
export function bindRoute<E extends Endpoint>(endpoint: E, binding: RouteBinding<E>): RouteDefinition {
  const { method, path, summary, params, query, body, response, status } = endpoint;
  return {
    method: method.toLowerCase() as RouteDefinition['method'],
    path,
    summary,
    ...(params ? { params } : {}),
    ...(query ? { query } : {}),
    ...(body ? { body } : {}),
    ...(response ? { response } : {}),
    ...(status ? { status } : {}),
    ...binding,
    handler: binding.handler as RouteDefinition['handler'],
    endpoint,
  };
}

function authorize(route: RouteDefinition, auth: Auth | null): UserRow | null {
  if (route.access === 'public') return auth && auth.kind !== 'half' ? auth.user : null;
  if (!auth) throw new AppError('unauthenticated', 'Sign in first');
  if (route.access === 'half') {
    if (auth.kind !== 'half')
      throw new AppError('unauthenticated', 'This step is only for finishing two-factor sign-in');
    if (route.halfMethods && !route.halfMethods.includes(auth.claims.method)) {
      throw new AppError('forbidden', 'This step does not apply to your sign-in');
    }
    return auth.user;
  }
  if (route.access === 'integration') {
    if (auth.kind !== 'integration') throw new AppError('forbidden', 'This route is for integrations (API tokens)');
    const missing = (route.scopes ?? []).filter((s) => !auth.token.scopes.includes(s));
    if (missing.length) throw new AppError('forbidden', `The API token lacks the scope ${missing.join(', ')}`);
    return auth.user;
  }
  if (auth.kind === 'half') {
    if (route.allowEnrollment && auth.claims.method === 'enroll') return auth.user;
    throw new AppError('unauthenticated', 'Finish two-factor sign-in first');
  }
  if (!auth.user)
    throw new AppError('forbidden', 'An API token must act for a user here (X-Deskmate-Act-As-Provider and -User)');
  // The route table stays declarative; the ranking of roles is the shared helper's.
  const least = route.access === 'user' ? 'requester' : route.access;
  if (!hasRole(auth.user, least))
    throw roleRefusal(least, route.access === 'admin' ? 'Only admins can do this' : 'Only agents can do this');
  return auth.user;
}

export function actorOf(req: Request, auth: Auth | null | undefined): Actor {
  const base = { ip: req.ip, userAgent: req.get('user-agent'), channel: 'web' as const };
  if (!auth) return { ...base, userId: null, type: 'anonymous' };
  if (auth.kind === 'integration') {
    // Acting for a chat user: what they do happens in that chat (a 🎫 ticket is a Slack ticket).
    return { ...base, userId: auth.user?.id ?? null, type: 'integration', channel: auth.provider ?? 'api' };
  }
  return { ...base, userId: auth.user.id, type: 'user' };
}

/**
 * One call to a route, whatever brought it: an HTTP request (`buildRouter`) or a chat request in
 * this process (`inProcessFetch`). Params, query and body are as they arrived, not yet parsed.
 */
export interface RouteCall {
  auth: Auth | null;
  params: unknown;
  query: unknown;
  body: unknown;
  actor: Actor;
  req: Request;
  res: Response;
}

/** What a route answered: a status and the JSON to send (none for 204). */
export interface RouteOutcome {
  status: number;
  body: unknown;
}

let checkAnswers = false;

/**
 * Tests only: parse every answer with its route's response schema, as the typed client will, and
 * fail the request (a 500) when it does not fit. The compiler checks a handler's type; this checks
 * what it really sends (JSON of it), across every test that calls the API.
 */
export function checkAnswersAgainstSchemas(): void {
  checkAnswers = true;
}

/**
 * The one pipeline every route runs, over HTTP or in process: authorize, parse params, query and
 * body with the route's schemas, run the handler. Errors are thrown, for `toAppError` to shape.
 */
export async function runRoute(route: RouteDefinition, services: Services, call: RouteCall): Promise<RouteOutcome> {
  const user = authorize(route, call.auth);
  const params = parse(route.params, call.params, 'params');
  const query = parse(route.query, call.query, 'query');
  const body =
    route.method === 'get' || route.method === 'delete' ? undefined : parse(route.body, call.body ?? {}, 'body');
  const result = await route.handler({
    body,
    query,
    params,
    auth: call.auth,
    user: user as UserRow,
    actor: call.actor,
    services,
    req: call.req,
    res: call.res,
  });
  if (checkAnswers && route.response && result !== undefined) {
    const parsed = route.response.safeParse(JSON.parse(JSON.stringify(result)));
    if (!parsed.success)
      throw new Error(`${route.method} ${route.path} answered outside its response schema: ${parsed.error.message}`);
  }
  return result === undefined
    ? { status: route.status ?? 204, body: undefined }
    : { status: route.status ?? 200, body: result };
}

/** Build an Express router from route definitions: validate, authorize, run, answer JSON. */
export function buildRouter(routes: RouteDefinition[], services: Services): Router {
  const router = Router();
  for (const route of routes) {
    router[route.method](route.path, async (req, res, next) => {
      try {
        const auth = req.auth ?? null;
        const outcome = await runRoute(route, services, {
          auth,
          params: req.params,
          query: req.query,
          body: req.body,
          actor: actorOf(req, auth),
          req,
          res,
        });
        // A handler that answered itself (a redirect, a stream) has nothing more to send.
        if (res.headersSent) return;
        if (outcome.body === undefined) res.status(outcome.status).end();
        else res.status(outcome.status).json(outcome.body);
      } catch (err) {
        next(err);
      }
    });
  }
  return router;
}

function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value && typeof value === 'object') return Object.values(value).some(hasNul);
  return false;
}

function parse(schema: z.ZodType | undefined, value: unknown, where: 'body' | 'query' | 'params'): unknown {
  if (hasNul(value)) throw new AppError('validation_failed', `Invalid ${where}: text may not contain U+0000`);
  if (!schema) {
    const empty =
      value === undefined || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
    if (where !== 'params' && !empty) throw new AppError('validation_failed', `This route takes no ${where}`);
    return undefined;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error, where);
  return parsed.data;
}
