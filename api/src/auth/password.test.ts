import { and, desc, eq, sql } from 'drizzle-orm';
import { ZErrorBody } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../test/clock.js';
import { agendaJobs, auditEvents, mailMessages, users } from '../db/schema.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, loginAs, sessionCookie, TEST_PASSWORD } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';
import { passwordProblem } from './password-policy.js';

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

const mailsTo = (to: string) =>
  database.db.select().from(mailMessages).where(eq(mailMessages.to, to)).orderBy(desc(mailMessages.createdAt));
const tokenIn = (text: string | undefined) => /token=([A-Za-z0-9_-]+)/.exec(text ?? '')?.[1] ?? '';

/** The password-reset jobs queued for an address (the work after the answer). */
const resetJobs = (email: string) =>
  database.db
    .select()
    .from(agendaJobs)
    .where(and(eq(agendaJobs.name, 'auth.password-reset-mail'), sql`${agendaJobs.data}->>'email' = ${email}`));

/** Wait until every reset job for the address has run to its end (done or dead). */
async function resetJobsRun(email: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const jobs = await resetJobs(email);
    if (jobs.length > 0 && jobs.every((j) => j.lastFinishedAt && !j.nextRunAt)) return;
    if (Date.now() > deadline) throw new Error(`the reset jobs for ${email} did not run in time`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Ask for a reset link and wait for the work after the answer. */
async function forgot(email: string) {
  const res = await call(app, 'POST', '/auth/password/forgot', { body: { email } });
  await resetJobsRun(email);
  return res;
}

describe('password policy', () => {
  it.each([
    ['short1234', /at least 10 characters/],
    ['password123', /most common passwords/],
    ['qwertyuiop', /most common passwords/],
    ['aaaaaaaaaaaa', /one character repeated/],
  ])('refuses %s', (password, message) => {
    expect(passwordProblem(password)).toMatch(message);
  });

  it('refuses a password that contains the email name, and accepts a good passphrase', () => {
    expect(passwordProblem('alice.smith-2026!', { email: 'alice.smith@example.test' })).toMatch(/email/);
    expect(passwordProblem('purple tractor umbrella')).toBeNull();
  });

  it('is enforced on change with a clear 400', async () => {
    const user = await createUserWithPassword(database.db);
    const res = await call(app, 'POST', '/auth/password', {
      cookie: sessionCookie(app, user),
      body: { currentPassword: TEST_PASSWORD, newPassword: 'password1' },
    });
    expect(res.status).toBe(400);
    expect(ZErrorBody.parse(res.body).error.message).toMatch(/newPassword/);
  });

  it('a wrong current password is refused and nothing changes', async () => {
    const user = await createUserWithPassword(database.db);
    const res = await call(app, 'POST', '/auth/password', {
      cookie: sessionCookie(app, user),
      body: { currentPassword: 'nope nope nope', newPassword: 'purple tractor umbrella' },
    });
    expect(res.status).toBe(403);
    expect((await loginAs(app, user.email)).status).toBe(200);
  });
});

describe('password reset', () => {
  it('always answers 202 with the same body, mailing a link only to a real account', async () => {
    const user = await createUserWithPassword(database.db);
    const known = await call(app, 'POST', '/auth/password/forgot', { body: { email: user.email } });
    const unknown = await call(app, 'POST', '/auth/password/forgot', { body: { email: 'ghost@example.test' } });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(known.body);
    await resetJobsRun(user.email);
    expect(await mailsTo(user.email)).toHaveLength(1);
    expect(await mailsTo('ghost@example.test')).toHaveLength(0);
  });

  it('answers a known and an unknown address alike and does the lookup after answering, in one job: a mail for the known one only, and no token in the job', async () => {
    const user = await createUserWithPassword(database.db);
    const ghost = `ghost-${user.id}@example.test`;
    const known = await call(app, 'POST', '/auth/password/forgot', { body: { email: user.email.toUpperCase() } });
    const unknown = await call(app, 'POST', '/auth/password/forgot', { body: { email: ghost } });
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(unknown.body).toEqual(known.body);
    expect([...known.headers.keys()].sort()).toEqual([...unknown.headers.keys()].sort());
    // Both requests queued the same job, whose payload has the same shape either way.
    const [knownJob] = await resetJobs(user.email);
    const [unknownJob] = await resetJobs(ghost);
    expect(knownJob).toBeDefined();
    expect(unknownJob).toBeDefined();
    expect(Object.keys(knownJob!.data as object).sort()).toEqual(Object.keys(unknownJob!.data as object).sort());

    await resetJobsRun(user.email);
    await resetJobsRun(ghost);
    const mails = await mailsTo(user.email);
    expect(mails).toHaveLength(1);
    expect(await mailsTo(ghost)).toHaveLength(0);
    const token = tokenIn(mails[0]?.text);
    expect(token.length).toBeGreaterThan(30);
    // The job made the token itself: it is not in the job's row, before or after the run.
    for (const job of [knownJob!, ...(await resetJobs(user.email))]) expect(JSON.stringify(job)).not.toContain(token);
    for (const job of await resetJobs(ghost)) expect(job.failReason).toBeNull();
    // The request's address is audited for the known account, as before.
    const audit = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, user.id), eq(auditEvents.action, 'auth.password_reset_requested')));
    expect(audit).toHaveLength(1);
    expect(audit[0]?.ip).toBeTruthy();
    expect(
      (await call(app, 'POST', '/auth/password/reset', { body: { token, password: 'a fresh passphrase 77' } })).status,
    ).toBe(204);
  });

  it('sets a new password with a single-use token, revoking earlier sessions', async () => {
    const user = await createUserWithPassword(database.db);
    const old = (await loginAs(app, user.email)).cookie;
    await forgot(user.email);
    const token = tokenIn((await mailsTo(user.email))[0]?.text);
    expect(token.length).toBeGreaterThan(30);
    const reset = await call(app, 'POST', '/auth/password/reset', {
      body: { token, password: 'a fresh passphrase 77' },
    });
    expect(reset.status).toBe(204);
    expect((await call(app, 'GET', '/auth/me', { cookie: old })).status).toBe(401);
    expect((await loginAs(app, user.email, 'a fresh passphrase 77')).status).toBe(200);
    expect((await loginAs(app, user.email)).status).toBe(401);
    const again = await call(app, 'POST', '/auth/password/reset', {
      body: { token, password: 'another passphrase 88' },
    });
    expect(again.status).toBe(400);
    const rows = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, user.id), eq(auditEvents.action, 'auth.password_reset')));
    expect(rows).toHaveLength(1);
  });

  it('refuses an expired token', async () => {
    const user = await createUserWithPassword(database.db);
    await forgot(user.email);
    const token = tokenIn((await mailsTo(user.email))[0]?.text);
    clock.advance(61 * 60_000);
    const res = await call(app, 'POST', '/auth/password/reset', { body: { token, password: 'a fresh passphrase 77' } });
    expect(res.status).toBe(400);
    expect(ZErrorBody.parse(res.body).error.message).toMatch(/invalid, used or expired/);
  });

  it('mails at most 3 reset links per hour per account, still answering 202', async () => {
    const user = await createUserWithPassword(database.db);
    for (let i = 0; i < 5; i++)
      expect((await call(app, 'POST', '/auth/password/forgot', { body: { email: user.email } })).status).toBe(202);
    await resetJobsRun(user.email);
    expect(await mailsTo(user.email)).toHaveLength(3);
    clock.advance(61 * 60_000);
    await forgot(user.email);
    expect(await mailsTo(user.email)).toHaveLength(4);
  });

  it('does not mail the body of a reset to the log (only the recipient and subject)', async () => {
    // The dev outbox stores the text for admins; the logger is given recipient, subject and kind only.
    const { queueMail } = await import('../mail/outbox.js');
    const lines: unknown[] = [];
    const logger = { info: (obj: unknown) => lines.push(obj) } as never;
    await queueMail(
      database.db,
      { to: 'x@example.test', subject: 'S', text: 'secret-link-123', kind: 'password_reset' },
      logger,
    );
    expect(JSON.stringify(lines)).not.toContain('secret-link-123');
    expect(JSON.stringify(lines)).toContain('x@example.test');
  });
});

