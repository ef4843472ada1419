import jwt from 'jsonwebtoken';
import { and, desc, eq } from 'drizzle-orm';
import { ZErrorBody, ZUserSessionList, type TUserSession } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../test/clock.js';
import { auditEvents, mailMessages, userSessions } from '../db/schema.js';
import { purgeExpired } from '../jobs/definitions/purge-expired.js';
import { silentLogger } from '../logger.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie, tokenOf, type ApiResponse } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';
import { totpCode } from './totp.js';

const testDatabase = useTestDatabase();
let database: TestDatabase;
let app: TestApp;
let second: TestApp;
const clock = new FakeClock('2026-03-02T10:00:00Z');

beforeAll(async () => {
  database = testDatabase.current;
  app = await startTestApp({ database, clock });
  // A second instance on the same database: a sign-out must hold on both.
  second = await startTestApp({ database, clock });
});
afterAll(async () => {
  await second.stop();
  await app.stop();
});

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

const signIn = async (target: TestApp, email: string, userAgent = FIREFOX): Promise<string> => {
  const res = await call(target, 'POST', '/auth/login', {
    body: { email, password: 'correct horse battery staple' },
    headers: { 'user-agent': userAgent },
  });
  expect(res.status).toBe(200);
  return res.cookie!;
};
const sidOf = (cookie: string | undefined): string => (jwt.decode(tokenOf(cookie)) as { sid: string }).sid;
const me = async (target: TestApp, auth: { cookie?: string; bearer?: string }) =>
  (await call(target, 'GET', '/auth/me', auth)).status;
const sessions = async (cookie: string): Promise<TUserSession[]> => {
  const res = await call(app, 'GET', '/auth/sessions', { cookie });
  expect(res.status).toBe(200);
  return ZUserSessionList.parse(res.body).items;
};
const sessionRow = async (id: string) =>
  (await database.db.select().from(userSessions).where(eq(userSessions.id, id)))[0];
const audits = async (userId: string, action: string) =>
  database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityId, userId), eq(auditEvents.action, action)));

describe('plain logout ends that session', () => {
  it('after POST /auth/logout the same token is refused as a cookie and as a Bearer, on every instance', async () => {
    const user = await createUserWithPassword(database.db);
    const cookie = await signIn(app, user.email);
    const token = tokenOf(cookie);
    expect(await me(second, { bearer: token })).toBe(200);
    const out = await call(app, 'POST', '/auth/logout', { cookie });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()[0]).toMatch(/deskmate_session=;/);
    for (const target of [app, second]) {
      expect(await me(target, { cookie })).toBe(401);
      expect(await me(target, { bearer: token })).toBe(401);
    }
    expect((await sessionRow(sidOf(cookie)))?.revokedAt).toEqual(clock.now());
    const [audit] = await audits(user.id, 'auth.logout');
    expect(audit).toMatchObject({ actorId: user.id, after: { sessionId: sidOf(cookie) } });
  });

  it('a Bearer client that signs out ends its own token', async () => {
    const user = await createUserWithPassword(database.db);
    const token = tokenOf(await signIn(app, user.email));
    expect((await call(second, 'POST', '/auth/logout', { bearer: token })).status).toBe(204);
    expect(await me(app, { bearer: token })).toBe(401);
  });

  it('logging out one session leaves another session of the same user working', async () => {
    const user = await createUserWithPassword(database.db);
    const laptop = await signIn(app, user.email, FIREFOX);
    const phone = await signIn(second, user.email, IPHONE);
    expect(sidOf(laptop)).not.toBe(sidOf(phone));
    expect((await call(app, 'POST', '/auth/logout', { cookie: laptop })).status).toBe(204);
    expect(await me(second, { cookie: laptop })).toBe(401);
    expect(await me(second, { cookie: phone })).toBe(200);
    expect(await me(app, { bearer: tokenOf(phone) })).toBe(200);
  });

  it('"sign out everywhere" ends every session', async () => {
    const user = await createUserWithPassword(database.db);
    const a = await signIn(app, user.email);
    const b = await signIn(second, user.email, IPHONE);
    expect((await call(second, 'POST', '/auth/logout-all', { cookie: b })).status).toBe(204);
    for (const cookie of [a, b]) {
      expect(await me(app, { cookie })).toBe(401);
      expect(await me(second, { bearer: tokenOf(cookie) })).toBe(401);
    }
    const again = await signIn(app, user.email);
    expect((await sessions(again)).map((s) => s.id)).toEqual([sidOf(again)]);
  });

  it('a password change keeps this device’s session (same sid) and ends the others', async () => {
    const user = await createUserWithPassword(database.db);
    const other = await signIn(second, user.email, IPHONE);
    const mine = await signIn(app, user.email);
    const res = await call(app, 'POST', '/auth/password', {
      cookie: mine,
      body: { currentPassword: 'correct horse battery staple', newPassword: 'a much better passphrase 42' },
    });
    expect(res.status).toBe(200);
    expect(sidOf(res.cookie)).toBe(sidOf(mine));
    expect(await me(app, { cookie: mine })).toBe(401); // the old token carries the old token version
    expect(await me(app, { cookie: other })).toBe(401);
    expect((await sessions(res.cookie!)).map((s) => s.id)).toEqual([sidOf(mine)]);
  });
});

