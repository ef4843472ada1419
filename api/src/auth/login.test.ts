import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { and, eq } from 'drizzle-orm';
import { ZErrorBody } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../test/clock.js';
import { auditEvents } from '../db/schema.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, loginAs, tokenOf, TEST_PASSWORD } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';
import { createUser } from '../test/factories.js';

const testDatabase = useTestDatabase();
let database: TestDatabase;
let app: TestApp;
let second: TestApp;
const clock = new FakeClock('2026-03-02T10:00:00Z');

beforeAll(async () => {
  database = testDatabase.current;
  app = await startTestApp({ database, clock });
  // A second instance on the same database: revocation and rate limits must hold across both.
  second = await startTestApp({ database, clock });
});
afterAll(async () => {
  await second.stop();
  await app.stop();
});

const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('sign-in', () => {
  it('returns the user and an httpOnly, SameSite session cookie holding a JWT with sub, role and tv', async () => {
    const user = await createUserWithPassword(database.db, { role: 'agent' });
    const res = await loginAs(app, user.email);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user: { id: user.id, email: user.email, role: 'agent' } });
    expect(JSON.stringify(res.body)).not.toMatch(/password|tokenVersion|totp/i);
    const setCookie = res.headers.getSetCookie()[0] ?? '';
    expect(setCookie).toMatch(/^deskmate_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i); // not in test/development; production sets it
    const claims = jwt.decode(tokenOf(res.cookie), { complete: true });
    expect(claims?.header.alg).toBe('HS256');
    expect(claims?.payload).toMatchObject({ sub: user.id, role: 'agent', tv: 0, typ: 'session' });
  });

  it('accepts the email in any case and with spaces around it', async () => {
    const user = await createUserWithPassword(database.db, { email: `Mixed.${Date.now()}@Example.test` });
    const res = await call(app, 'POST', '/auth/login', {
      body: { email: `  ${user.email.toUpperCase()} `, password: TEST_PASSWORD },
    });
    expect(res.status).toBe(200);
  });

  it('lets the cookie and the same token as a Bearer header reach /api/auth/me', async () => {
    const user = await createUserWithPassword(database.db);
    const { cookie } = await loginAs(app, user.email);
    expect((await call(app, 'GET', '/auth/me', { cookie })).body).toMatchObject({ user: { id: user.id } });
    expect((await call(app, 'GET', '/auth/me', { bearer: tokenOf(cookie) })).body).toMatchObject({
      user: { id: user.id },
    });
    expect((await call(app, 'GET', '/auth/me')).status).toBe(401);
  });

  it('gives an unknown email and a wrong password the same status and body', async () => {
    const user = await createUserWithPassword(database.db);
    const wrong = await call(app, 'POST', '/auth/login', { body: { email: user.email, password: 'not the password' } });
    const unknown = await call(app, 'POST', '/auth/login', {
      body: { email: `nobody-${Date.now()}@example.test`, password: 'not the password' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(ZErrorBody.parse(wrong.body).error.message).toBe('Email or password is incorrect');
  });

  it('spends bcrypt time on an unknown email as on a known one', async () => {
    // Real cost-12 hash, like production users; the unknown account is checked against a dummy hash.
    const { hashPassword } = await import('./passwords.js');
    const user = await createUser(database.db, { passwordHash: await hashPassword('a real password 123') });
    const time = async (email: string) => {
      const started = performance.now();
      await call(second, 'POST', '/auth/login', { body: { email, password: 'wrong wrong wrong' } });
      return performance.now() - started;
    };
    await time(`warm-${Date.now()}@example.test`);
    const known = Math.min(await time(user.email), await time(user.email));
    const unknown = Math.min(
      await time(`nobody-a-${Date.now()}@example.test`),
      await time(`nobody-b-${Date.now()}@example.test`),
    );
    expect(unknown / known).toBeGreaterThan(0.5);
    expect(unknown / known).toBeLessThan(2);
  });

  it('refuses a deactivated user with the same answer as a wrong password', async () => {
    const user = await createUserWithPassword(database.db, { active: false });
    const res = await loginAs(app, user.email);
    expect(res.status).toBe(401);
    expect(ZErrorBody.parse(res.body).error.message).toBe('Email or password is incorrect');
  });

  it('writes audit rows with ip and user agent for a successful and a failed sign-in', async () => {
    const user = await createUserWithPassword(database.db);
    await call(app, 'POST', '/auth/login', {
      body: { email: user.email, password: TEST_PASSWORD },
      headers: { 'user-agent': 'AuditTest/1.0' },
    });
    await call(app, 'POST', '/auth/login', {
      body: { email: user.email, password: 'nope nope nope' },
      headers: { 'user-agent': 'AuditTest/1.0' },
    });
    const rows = await database.db.select().from(auditEvents).where(eq(auditEvents.entityId, user.id));
    const ok = rows.find((r) => r.action === 'auth.login');
    const failed = rows.find((r) => r.action === 'auth.login_failed');
    expect(ok).toMatchObject({
      actorId: user.id,
      userAgent: 'AuditTest/1.0',
      ip: expect.stringMatching(/127\.0\.0\.1/),
    });
    expect(failed).toMatchObject({ actorId: null, userAgent: 'AuditTest/1.0' });
  });
});

describe('tokens that must be refused', () => {
  let user: Awaited<ReturnType<typeof createUserWithPassword>>;
  let token: string;
  beforeAll(async () => {
    user = await createUserWithPassword(database.db, { role: 'admin' });
    token = tokenOf((await loginAs(app, user.email)).cookie);
  });

  it('a tampered payload (role raised) is refused', async () => {
    const [h, , s] = token.split('.');
    const forged = `${h}.${b64({ typ: 'session', sub: user.id, role: 'admin', tv: 0, iat: 1, exp: 4_000_000_000 })}.${s}`;
    expect((await call(app, 'GET', '/auth/me', { bearer: forged })).status).toBe(401);
  });

  it('an alg:none token is refused', async () => {
    const payload = jwt.decode(token) as object;
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
    expect((await call(app, 'GET', '/auth/me', { bearer: none })).status).toBe(401);
    expect((await call(app, 'GET', '/auth/me', { cookie: `deskmate_session=${none}` })).status).toBe(401);
  });

  it('a token signed with another secret is refused', async () => {
    const payload = jwt.decode(token) as Record<string, unknown>;
    const other = jwt.sign(payload, 'another-secret-that-is-at-least-32-bytes-long!!', { algorithm: 'HS256' });
    expect((await call(app, 'GET', '/auth/me', { bearer: other })).status).toBe(401);
  });

  it('an HS512 token signed with our own secret is refused (algorithm pinned)', async () => {
    const payload = jwt.decode(token) as Record<string, unknown>;
    const header = b64({ alg: 'HS512', typ: 'JWT' });
    const body = b64(payload);
    const sig = createHmac('sha512', app.runtime.services.secrets.jwtSecret)
      .update(`${header}.${body}`)
      .digest('base64url');
    expect((await call(app, 'GET', '/auth/me', { bearer: `${header}.${body}.${sig}` })).status).toBe(401);
  });

  it('an expired token is refused', async () => {
    const payload = jwt.decode(token) as Record<string, unknown>;
    const now = Math.floor(clock.now().getTime() / 1000);
    const expired = jwt.sign({ ...payload, iat: now - 7200, exp: now - 3600 }, app.runtime.services.secrets.jwtSecret, {
      algorithm: 'HS256',
    });
    expect((await call(app, 'GET', '/auth/me', { bearer: expired })).status).toBe(401);
  });
});

describe('token versioning: revoke everything issued before, on every instance', () => {
  it('logout-all refuses earlier tokens on both instances', async () => {
    const user = await createUserWithPassword(database.db);
    const a = (await loginAs(app, user.email)).cookie;
    const b = (await loginAs(second, user.email)).cookie;
    expect((await call(second, 'GET', '/auth/me', { cookie: a })).status).toBe(200);
    const out = await call(app, 'POST', '/auth/logout-all', { cookie: a });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()[0]).toMatch(/deskmate_session=;/);
    for (const cookie of [a, b]) {
      expect((await call(app, 'GET', '/auth/me', { cookie })).status).toBe(401);
      expect((await call(second, 'GET', '/auth/me', { cookie })).status).toBe(401);
    }
    expect((await loginAs(second, user.email)).status).toBe(200);
  });

  it('a password change refuses earlier tokens and keeps the changing session signed in', async () => {
    const user = await createUserWithPassword(database.db);
    const other = (await loginAs(second, user.email)).cookie;
    const mine = (await loginAs(app, user.email)).cookie;
    const res = await call(app, 'POST', '/auth/password', {
      cookie: mine,
      body: { currentPassword: TEST_PASSWORD, newPassword: 'a much better passphrase 42' },
    });
    expect(res.status).toBe(200);
    expect((await call(second, 'GET', '/auth/me', { cookie: other })).status).toBe(401);
    expect((await call(second, 'GET', '/auth/me', { cookie: mine })).status).toBe(401);
    expect((await call(second, 'GET', '/auth/me', { cookie: res.cookie })).status).toBe(200);
    const rows = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, user.id), eq(auditEvents.action, 'auth.password_changed')));
    expect(rows).toHaveLength(1);
  });

  it('a role change by an admin refuses the user’s earlier tokens on the other instance', async () => {
    const admin = await createUserWithPassword(database.db, { role: 'admin' });
    const user = await createUserWithPassword(database.db, { role: 'agent' });
    const adminCookie = (await loginAs(app, admin.email)).cookie;
    const userCookie = (await loginAs(second, user.email)).cookie;
    expect(
      (await call(app, 'POST', `/users/${user.id}/role`, { cookie: adminCookie, body: { role: 'requester' } })).status,
    ).toBe(200);
    expect((await call(second, 'GET', '/auth/me', { cookie: userCookie })).status).toBe(401);
    const again = await loginAs(second, user.email);
    expect(again.body).toMatchObject({ user: { role: 'requester' } });
  });

  it('deactivation refuses the user’s tokens at once', async () => {
    const admin = await createUserWithPassword(database.db, { role: 'admin' });
    const user = await createUserWithPassword(database.db);
    const userCookie = (await loginAs(second, user.email)).cookie;
    const adminCookie = (await loginAs(app, admin.email)).cookie;
    expect((await call(app, 'POST', `/users/${user.id}/deactivate`, { cookie: adminCookie })).status).toBe(200);
    expect((await call(second, 'GET', '/auth/me', { cookie: userCookie })).status).toBe(401);
  });

  it('plain logout clears the cookie and is audited', async () => {
    const user = await createUserWithPassword(database.db);
    const { cookie } = await loginAs(app, user.email);
    const res = await call(app, 'POST', '/auth/logout', { cookie });
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie()[0]).toMatch(/deskmate_session=;.*Expires=Thu, 01 Jan 1970/);
    const rows = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, user.id), eq(auditEvents.action, 'auth.logout')));
    expect(rows).toHaveLength(1);
  });
});

