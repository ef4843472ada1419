import type { Request, RequestHandler, Response } from 'express';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Actor } from '../audit/record.js';
import { apiTokens, userIdentities, userSessions, users } from '../db/schema.js';
import { namedStatementsAllowed, servedOverHttps } from '../config.js';
import { AppError } from '../http/errors.js';
import type { Auth, Services, UserRow } from '../http/context.js';
import { safeEqual, sha256 } from '../security/crypto.js';
import { signSession, verifyToken, type SessionClaims } from './jwt.js';
import { LAST_SEEN_EVERY_MS, openSession, sessionIsLive, touchSession, type UserSessionRow } from './user-sessions.js';

export const SESSION_COOKIE = 'deskmate_session';
/** API tokens start with this, so they are never mistaken for a JWT. */
export const API_TOKEN_PREFIX = 'dm_';

const nowSec = (services: Services) => Math.floor(services.clock.now().getTime() / 1000);

export function setSessionCookie(res: Response, services: Services, token: string, maxAgeSec: number): void {
  res.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: servedOverHttps(services.config),
    path: '/',
    maxAge: maxAgeSec * 1000,
  });
}

export function clearSessionCookie(res: Response, services: Services): void {
  res.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: 'lax',
    secure: servedOverHttps(services.config),
    path: '/',
  });
}

const ttlSec = (services: Services) => Math.floor(services.config.SESSION_TTL / 1000);
/** When a token issued now expires: a session row's expiry follows its latest token. */
const expiryFrom = (services: Services, now: Date) => new Date(now.getTime() + ttlSec(services) * 1000);

/** A session token (its current token version, `sid`) from now, and the cookie that holds it. */
function issueSessionToken(res: Response, services: Services, user: UserRow, sid: string): string {
  const token = signSession(
    services.secrets.jwtSecret,
    { sub: user.id, role: user.role, tv: user.tokenVersion, sid },
    nowSec(services),
    ttlSec(services),
  );
  setSessionCookie(res, services, token, ttlSec(services));
  return token;
}

/**
 * Sign a user in on this device: a session row (device, IP) and a token naming it, in the cookie.
 * `reuse`: this device's session id, kept when a password or 2FA change re-issues its token.
 */
export async function startSession(
  res: Response,
  services: Services,
  user: UserRow,
  actor: Actor,
  reuse?: string,
): Promise<string> {
  const now = services.clock.now();
  const sid = await openSession(services.db, user, { now, expiresAt: expiryFrom(services, now), actor, reuse });
  return issueSessionToken(res, services, user, sid);
}

function bearer(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

// Every authenticated request reads its user, with the user's groups and the session row its token
// names (none for a half token): one statement, built once, prepared by name where pooled
// connections keep named statements (namedStatementsAllowed), sent unnamed otherwise.
const userQueries = new WeakMap<Services['db'], ReturnType<typeof prepareUserQuery>>();
function prepareUserQuery(db: Services['db'], named: boolean) {
  const query = db
    .select({
      user: users,
      groupIds: sql<string[]>`array(SELECT gm.group_id FROM group_members gm WHERE gm.user_id = ${users.id})`,
      session: {
        tokenVersion: userSessions.tokenVersion,
        lastSeenAt: userSessions.lastSeenAt,
        expiresAt: userSessions.expiresAt,
        revokedAt: userSessions.revokedAt,
      },
    })
    .from(users)
    .leftJoin(userSessions, and(eq(userSessions.id, sql.placeholder('sid')), eq(userSessions.userId, users.id)))
    .where(eq(users.id, sql.placeholder('id')));
  if (named) return query.prepare('deskmate_auth_user');
  return { execute: (values: { id: string; sid: string | null }) => query.execute(values) };
}

type LoadedUser = {
  user: UserRow;
  groupIds: string[];
  session: Pick<UserSessionRow, 'tokenVersion' | 'lastSeenAt' | 'expiresAt' | 'revokedAt'> | null;
};

async function loadUser(services: Services, id: string, sid: string | null): Promise<LoadedUser | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  let query = userQueries.get(services.db);
  if (!query)
    userQueries.set(services.db, (query = prepareUserQuery(services.db, namedStatementsAllowed(services.config))));
  const [row] = await query.execute({ id, sid });
  return row;
}