describe('listing and ending my sessions', () => {
  it('lists only my own sessions in force, with device, IP, last seen and this device marked', async () => {
    const user = await createUserWithPassword(database.db);
    const stranger = await createUserWithPassword(database.db);
    await signIn(app, stranger.email);
    const phone = await signIn(second, user.email, IPHONE);
    clock.advance(5_000);
    const laptop = await signIn(app, user.email, FIREFOX);
    const ended = await signIn(app, user.email, FIREFOX);
    await call(app, 'POST', '/auth/logout', { cookie: ended });
    const list = await sessions(laptop);
    expect(list).toEqual([
      {
        id: sidOf(laptop),
        device: 'Firefox on Windows',
        ip: expect.stringMatching(/127\.0\.0\.1/),
        createdAt: clock.now().toISOString(),
        lastSeenAt: clock.now().toISOString(),
        expiresAt: new Date(clock.now().getTime() + 30 * 60_000).toISOString(),
        current: true,
      },
      expect.objectContaining({ id: sidOf(phone), device: 'Safari on iPhone', current: false }),
    ]);
    // From the phone, the phone is this device.
    expect((await sessions(phone)).map((s) => [s.id, s.current])).toEqual([
      [sidOf(laptop), false],
      [sidOf(phone), true],
    ]);
  });

  it('signs out one of my sessions by id: that one ends, the others and the cookie stay', async () => {
    const user = await createUserWithPassword(database.db);
    const phone = await signIn(second, user.email, IPHONE);
    const laptop = await signIn(app, user.email);
    const res = await call(app, 'DELETE', `/auth/sessions/${sidOf(phone)}`, { cookie: laptop });
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await me(second, { cookie: phone })).toBe(401);
    expect(await me(app, { cookie: laptop })).toBe(200);
    expect((await sessions(laptop)).map((s) => s.id)).toEqual([sidOf(laptop)]);
    const [audit] = await audits(user.id, 'auth.session_revoked');
    expect(audit).toMatchObject({ actorId: user.id, after: { sessionId: sidOf(phone) } });
    // Ended already: not found the second time.
    expect((await call(app, 'DELETE', `/auth/sessions/${sidOf(phone)}`, { cookie: laptop })).status).toBe(404);
  });

  it('signing out this device from the list also clears its cookie', async () => {
    const user = await createUserWithPassword(database.db);
    const laptop = await signIn(app, user.email);
    const res = await call(app, 'DELETE', `/auth/sessions/${sidOf(laptop)}`, { cookie: laptop });
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie()[0]).toMatch(/deskmate_session=;/);
    expect(await me(app, { cookie: laptop })).toBe(401);
  });

  it('revoking another user’s session answers 404 and changes nothing', async () => {
    const mallory = await createUserWithPassword(database.db);
    const victim = await createUserWithPassword(database.db, { role: 'admin' });
    const victimCookie = await signIn(app, victim.email);
    const malloryCookie = await signIn(app, mallory.email);
    const before = await sessionRow(sidOf(victimCookie));
    const res = await call(app, 'DELETE', `/auth/sessions/${sidOf(victimCookie)}`, { cookie: malloryCookie });
    expect(res.status).toBe(404);
    expect(ZErrorBody.parse(res.body).error).toMatchObject({ code: 'not_found', message: 'Session not found' });
    // An id that names no session at all gets the same answer.
    const unknown = await call(app, 'DELETE', '/auth/sessions/3f1c9a9e-4b7d-4c8e-9f00-000000000001', {
      cookie: malloryCookie,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(res.body);
    expect(await sessionRow(sidOf(victimCookie))).toEqual(before);
    expect(await me(second, { cookie: victimCookie })).toBe(200);
    expect(await audits(mallory.id, 'auth.session_revoked')).toEqual([]);
    expect(await audits(victim.id, 'auth.session_revoked')).toEqual([]);
    // Nor does an admin's list show anyone else's sessions.
    expect((await sessions(victimCookie)).map((s) => s.id)).toEqual([sidOf(victimCookie)]);
  });

  it('refuses a malformed session id with 400, and the list and revocation without a session with 401', async () => {
    const user = await createUserWithPassword(database.db);
    const cookie = await signIn(app, user.email);
    expect((await call(app, 'DELETE', '/auth/sessions/not-an-id', { cookie })).status).toBe(400);
    expect((await call(app, 'GET', '/auth/sessions')).status).toBe(401);
    expect((await call(app, 'DELETE', `/auth/sessions/${sidOf(cookie)}`)).status).toBe(401);
  });
});