describe('sliding session', () => {
  it('renews a cookie past half its life and lets an old one expire', async () => {
    const user = await createUserWithPassword(database.db);
    const { cookie } = await loginAs(app, user.email);
    clock.advance(5 * 60_000);
    expect((await call(app, 'GET', '/auth/me', { cookie })).cookie).toBeUndefined();
    clock.advance(12 * 60_000); // 17 of 30 minutes
    const renewed = await call(app, 'GET', '/auth/me', { cookie });
    expect(renewed.status).toBe(200);
    expect(renewed.cookie).toMatch(/deskmate_session=/);
    clock.advance(20 * 60_000); // the first token is now 37 minutes old
    expect((await call(app, 'GET', '/auth/me', { cookie })).status).toBe(401);
    expect((await call(app, 'GET', '/auth/me', { cookie: renewed.cookie })).status).toBe(200);
  });
});

describe('rate limits on failed sign-ins (counted in PostgreSQL)', () => {
  it('the 6th wrong password for one account within 10 minutes gets 429 with Retry-After, across two instances', async () => {
    const user = await createUserWithPassword(database.db);
    const attempt = (instance: TestApp) =>
      call(instance, 'POST', '/auth/login', { body: { email: user.email, password: 'wrong password!' } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await attempt(i % 2 === 0 ? app : second)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const sixth = await attempt(second);
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(sixth.headers.get('retry-after'))).toBeLessThanOrEqual(600);
    expect(ZErrorBody.parse(sixth.body).error.code).toBe('rate_limited');
    // Even the right password waits until the window has passed.
    expect((await loginAs(app, user.email)).status).toBe(429);
    clock.advance(10 * 60_000 + 1000);
    expect((await loginAs(app, user.email)).status).toBe(200);
  });

  it('successful sign-ins never count: an office behind one address is not locked out', async () => {
    const users = await Promise.all(Array.from({ length: 8 }, () => createUserWithPassword(database.db)));
    for (let round = 0; round < 3; round++) {
      for (const u of users) expect((await loginAs(round % 2 ? second : app, u.email)).status).toBe(200);
    }
  });

  it('20 failures from one IP within 10 minutes block that IP for every account', async () => {
    const ip = '203.0.113.7';
    const proxied = await startTestApp({ database, clock, env: { TRUST_PROXY: '1' } });
    try {
      const victims = await Promise.all(Array.from({ length: 5 }, () => createUserWithPassword(database.db)));
      for (let i = 0; i < 20; i++) {
        const res = await call(proxied, 'POST', '/auth/login', {
          body: { email: victims[i % 5]!.email.replace('@', `+${i}@`), password: 'guess guess guess' },
          headers: { 'x-forwarded-for': ip },
        });
        expect(res.status).toBe(401);
      }
      const blocked = await call(proxied, 'POST', '/auth/login', {
        body: { email: victims[0]!.email, password: TEST_PASSWORD },
        headers: { 'x-forwarded-for': ip },
      });
      expect(blocked.status).toBe(429);
      const otherIp = await call(proxied, 'POST', '/auth/login', {
        body: { email: victims[0]!.email, password: TEST_PASSWORD },
        headers: { 'x-forwarded-for': '198.51.100.9' },
      });
      expect(otherIp.status).toBe(200);
    } finally {
      await proxied.stop();
    }
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY says to trust it', async () => {
    const user = await createUserWithPassword(database.db);
    await call(app, 'POST', '/auth/login', {
      body: { email: user.email, password: 'wrong one here' },
      headers: { 'x-forwarded-for': '192.0.2.55' },
    });
    const [row] = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, user.id), eq(auditEvents.action, 'auth.login_failed')));
    expect(row?.ip).not.toContain('192.0.2.55');
  });
});