async function authenticateApiToken(req: Request, services: Services, token: string): Promise<Auth | null> {
  let found: { id: string | null; name: string; scopes: string[] } | undefined;
  if (safeEqual(sha256(token), sha256(services.secrets.integrationToken))) {
    found = { id: null, name: 'INTEGRATION_TOKEN', scopes: ['chat:act'] };
  } else {
    const [row] = await services.db
      .update(apiTokens)
      .set({ lastUsedAt: services.clock.now() })
      .where(and(eq(apiTokens.tokenHash, sha256(token)), isNull(apiTokens.revokedAt)))
      .returning();
    if (row) found = { id: row.id, name: row.name, scopes: row.scopes };
  }
  if (!found) return null;
  const provider = req.get('x-deskmate-act-as-provider');
  const providerUserId = req.get('x-deskmate-act-as-user');
  if (!provider && !providerUserId) return { kind: 'integration', token: found, user: null };
  if (!found.scopes.includes('chat:act')) throw new AppError('forbidden', 'The API token lacks the scope chat:act');
  if ((provider !== 'slack' && provider !== 'teams') || !providerUserId) {
    throw new AppError('bad_request', 'X-Deskmate-Act-As-Provider must be slack or teams, with X-Deskmate-Act-As-User');
  }
  const [row] = await services.db
    .select({ user: users })
    .from(userIdentities)
    .innerJoin(users, eq(users.id, userIdentities.userId))
    .where(and(eq(userIdentities.provider, provider), eq(userIdentities.providerUserId, providerUserId)));
  if (!row) throw new AppError('not_found', 'No Deskmate user for that chat account; resolve the identity first');
  if (!row.user.active) throw new AppError('forbidden', 'That user is deactivated');
  return { kind: 'integration', token: found, user: row.user, provider };
}

/**
 * Who is calling: a session or half token (cookie or Bearer) whose token version still matches
 * the user's, or an API token. Anything else is anonymous; routes decide whether that is enough.
 * Checking the token version against the database on every request is what lets logout-all,
 * a password or role change revoke every earlier token at once, on every instance; checking the
 * session row its `sid` names, in the same query, is what lets plain logout end one sign-in.
 */
export function authenticate(services: Services): RequestHandler {
  return async (req, res, next) => {
    try {
      req.auth = null;
      const fromHeader = bearer(req);
      const fromCookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
      const token = fromHeader ?? fromCookie;
      if (!token) return next();
      if (token.startsWith(API_TOKEN_PREFIX)) {
        req.auth = await authenticateApiToken(req, services, token);
        return next();
      }
      const claims = verifyToken(services.secrets.jwtSecret, token, nowSec(services));
      if (!claims) return next();
      const loaded = await loadUser(services, claims.sub, claims.typ === 'session' ? claims.sid : null);
      const user = loaded?.user;
      if (!loaded || !user || !user.active || user.tokenVersion !== claims.tv) return next();
      const via = fromHeader ? 'bearer' : 'cookie';
      if (claims.typ === '2fa') {
        req.auth = { kind: 'half', user, claims, via };
        return next();
      }
      const { session } = loaded;
      if (!sessionIsLive(session, claims.tv, services.clock.now())) return next();
      req.auth = { kind: 'session', user, claims, via, groupIds: loaded.groupIds };
      await keepSession(req, res, services, user, claims, session.lastSeenAt, via);
      next();
    } catch (err) {
      next(err);
    }
  };
}

/**
 * Sliding session: a cookie past half its life is replaced by a token of the same session (same
 * `sid`, expiry moved on), so an active user stays signed in. Otherwise only `last_seen_at` moves,
 * at most once a minute.
 */
async function keepSession(
  req: Request,
  res: Response,
  services: Services,
  user: UserRow,
  claims: SessionClaims,
  lastSeenAt: Date,
  via: 'cookie' | 'bearer',
): Promise<void> {
  const now = services.clock.now();
  const ttl = claims.exp - claims.iat;
  if (via === 'cookie' && nowSec(services) - claims.iat > ttl / 2) {
    if (await touchSession(services.db, claims.sid, { now, ip: req.ip, expiresAt: expiryFrom(services, now) })) {
      issueSessionToken(res, services, user, claims.sid);
    }
    return;
  }
  if (now.getTime() - lastSeenAt.getTime() >= LAST_SEEN_EVERY_MS) {
    await touchSession(services.db, claims.sid, { now, ip: req.ip });
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for browsers: a state-changing request that carries our cookie (or any request
 * that names a foreign Origin) must come from our own origin. Bearer-token clients send no
 * cookie and are not affected. The session cookie is also SameSite=Lax.
 */
export function originCheck(services: Services): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || bearer(req)) return next();
    const hasCookie = Boolean((req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE]);
    const origin = req.get('origin') ?? originOf(req.get('referer'));
    if (!origin && !hasCookie) return next();
    const allowed = new Set<string>([`${req.protocol}://${req.get('host')}`]);
    if (services.config.PUBLIC_URL) allowed.add(new URL(services.config.PUBLIC_URL).origin);
    if (origin && allowed.has(origin)) return next();
    next(new AppError('forbidden', 'Cross-site request refused: the Origin header must be this site'));
  };
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
