import { execFileSync } from 'node:child_process';
import { and, desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../test/clock.js';
import { auditEvents, mailMessages, users } from '../db/schema.js';
import { apiRoutes } from '../http/api.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, loginAs, sessionCookie } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';
import { totpCode } from './totp.js';

const testDatabase = useTestDatabase();
let database: TestDatabase;
let app: TestApp;
const clock = new FakeClock('2026-03-02T10:00:00Z');

beforeAll(async () => {
  database = testDatabase.current;
  app = await startTestApp({ database, clock });
});
afterAll(async () => {
  await app.stop();
});

const latestMail = async (to: string) =>
  (
    await database.db
      .select()
      .from(mailMessages)
      .where(eq(mailMessages.to, to))
      .orderBy(desc(mailMessages.createdAt))
      .limit(1)
  )[0];
const codeIn = (text: string | undefined) => /\b(\d{6})\b/.exec(text ?? '')?.[1] ?? '';
const audits = async (userId: string, action: string) =>
  database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityId, userId), eq(auditEvents.action, action)));

async function enrolTotp(email: string): Promise<{ secret: string; recoveryCodes: string[]; cookie: string }> {
  const { cookie } = await loginAs(app, email);
  const setup = await call<{ secret: string; otpauthUrl: string; qrDataUrl: string }>(
    app,
    'POST',
    '/auth/2fa/totp/setup',
    { cookie },
  );
  expect(setup.status).toBe(200);
  const code = await totpCode(setup.body.secret, clock.now().getTime());
  const confirm = await call<{ recoveryCodes: string[] }>(app, 'POST', '/auth/2fa/totp/confirm', {
    cookie,
    body: { code },
  });
  expect(confirm.status).toBe(200);
  clock.advance(30_000); // the next sign-in uses a fresh time step
  return { secret: setup.body.secret, recoveryCodes: confirm.body.recoveryCodes, cookie: confirm.cookie! };
}

