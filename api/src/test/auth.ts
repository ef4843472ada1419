import { randomUUID } from 'node:crypto';
import type { TUserRole } from '@deskmate/shared';
import { hashPassword } from '../auth/passwords.js';
import { signSession } from '../auth/jwt.js';
import type { Db } from '../db/client.js';
import type { UserRow } from '../http/context.js';
import type { TestApp } from './app.js';
import { createUser } from './factories.js';
import { queueTestSession } from './sessions.js';

export const TEST_PASSWORD = 'correct horse battery staple';
// Cost 4: the same bcrypt code path, fast enough for tests.
let testHash: Promise<string> | undefined;
const passwordHashFor = (password: string) =>
  password === TEST_PASSWORD ? (testHash ??= hashPassword(TEST_PASSWORD, 4)) : hashPassword(password, 4);

export async function createUserWithPassword(
  db: Db,
  options: { role?: TUserRole; email?: string; password?: string } & Partial<UserRow> = {},
): Promise<UserRow> {
  const { password = TEST_PASSWORD, ...rest } = options;
  return createUser(db, { ...rest, passwordHash: await passwordHashFor(password) });
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
  /** `name=value` of every Set-Cookie, ready for a Cookie header. */
  cookie: string | undefined;
}

export interface CallOptions {
  cookie?: string | undefined;
  bearer?: string | undefined;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  /** Send no Origin header (browsers always send one on POST). */
  noOrigin?: boolean;
}

/** Call the API like a browser (cookie + same Origin) or like an API client (Bearer). */
export async function call<T = Record<string, unknown>>(
  app: TestApp,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined || options.rawBody !== undefined) headers['content-type'] ??= 'application/json';
  if (options.cookie) headers.cookie = options.cookie;
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  if (!options.noOrigin && !options.bearer && method !== 'GET') headers.origin ??= new URL(app.url).origin;
  const res = await app.fetch(`/api${path}`, {
    method,
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await res.text();
  const setCookies = res.headers.getSetCookie();
  return {
    status: res.status,
    body: (text ? JSON.parse(text) : undefined) as T,
    headers: res.headers,
    cookie: setCookies.length ? setCookies.map((c) => c.split(';')[0]).join('; ') : undefined,
  };
}

/** The session token inside a `deskmate_session=…` cookie string. */
export const tokenOf = (cookie: string | undefined): string => /deskmate_session=([^;]+)/.exec(cookie ?? '')?.[1] ?? '';

export async function loginAs(app: TestApp, email: string, password = TEST_PASSWORD): Promise<ApiResponse> {
  return call(app, 'POST', '/auth/login', { body: { email, password } });
}

/**
 * A session cookie for a user without going through the password (for tests about other things).
 * Its session row is written before the app's next request (see `saveTestSessions`).
 */
export function sessionCookie(app: TestApp, user: UserRow): string {
  const services = app.runtime.services;
  const now = services.clock.now();
  const ttlSec = Math.floor(services.config.SESSION_TTL / 1000);
  const sid = randomUUID();
  queueTestSession(app.database.name, {
    id: sid,
    userId: user.id,
    tokenVersion: user.tokenVersion,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + ttlSec * 1000),
    userAgent: 'Deskmate tests',
  });
  const token = signSession(
    services.secrets.jwtSecret,
    { sub: user.id, role: user.role, tv: user.tokenVersion, sid },
    Math.floor(now.getTime() / 1000),
    ttlSec,
  );
  return `deskmate_session=${token}`;
}