describe('CSRF: a browser request that changes state must come from our own origin', () => {
  it('refuses a cookie-carrying POST with a foreign Origin or none, and accepts our own', async () => {
    const user = await createUserWithPassword(database.db);
    const { cookie } = await loginAs(app, user.email);
    const foreign = await call(app, 'PATCH', '/auth/me', {
      cookie,
      body: { away: true },
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    const none = await call(app, 'PATCH', '/auth/me', { cookie, body: { away: true }, noOrigin: true });
    expect(none.status).toBe(403);
    const ours = await call(app, 'PATCH', '/auth/me', { cookie, body: { away: true } });
    expect(ours.status).toBe(200);
    expect(ours.body).toMatchObject({ user: { away: true } });
  });

  it('refuses a login posted from a foreign page (login CSRF)', async () => {
    const user = await createUserWithPassword(database.db);
    const res = await call(app, 'POST', '/auth/login', {
      body: { email: user.email, password: TEST_PASSWORD },
      headers: { origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
  });

  it('does not apply to Bearer-token clients', async () => {
    const user = await createUserWithPassword(database.db);
    const { cookie } = await loginAs(app, user.email);
    const res = await call(app, 'PATCH', '/auth/me', { bearer: tokenOf(cookie), body: { name: 'Via Bearer' } });
    expect(res.status).toBe(200);
  });
});

describe('bad input gets a 4xx in the one error shape', () => {
  const cases: [string, { body?: unknown; rawBody?: string; headers?: Record<string, string> }, number][] = [
    ['missing fields', { body: {} }, 400],
    ['a missing password', { body: { email: 'a@b.test' } }, 400],
    ['a non-string email', { body: { email: 42, password: 'x' } }, 400],
    ['an array email', { body: { email: ['a@b.test'], password: 'x' } }, 400],
    ['an email that is not one', { body: { email: 'not-an-email', password: 'x' } }, 400],
    ['unknown fields', { body: { email: 'a@b.test', password: 'x', admin: true } }, 400],
    ['a JSON array body', { rawBody: '[1,2,3]' }, 400],
    ['broken JSON', { rawBody: '{"email":' }, 400],
    ['a 2 MB body', { rawBody: JSON.stringify({ email: 'a@b.test', password: 'x'.repeat(2 * 1024 * 1024) }) }, 413],
    ['a password of 5,000 characters', { body: { email: 'a@b.test', password: 'x'.repeat(5000) } }, 400],
  ];
  it.each(cases)('%s', async (_name, options, status) => {
    const res = await call(app, 'POST', '/auth/login', options);
    expect(res.status).toBe(status);
    const body = ZErrorBody.parse(res.body);
    expect(JSON.stringify(body)).not.toMatch(/\bat .+:\d+:\d+/);
  });
});
