import { count, eq } from 'drizzle-orm';
import { ZErrorBody } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, settings, users } from '../db/schema.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call } from '../test/auth.js';
import { issueSetupCode } from './first-admin.js';

let app: TestApp;
let code: string;
const STRONG = 'a long and unusual first password';
const setup = (body: Record<string, unknown>, ip = '203.0.113.7') =>
  call(app, 'POST', '/setup', { body, headers: { 'x-forwarded-for': ip } });

beforeAll(async () => {
  // A production-like start: no demo data, so no user at all.
  app = await startTestApp({ env: { TRUST_PROXY: '1' } });
  code = app.runtime.setupCode!;
});
afterAll(async () => {
  await app.stop();
});

describe('first run: the setup page creates the first administrator with the code from the log', () => {
  it('a start with no admin issues a one-time code, kept only as a hash', async () => {
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const [row] = await app.database.db.select().from(settings).where(eq(settings.key, 'setup.codes'));
    expect(JSON.stringify(row?.value)).not.toContain(code.replace(/-/g, ''));
    expect((await call(app, 'GET', '/setup')).body).toEqual({ needed: true });
  });

  it('a wrong code is 401, a weak password 400 naming the field; neither creates anyone', async () => {
    const wrong = await setup({ code: 'AAAA-BBBB-CCCC', email: 'root@example.com', name: 'Root', password: STRONG });
    expect(wrong.status).toBe(401);
    expect(ZErrorBody.parse(wrong.body).error.message).toContain('setup code is not valid');
    const weak = await setup({ code, email: 'root@example.com', name: 'Root', password: 'password123' });
    expect(weak.status).toBe(400);
    expect(JSON.stringify(weak.body)).toContain('password');
    const bad = await setup({ code, email: 'not an email', name: 'Root', password: STRONG });
    expect(bad.status).toBe(400);
    const [n] = await app.database.db.select({ n: count() }).from(users);
    expect(n!.n).toBe(0);
  });

  it('two people with the right code at once: one becomes admin and is signed in, the other gets 404', async () => {
    const [a, b] = await Promise.all([
      setup({ code: code.toLowerCase(), email: 'root@example.com', name: 'Root', password: STRONG }),
      setup({ code, email: 'other@example.com', name: 'Other', password: STRONG }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([201, 404]);
    const winner = a.status === 201 ? a : b;
    expect(winner.cookie).toContain('deskmate_session=');
    const me = await call<{ user: { role: string } }>(app, 'GET', '/auth/me', { cookie: winner.cookie });
    expect(me.body.user.role).toBe('admin');
    const admins = await app.database.db.select().from(users).where(eq(users.role, 'admin'));
    expect(admins).toHaveLength(1);
    const audit = await app.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'user.created'));
    expect(audit.map((r) => r.entityId)).toEqual([admins[0]!.id]);
    expect(JSON.stringify([a.body, b.body])).not.toContain(code);
  });

  it('once an admin exists the page and the code are gone, and a restart issues none', async () => {
    expect((await call(app, 'GET', '/setup')).body).toEqual({ needed: false });
    const again = await setup({ code, email: 'late@example.com', name: 'Late', password: STRONG });
    expect(again.status).toBe(404);
    expect(await app.database.db.select().from(settings).where(eq(settings.key, 'setup.codes'))).toEqual([]);
    expect(await issueSetupCode(app.database.db)).toBeNull();
  });
});

describe('setup codes are not guessed', () => {
  it('ten tries per address in 15 minutes, then 429 with Retry-After, even with the right code', async () => {
    const fresh = await startTestApp({ env: { TRUST_PROXY: '1' } });
    try {
      const right = fresh.runtime.setupCode!;
      const attempt = (c: string) =>
        call(fresh, 'POST', '/setup', {
          body: { code: c, email: 'root@example.com', name: 'Root', password: STRONG },
          headers: { 'x-forwarded-for': '198.51.100.9' },
        });
      for (let i = 0; i < 10; i++) expect((await attempt(`WRNG-${i}AAA-AAAA`)).status).toBe(401);
      const limited = await attempt(right);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      const [n] = await fresh.database.db.select({ n: count() }).from(users);
      expect(n!.n).toBe(0);
    } finally {
      await fresh.stop();
    }
  });
});