describe('TOTP enrolment and sign-in', () => {
  it('enrols with a secret, an otpauth URL and a QR code, and returns ten recovery codes', async () => {
    const user = await createUserWithPassword(database.db, { role: 'agent' });
    const { cookie } = await loginAs(app, user.email);
    const setup = await call<{ secret: string; otpauthUrl: string; qrDataUrl: string }>(
      app,
      'POST',
      '/auth/2fa/totp/setup',
      { cookie },
    );
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(setup.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Deskmate:.+secret=/);
    expect(setup.body.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    const wrong = await call(app, 'POST', '/auth/2fa/totp/confirm', { cookie, body: { code: '000000' } });
    expect(wrong.status).toBe(401);
    const code = await totpCode(setup.body.secret, clock.now().getTime());
    const confirm = await call<{ recoveryCodes: string[] }>(app, 'POST', '/auth/2fa/totp/confirm', {
      cookie,
      body: { code },
    });
    expect(confirm.status).toBe(200);
    expect(confirm.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirm.body.recoveryCodes).size).toBe(10);
    // The secret is stored encrypted, never in clear.
    const [row] = await database.db.select().from(users).where(eq(users.id, user.id));
    expect(row?.twoFactorMethod).toBe('totp');
    expect(row?.totpSecretEnc).toMatch(/^v1\./);
    expect(row?.totpSecretEnc).not.toContain(setup.body.secret);
    // Enabling 2FA revoked the old session; the confirming client got a new one.
    expect((await call(app, 'GET', '/auth/me', { cookie })).status).toBe(401);
    expect((await call(app, 'GET', '/auth/me', { cookie: confirm.cookie })).status).toBe(200);
    expect(await audits(user.id, 'auth.2fa_enrolled')).toHaveLength(1);
  });

  it('a 2FA user signs in in two steps; the half token can do nothing else', async () => {
    const user = await createUserWithPassword(database.db, { role: 'admin' });
    const { secret } = await enrolTotp(user.email);
    const first = await loginAs(app, user.email);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ twoFactorRequired: true, method: 'totp' });
    const half = first.cookie!;
    expect((await call(app, 'GET', '/auth/me', { cookie: half })).status).toBe(401);
    expect((await call(app, 'GET', '/users', { cookie: half })).status).toBe(401);
    const verified = await call(app, 'POST', '/auth/2fa/verify', {
      cookie: half,
      body: { code: await totpCode(secret, clock.now().getTime()) },
    });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ user: { id: user.id } });
    expect((await call(app, 'GET', '/users', { cookie: verified.cookie })).status).toBe(200);
  });

  it('refuses a half token on every route but verify and resend (walked from the route table)', async () => {
    const user = await createUserWithPassword(database.db, { role: 'admin' });
    await enrolTotp(user.email);
    const half = (await loginAs(app, user.email)).cookie!;
    const allowed = new Set(['post /auth/2fa/verify', 'post /auth/2fa/resend']);
    const checked: string[] = [];
    for (const route of apiRoutes) {
      const key = `${route.method} ${route.path}`;
      if (allowed.has(key) || route.access === 'public') continue;
      const path = route.path.replace(/:id\b/g, user.id).replace(/:key\b/g, 'IT-1');
      const res = await call(app, route.method.toUpperCase(), path, {
        cookie: half,
        body: route.method === 'get' || route.method === 'delete' ? undefined : {},
      });
      expect([401, 403], `${key} answered ${res.status}`).toContain(res.status);
      checked.push(key);
    }
    expect(checked.length).toBeGreaterThan(15);
  });

  it('a code cannot be used twice (replay), and a code two steps old is refused', async () => {
    const user = await createUserWithPassword(database.db);
    const { secret } = await enrolTotp(user.email);
    const code = await totpCode(secret, clock.now().getTime());
    const a = (await loginAs(app, user.email)).cookie!;
    expect((await call(app, 'POST', '/auth/2fa/verify', { cookie: a, body: { code } })).status).toBe(200);
    const b = (await loginAs(app, user.email)).cookie!;
    expect((await call(app, 'POST', '/auth/2fa/verify', { cookie: b, body: { code } })).status).toBe(401);
    clock.advance(90_000);
    const old = await totpCode(secret, clock.now().getTime() - 60_000);
    expect((await call(app, 'POST', '/auth/2fa/verify', { cookie: b, body: { code: old } })).status).toBe(401);
    expect(
      (
        await call(app, 'POST', '/auth/2fa/verify', {
          cookie: b,
          body: { code: await totpCode(secret, clock.now().getTime()) },
        })
      ).status,
    ).toBe(200);
  });

  it('a recovery code works once, and is audited', async () => {
    const user = await createUserWithPassword(database.db);
    const { recoveryCodes } = await enrolTotp(user.email);
    const a = (await loginAs(app, user.email)).cookie!;
    expect(
      (await call(app, 'POST', '/auth/2fa/verify', { cookie: a, body: { code: recoveryCodes[3]!.toUpperCase() } }))
        .status,
    ).toBe(200);
    const b = (await loginAs(app, user.email)).cookie!;
    expect((await call(app, 'POST', '/auth/2fa/verify', { cookie: b, body: { code: recoveryCodes[3]! } })).status).toBe(
      401,
    );
    expect((await call(app, 'POST', '/auth/2fa/verify', { cookie: b, body: { code: recoveryCodes[4]! } })).status).toBe(
      200,
    );
    expect(await audits(user.id, 'auth.recovery_code_used')).toHaveLength(2);
  });

  it('allows 5 verify attempts per half token; the 6th gets 429', async () => {
    const user = await createUserWithPassword(database.db);
    const { secret } = await enrolTotp(user.email);
    const half = (await loginAs(app, user.email)).cookie!;
    for (let i = 0; i < 5; i++)
      expect((await call(app, 'POST', '/auth/2fa/verify', { cookie: half, body: { code: '111111' } })).status).toBe(
        401,
      );
    const sixth = await call(app, 'POST', '/auth/2fa/verify', {
      cookie: half,
      body: { code: await totpCode(secret, clock.now().getTime()) },
    });
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get('retry-after')).toBeTruthy();
  });

  it('disabling needs a current code, revokes tokens and is audited', async () => {
    const user = await createUserWithPassword(database.db);
    const { secret, cookie } = await enrolTotp(user.email);
    expect((await call(app, 'POST', '/auth/2fa/disable', { cookie, body: { code: '123456' } })).status).toBe(401);
    const off = await call(app, 'POST', '/auth/2fa/disable', {
      cookie,
      body: { code: await totpCode(secret, clock.now().getTime()) },
    });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ user: { twoFactorMethod: 'none' } });
    expect((await call(app, 'GET', '/auth/me', { cookie })).status).toBe(401);
    expect((await loginAs(app, user.email)).body).toMatchObject({ user: { id: user.id } });
    expect(await audits(user.id, 'auth.2fa_disabled')).toHaveLength(1);
  });
});