describe('keeping a session', () => {
  it('moves last seen at most once a minute', async () => {
    const user = await createUserWithPassword(database.db);
    const cookie = await signIn(app, user.email);
    const started = clock.now();
    clock.advance(30_000);
    expect(await me(app, { bearer: tokenOf(cookie) })).toBe(200);
    expect((await sessionRow(sidOf(cookie)))?.lastSeenAt).toEqual(started);
    clock.advance(31_000);
    expect(await me(second, { bearer: tokenOf(cookie) })).toBe(200);
    const seen = clock.now();
    expect((await sessionRow(sidOf(cookie)))?.lastSeenAt).toEqual(seen);
    clock.advance(59_000);
    expect(await me(app, { bearer: tokenOf(cookie) })).toBe(200);
    expect((await sessionRow(sidOf(cookie)))?.lastSeenAt).toEqual(seen);
  });

  it('renews a sliding cookie with the same sid and moves the session’s expiry; logout still ends it', async () => {
    const user = await createUserWithPassword(database.db);
    const cookie = await signIn(app, user.email);
    clock.advance(17 * 60_000); // past half of the 30 minutes
    const renewed = await call(app, 'GET', '/auth/me', { cookie });
    expect(renewed.cookie).toMatch(/deskmate_session=/);
    expect(sidOf(renewed.cookie)).toBe(sidOf(cookie));
    expect((await sessionRow(sidOf(cookie)))?.expiresAt).toEqual(new Date(clock.now().getTime() + 30 * 60_000));
    clock.advance(20 * 60_000); // the first token expired; the session goes on in the renewed one
    expect(await me(app, { cookie: renewed.cookie })).toBe(200);
    expect((await call(app, 'POST', '/auth/logout', { cookie: renewed.cookie })).status).toBe(204);
    expect(await me(second, { cookie: renewed.cookie })).toBe(401);
  });

  it('refuses a validly signed token whose session row does not exist', async () => {
    const user = await createUserWithPassword(database.db);
    const cookie = await signIn(app, user.email);
    const claims = jwt.decode(tokenOf(cookie)) as Record<string, unknown>;
    const secret = app.runtime.services.secrets.jwtSecret;
    const sign = (payload: object) => jwt.sign(payload, secret, { algorithm: 'HS256' });
    expect(await me(app, { bearer: sign({ ...claims, sid: '3f1c9a9e-4b7d-4c8e-9f00-000000000002' }) })).toBe(401);
    const { sid: _sid, ...withoutSid } = claims;
    expect(await me(app, { bearer: sign(withoutSid) })).toBe(401);
    // Another user's session id in my token does not make it mine.
    const other = await createUserWithPassword(database.db);
    const theirs = sidOf(await signIn(app, other.email));
    expect(await me(app, { bearer: sign({ ...claims, sid: theirs }) })).toBe(401);
  });
});

