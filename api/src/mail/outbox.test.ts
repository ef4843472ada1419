import { and, desc, eq } from 'drizzle-orm';
import type { TTicket } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailMessages, outbox } from '../db/schema.js';
import { EmailSender } from '../email/sender.js';
import { REPLY_MARKER } from '../email/templates.js';
import { until } from '../test/email.js';
import type { UserRow } from '../http/context.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { createGroup } from '../test/factories.js';

/** The embedded default: no SMTP_URL, so every email lands in the dev outbox. */
let app: TestApp;
let admin: UserRow;
let agent: UserRow;
let alice: UserRow;

beforeAll(async () => {
  app = await startTestApp({
    senders: [new EmailSender()],
    env: { JOBS_PROCESS_EVERY: '100ms', OUTBOX_POLL_INTERVAL: '200ms', PUBLIC_URL: 'https://desk.test' },
  });
  const db = app.database.db;
  admin = await createUserWithPassword(db, { role: 'admin' });
  agent = await createUserWithPassword(db, { role: 'agent', name: 'Sam Agent' });
  alice = await createUserWithPassword(db, { name: 'Alice Example' });
  await createGroup(db, { name: 'Desk', members: [agent.id] });
});
afterAll(async () => {
  await app.stop();
});

const mailTo = (to: string, kind: string) =>
  app.database.db
    .select()
    .from(mailMessages)
    .where(and(eq(mailMessages.to, to), eq(mailMessages.kind, kind)))
    .orderBy(desc(mailMessages.createdAt));

describe('the dev outbox (no SMTP_URL)', () => {
  it('keeps a password reset readable at once, then marks it delivered to the dev outbox with its HTML', async () => {
    expect((await call(app, 'POST', '/auth/password/forgot', { body: { email: alice.email } })).status).toBe(202);
    // Queued by the job that follows the answer (the answer does no lookup: issue #16), readable at once.
    await until(async () => (await mailTo(alice.email, 'password_reset')).length === 1, 15_000, 'reset mail queued');
    const [queued] = await mailTo(alice.email, 'password_reset');
    expect(queued!.text).toMatch(/https:\/\/desk\.test\/reset-password\?token=/);
    const [row] = await app.database.db
      .select()
      .from(outbox)
      .where(eq(outbox.dedupeKey, `email.direct:${queued!.id}`));
    expect(row?.kind).toBe('email.direct');
    await until(async () => (await mailTo(alice.email, 'password_reset'))[0]?.status === 'dev');
    const [dev] = await mailTo(alice.email, 'password_reset');
    expect(dev!.html).toContain('Choose a new password');
    expect(dev!.text).toBe(queued!.text);
  });

  it('holds ticket notifications too, and admins read them all at GET /api/admin/mail', async () => {
    const created = await call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
      cookie: sessionCookie(app, alice),
      body: { title: 'Laptop will not charge', description: 'Since this morning.' },
    });
    const key = created.body.ticket.key;
    await call(app, 'POST', `/tickets/${key}/replies`, {
      cookie: sessionCookie(app, agent),
      body: { body: 'Try another charger, please.' },
    });
    await until(async () => (await mailTo(alice.email, 'ticket.reply')).length === 1);
    const [mail] = await mailTo(alice.email, 'ticket.reply');
    expect(mail).toMatchObject({ status: 'dev', subject: `[${key}] Laptop will not charge`, userId: alice.id });
    expect(mail!.text).toContain(REPLY_MARKER);
    expect(mail!.text).toContain('Try another charger, please.');
    // The confirmation of the new ticket is its own delivery, which may land after the reply's.
    await until(async () => (await mailTo(alice.email, 'ticket.created')).length === 1);
    expect((await mailTo(alice.email, 'ticket.created')).length).toBe(1);

    const res = await call<{ items: { to: string; kind: string; subject: string }[] }>(app, 'GET', '/admin/mail', {
      cookie: sessionCookie(app, admin),
    });
    expect(res.body.items.some((m) => m.to === alice.email && m.kind === 'ticket.reply')).toBe(true);
    expect(res.body.items.some((m) => m.to === alice.email && m.kind === 'password_reset')).toBe(true);
    expect((await call(app, 'GET', '/admin/mail', { cookie: sessionCookie(app, agent) })).status).toBe(403);
  });
});