describe('email one-time codes', () => {
  async function emailUser() {
    const user = await createUserWithPassword(database.db);
    const { cookie } = await loginAs(app, user.email);
    const enabled = await call<{ recoveryCodes: string[] }>(app, 'POST', '/auth/2fa/email/enable', { cookie });
    expect(enabled.status).toBe(200);
    expect(enabled.body.recoveryCodes).toHaveLength(10);
    return user;
  }

  it('mails a 6-digit code at sign-in that works once; it is stored only hashed', async () => {
    const user = await emailUser();
    const first = await loginAs(app, user.email);
    expect(first.body).toEqual({ twoFactorRequired: true, method: 'email' });
    const mail = await latestMail(user.email);
    const code = codeIn(mail?.text);
    expect(code).toMatch(/^\d{6}$/);
    const ok = await call(app, 'POST', '/auth/2fa/verify', { cookie: first.cookie, body: { code } });
    expect(ok.status).toBe(200);
    const again = await loginAs(app, user.email);
    expect((await call(app, 'POST', '/auth/2fa/verify', { cookie: again.cookie, body: { code } })).status).toBe(401);
    const rows = await database.db.execute<{ token_hash: string }>(
      sql`SELECT token_hash FROM auth_tokens WHERE user_id = ${user.id} AND purpose = 'email_otp'`,
    );
    for (const r of rows.rows) expect(r.token_hash).not.toContain(code);
  });

  it('expires after 10 minutes', async () => {
    const user = await emailUser();
    const half = (await loginAs(app, user.email)).cookie!;
    const code = codeIn((await latestMail(user.email))?.text);
    clock.advance(10 * 60_000 + 1000);
    expect((await call(app, 'POST', '/auth/2fa/verify', { cookie: half, body: { code } })).status).toBe(401);
  });

  it('an emailed code dies after 5 wrong attempts', async () => {
    const user = await emailUser();
    const half = (await loginAs(app, user.email)).cookie!;
    const code = codeIn((await latestMail(user.email))?.text);
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 0; i < 5; i++)
      expect((await call(app, 'POST', '/auth/2fa/verify', { cookie: half, body: { code: wrong } })).status).toBe(401);
    // The half token's own limit (5 tries) is spent too.
    expect((await call(app, 'POST', '/auth/2fa/verify', { cookie: half, body: { code } })).status).toBe(429);
    const [otp] = await database.db
      .execute<{ attempts: number; used_at: Date | null }>(
        sql`SELECT attempts, used_at FROM auth_tokens WHERE user_id = ${user.id} AND purpose = 'email_otp' ORDER BY created_at DESC LIMIT 1`,
      )
      .then((r) => r.rows);
    expect(otp?.attempts).toBe(5);
    expect(otp?.used_at).not.toBeNull();
  });

  it('resend sends a new code, at most 3 per 10 minutes', async () => {
    const user = await emailUser();
    const half = (await loginAs(app, user.email)).cookie!;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await call(app, 'POST', '/auth/2fa/resend', { cookie: half })).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
    const code = codeIn((await latestMail(user.email))?.text);
    expect((await call(app, 'POST', '/auth/2fa/verify', { cookie: half, body: { code } })).status).toBe(200);
  });
});