describe('every way of signing in opens a session', () => {
  const rowsOf = async (userId: string) =>
    database.db
      .select()
      .from(userSessions)
      .where(eq(userSessions.userId, userId))
      .orderBy(desc(userSessions.createdAt));

  it('finishing two-factor sign-in (TOTP) opens one session row, with the device', async () => {
    const user = await createUserWithPassword(database.db);
    const enrol = await signIn(app, user.email);
    const setup = await call<{ secret: string }>(app, 'POST', '/auth/2fa/totp/setup', { cookie: enrol });
    const confirm = await call(app, 'POST', '/auth/2fa/totp/confirm', {
      cookie: enrol,
      body: { code: await totpCode(setup.body.secret, clock.now().getTime()) },
    });
    expect(confirm.status).toBe(200);
    expect(sidOf(confirm.cookie)).toBe(sidOf(enrol)); // 2FA turned on from this session keeps it
    clock.advance(30_000);
    const half = await call(app, 'POST', '/auth/login', {
      body: { email: user.email, password: 'correct horse battery staple' },
      headers: { 'user-agent': IPHONE },
    });
    expect(half.body).toEqual({ twoFactorRequired: true, method: 'totp' });
    const before = (await rowsOf(user.id)).length;
    const done = await call(app, 'POST', '/auth/2fa/verify', {
      cookie: half.cookie,
      body: { code: await totpCode(setup.body.secret, clock.now().getTime()) },
      headers: { 'user-agent': IPHONE },
    });
    expect(done.status).toBe(200);
    const rows = await rowsOf(user.id);
    expect(rows).toHaveLength(before + 1);
    expect(rows.find((r) => r.id === sidOf(done.cookie))).toMatchObject({ userAgent: IPHONE });
    expect(await me(second, { cookie: done.cookie })).toBe(200);
    expect((await call(app, 'POST', '/auth/logout', { cookie: done.cookie })).status).toBe(204);
    expect(await me(second, { cookie: done.cookie })).toBe(401);
  });

  it('accepting an invitation opens a session row', async () => {
    const admin = await createUserWithPassword(database.db, { role: 'admin' });
    const email = `invitee-${Date.now()}@example.test`;
    const invited = await call<{ user: { id: string } }>(app, 'POST', '/users/invite', {
      cookie: sessionCookie(app, admin),
      body: { email, name: 'Ivy Invitee', role: 'agent' },
    });
    expect(invited.status).toBe(201);
    const [mail] = await database.db.select().from(mailMessages).where(eq(mailMessages.to, email));
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail?.text ?? '')?.[1] ?? '';
    const accepted: ApiResponse = await call(app, 'POST', '/auth/invite/accept', {
      body: { token, password: 'welcome aboard 2026' },
    });
    expect(accepted.status).toBe(200);
    const rows = await rowsOf(invited.body.user.id);
    expect(rows.map((r) => r.id)).toEqual([sidOf(accepted.cookie)]);
    expect((await call(app, 'POST', '/auth/logout', { cookie: accepted.cookie })).status).toBe(204);
    expect(await me(app, { cookie: accepted.cookie })).toBe(401);
  });
});

describe('maintenance.purge-expired', () => {
  it('deletes sessions a day after they expired or were signed out, and at once when of an older token version', async () => {
    const t0 = clock.now().getTime();
    const user = await createUserWithPassword(database.db);
    const live = sidOf(await signIn(app, user.email)); // expires at t0 + 30 min
    const loggedOut = await signIn(app, user.email);
    await call(app, 'POST', '/auth/logout', { cookie: loggedOut }); // revoked at t0
    const other = await createUserWithPassword(database.db);
    const everywhere = await signIn(app, other.email);
    await call(app, 'POST', '/auth/logout-all', { cookie: everywhere });
    const run = (atMs: number) =>
      purgeExpired.handler(purgeExpired.payload.parse({}), {
        db: database.db,
        clock: new FakeClock(new Date(atMs)),
        logger: silentLogger(),
        config: app.config,
        attempt: 1,
        senders: [],
        inbound: [],
      });
    const ids = async () => (await database.db.select({ id: userSessions.id }).from(userSessions)).map((r) => r.id);
    const HOUR = 3_600_000;
    await run(t0);
    expect(await ids()).toEqual(expect.arrayContaining([live, sidOf(loggedOut)]));
    expect(await ids()).not.toContain(sidOf(everywhere));
    await run(t0 + 23 * HOUR);
    expect(await ids()).toEqual(expect.arrayContaining([live, sidOf(loggedOut)]));
    await run(t0 + 24 * HOUR + 15 * 60_000);
    expect(await ids()).not.toContain(sidOf(loggedOut));
    expect(await ids()).toContain(live);
    await run(t0 + 24 * HOUR + 31 * 60_000);
    expect(await ids()).not.toContain(live);
  });
});