describe('invitations', () => {
  it('an admin invites by email; the person accepts with a password and is signed in', async () => {
    const admin = await createUserWithPassword(database.db, { role: 'admin' });
    const email = `invitee-${Date.now()}@example.test`;
    const invited = await call(app, 'POST', '/users/invite', {
      cookie: sessionCookie(app, admin),
      body: { email, name: 'Ivy Invitee', role: 'agent' },
    });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ user: { email, role: 'agent', invited: true } });
    expect((await loginAs(app, email)).status).toBe(401);
    const token = tokenIn((await mailsTo(email))[0]?.text);
    const weak = await call(app, 'POST', '/auth/invite/accept', { body: { token, password: 'short' } });
    expect(weak.status).toBe(400);
    const accepted = await call(app, 'POST', '/auth/invite/accept', {
      body: { token, password: 'welcome aboard 2026' },
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ user: { email, invited: false } });
    expect((await call(app, 'GET', '/auth/me', { cookie: accepted.cookie })).status).toBe(200);
    expect(
      (await call(app, 'POST', '/auth/invite/accept', { body: { token, password: 'welcome aboard 2027' } })).status,
    ).toBe(400);
    const rows = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.entityId, (invited.body as { user: { id: string } }).user.id));
    expect(rows.map((r) => r.action).sort()).toEqual([
      'auth.login',
      'auth.login_failed',
      'user.invite_accepted',
      'user.invited',
    ]);
  });

  it('refuses an expired invitation and inviting an existing account', async () => {
    const admin = await createUserWithPassword(database.db, { role: 'admin' });
    const existing = await createUserWithPassword(database.db);
    expect(
      (
        await call(app, 'POST', '/users/invite', {
          cookie: sessionCookie(app, admin),
          body: { email: existing.email, name: 'Dup' },
        })
      ).status,
    ).toBe(409);
    const email = `late-${Date.now()}@example.test`;
    await call(app, 'POST', '/users/invite', { cookie: sessionCookie(app, admin), body: { email, name: 'Late' } });
    const token = tokenIn((await mailsTo(email))[0]?.text);
    clock.advance(8 * 86_400_000);
    expect(
      (await call(app, 'POST', '/auth/invite/accept', { body: { token, password: 'welcome aboard 2026' } })).status,
    ).toBe(400);
    const [row] = await database.db.select().from(users).where(eq(users.email, email));
    expect(row?.passwordHash).toBeNull();
  });

  it('allows 5 acceptance attempts per IP per hour', async () => {
    clock.advance(61 * 60_000); // a window without the earlier tests' attempts
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (
          await call(app, 'POST', '/auth/invite/accept', {
            body: { token: `guess-${i}-aaaaaaaaaaaa`, password: 'welcome aboard 2026' },
          })
        ).status,
      );
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
  });
});