describe('second-factor guesses are limited per user, not per half token', () => {
  /** A 6-digit code that is not the TOTP of the current, previous or next time step. */
  async function wrongTotp(secret: string): Promise<string> {
    const now = clock.now().getTime();
    const near = new Set(await Promise.all([-30_000, 0, 30_000].map((d) => totpCode(secret, now + d))));
    for (let i = 0; ; i++) if (!near.has(String(i).padStart(6, '0'))) return String(i).padStart(6, '0');
  }
  const mailsOfKind = (to: string, kind: string) =>
    database.db
      .select()
      .from(mailMessages)
      .where(and(eq(mailMessages.to, to), eq(mailMessages.kind, kind)));
  const verify = (cookie: string | undefined, code: string) =>
    call<{ error?: { code: string } }>(app, 'POST', '/auth/2fa/verify', { cookie, body: { code } });

  it('after 10 failed guesses in 15 minutes (TOTP and recovery codes, over several half tokens) verification answers 429 until the window passes; the password step still works; one audit row and one mail', async () => {
    const user = await createUserWithPassword(database.db);
    const { secret, recoveryCodes } = await enrolTotp(user.email);
    const wrong = await wrongTotp(secret);
    // Ten wrong guesses, at most four per half token (each half token's own limit is five).
    const guesses = [wrong, wrong, wrong, 'zzzzz-zzzzz', wrong, wrong, wrong, wrong, 'yyyyy-yyyyy', wrong];
    let half: string | undefined;
    for (const [i, code] of guesses.entries()) {
      if (i % 4 === 0) half = (await loginAs(app, user.email)).cookie;
      expect((await verify(half, code)).status, `guess ${i + 1}`).toBe(401);
    }
    // The password step still answers as usual…
    const again = await loginAs(app, user.email);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ twoFactorRequired: true, method: 'totp' });
    // …but no second factor is checked now, not even a right one, on a fresh half token.
    const right = await verify(again.cookie, await totpCode(secret, clock.now().getTime()));
    expect(right.status).toBe(429);
    expect(right.body.error?.code).toBe('rate_limited');
    const retryAfter = Number(right.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect((await verify(again.cookie, recoveryCodes[0]!)).status).toBe(429);
    const later = (await loginAs(app, user.email)).cookie;
    expect((await verify(later, wrong)).status).toBe(429);

    expect(await audits(user.id, 'auth.2fa_failed')).toHaveLength(10);
    const locked = await audits(user.id, 'auth.2fa_locked');
    expect(locked).toHaveLength(1);
    expect(locked[0]?.after).toMatchObject({ failures: 10 });
    // One mail per lock-out, not per refused guess, telling the person what to do.
    const warnings = await mailsOfKind(user.email, 'second_factor_locked');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.text).toMatch(/change your password/i);
    expect(warnings[0]?.text).toContain(`${app.runtime.services.publicUrl()}/forgot-password`);
    expect(warnings[0]?.text).not.toContain(wrong);

    // The window passes: the right code works again (and the refused recovery code was not spent).
    clock.advance(15 * 60_000);
    const fresh = (await loginAs(app, user.email)).cookie;
    expect((await verify(fresh, await totpCode(secret, clock.now().getTime()))).status).toBe(200);
    const other = (await loginAs(app, user.email)).cookie;
    expect((await verify(other, recoveryCodes[0]!)).status).toBe(200);
  });

  it('signing in again reuses the still-valid emailed code instead of sending one more; sign-in and resend share one send limit', async () => {
    const user = await createUserWithPassword(database.db);
    const { cookie } = await loginAs(app, user.email);
    expect((await call(app, 'POST', '/auth/2fa/email/enable', { cookie })).status).toBe(200);
    const codes = async () =>
      (await mailsOfKind(user.email, 'email_otp'))
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
        .map((m) => codeIn(m.text));

    await loginAs(app, user.email);
    expect(await codes()).toHaveLength(1);
    const [first] = await codes();
    await loginAs(app, user.email);
    const third = await loginAs(app, user.email);
    expect(third.body).toEqual({ twoFactorRequired: true, method: 'email' });
    expect(await codes()).toHaveLength(1);
    // The code mailed at the first sign-in finishes the third one.
    expect((await verify(third.cookie, first!)).status).toBe(200);

    // That code is used: the next sign-in sends a new one, then two resends fill the limit.
    const fourth = await loginAs(app, user.email);
    expect(await codes()).toHaveLength(2);
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await call(app, 'POST', '/auth/2fa/resend', { cookie: fourth.cookie })).status);
    expect(statuses).toEqual([202, 202, 429]);
    expect(await codes()).toHaveLength(4);

    // The newest code dies after five wrong tries; a sign-in now gets its half token but no mail.
    const newest = (await codes())[3]!;
    const wrong = newest === '000000' ? '000001' : '000000';
    const fifth = await loginAs(app, user.email);
    for (let i = 0; i < 5; i++) expect((await verify(fifth.cookie, wrong)).status).toBe(401);
    const sixth = await loginAs(app, user.email);
    expect(sixth.status).toBe(200);
    expect(sixth.body).toEqual({ twoFactorRequired: true, method: 'email' });
    expect(await codes()).toHaveLength(4);

    // Once the sends age out of the window, a sign-in sends a code again.
    clock.advance(10 * 60_000 + 1000);
    const seventh = await loginAs(app, user.email);
    const all = await codes();
    expect(all).toHaveLength(5);
    expect((await verify(seventh.cookie, all[4]!)).status).toBe(200);
  });
});

describe('admins can require 2FA', () => {
  it('an agent without 2FA gets an enrolment-only half token, enrols, and is then signed in', async () => {
    const admin = await createUserWithPassword(database.db, { role: 'admin' });
    const agent = await createUserWithPassword(database.db, { role: 'agent' });
    const requester = await createUserWithPassword(database.db, { role: 'requester' });
    const put = await call(app, 'PUT', '/admin/security', {
      cookie: sessionCookie(app, admin),
      body: { require2faRoles: ['agent'] },
    });
    expect(put.status).toBe(200);
    try {
      expect((await loginAs(app, requester.email)).body).toMatchObject({ user: { id: requester.id } });
      const first = await loginAs(app, agent.email);
      expect(first.body).toEqual({ twoFactorRequired: true, method: 'enroll' });
      const half = first.cookie!;
      expect((await call(app, 'GET', '/auth/me', { cookie: half })).status).toBe(401);
      expect((await call(app, 'POST', '/auth/2fa/verify', { cookie: half, body: { code: '123456' } })).status).toBe(
        403,
      );
      const setup = await call<{ secret: string }>(app, 'POST', '/auth/2fa/totp/setup', { cookie: half });
      expect(setup.status).toBe(200);
      const confirm = await call(app, 'POST', '/auth/2fa/totp/confirm', {
        cookie: half,
        body: { code: await totpCode(setup.body.secret, clock.now().getTime()) },
      });
      expect(confirm.status).toBe(200);
      expect((await call(app, 'GET', '/auth/me', { cookie: confirm.cookie })).body).toMatchObject({
        user: { twoFactorMethod: 'totp' },
      });
      // And may not turn it off while it is required.
      clock.advance(30_000);
      const [row] = await database.db.select().from(users).where(eq(users.id, agent.id));
      const disable = await call(app, 'POST', '/auth/2fa/disable', {
        cookie: sessionCookie(app, row!),
        body: { code: '123456' },
      });
      expect(disable.status).toBe(409);
    } finally {
      await call(app, 'PUT', '/admin/security', { cookie: sessionCookie(app, admin), body: { require2faRoles: [] } });
    }
  });
});

let oathtool: string | null = null;
try {
  oathtool = execFileSync('sh', ['-c', 'command -v oathtool']).toString().trim() || null;
} catch {
  oathtool = null;
}

describe.runIf(oathtool)('with codes from an independent generator (oathtool)', () => {
  it('accepts an oathtool code at confirm and at sign-in', async () => {
    const oath = (secret: string) =>
      execFileSync(oathtool!, [
        '--totp',
        '-b',
        '-N',
        clock
          .now()
          .toISOString()
          .replace('T', ' ')
          .replace(/\.\d+Z$/, ' UTC'),
        secret,
      ])
        .toString()
        .trim();
    const user = await createUserWithPassword(database.db);
    const { cookie } = await loginAs(app, user.email);
    const setup = await call<{ secret: string }>(app, 'POST', '/auth/2fa/totp/setup', { cookie });
    const confirm = await call(app, 'POST', '/auth/2fa/totp/confirm', {
      cookie,
      body: { code: oath(setup.body.secret) },
    });
    expect(confirm.status).toBe(200);
    clock.advance(30_000);
    const half = (await loginAs(app, user.email)).cookie!;
    expect(
      (await call(app, 'POST', '/auth/2fa/verify', { cookie: half, body: { code: oath(setup.body.secret) } })).status,
    ).toBe(200);
  });
});
