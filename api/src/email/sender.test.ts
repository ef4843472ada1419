import { and, eq, sql } from 'drizzle-orm';
import { PermanentDeliveryError, type TDeliveryFacts, type TTicket, type TUser } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presentedUser } from '../../../shared/src/test/presented.js';
import { mailMessages, notifications, outbox } from '../db/schema.js';
import { deliveries } from '../db/schema-delivery.js';
import { emailMessageIds } from '../db/schema-email.js';
import type { UserRow } from '../http/context.js';
import { notify } from '../notifications/service.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';
import { createGroup } from '../test/factories.js';
import { fileTicket } from '../test/tickets.js';
import { emailIdentity, replyKey, tokenInAddress, verifyReplyToken } from './addresses.js';
import { EmailSender, planEmails } from './sender.js';
import { REPLY_MARKER } from './templates.js';
import { startSmtpCapture, until, type CapturedMail, type SmtpCapture } from '../test/email.js';

let smtp: SmtpCapture;
const testDatabase = useTestDatabase();
let database: TestDatabase;
let app: TestApp;
let agent: UserRow;
let other: UserRow;
let alice: UserRow;
let bob: UserRow;

const env = (url: string) => ({
  SMTP_URL: url,
  MAIL_FROM: 'Deskmate IT <support@desk.test>',
  PUBLIC_URL: 'https://desk.test',
  EMAIL_REPLY_SECRET: 'reply-secret-for-the-email-tests-0123456789',
  JOBS_PROCESS_EVERY: '100ms',
  OUTBOX_POLL_INTERVAL: '200ms',
  DIGEST_TIME_ZONE: 'UTC',
  EMAIL_ATTACH_FILES_MAX_BYTES: '4096',
});

beforeAll(async () => {
  smtp = await startSmtpCapture();
  database = testDatabase.current;
  app = await startTestApp({ database, env: env(smtp.url), senders: [new EmailSender()] });
  agent = await createUserWithPassword(database.db, { role: 'agent', name: 'Sam Agent', email: 'sam@example.com' });
  other = await createUserWithPassword(database.db, { role: 'agent', name: 'Kim Agent', email: 'kim@example.com' });
  alice = await createUserWithPassword(database.db, { name: 'Alice Example', email: 'alice@example.com' });
  bob = await createUserWithPassword(database.db, { name: 'Bob Example', email: 'bob@example.com' });
  await createGroup(database.db, { name: 'Desk', members: [agent.id, other.id] });
});
afterAll(async () => {
  await app.stop();
  await smtp.close();
});

const key = () => replyKey(app.config, app.runtime.services.secrets.encryptionKey);
const identity = () => emailIdentity(app.config);
const about = (mail: CapturedMail, ticketKey: string) => mail.parsed.subject?.startsWith(`[${ticketKey}]`) ?? false;
const mailsTo = (user: UserRow, ticketKey: string) => smtp.to(user.email).filter((m) => about(m, ticketKey));
const idOf = (header: string | null) => /<([^>]+)>/.exec(header ?? '')?.[1] ?? null;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function openTicket(title: string): Promise<TTicket> {
  return fileTicket(app, alice, { title, description: 'It drops every hour since Monday.' });
}

async function reply(user: UserRow, ticketKey: string, body: string) {
  const res = await call(app, 'POST', `/tickets/${ticketKey}/replies`, {
    cookie: sessionCookie(app, user),
    body: { body },
  });
  expect(res.status).toBe(201);
}

async function setPreferences(user: UserRow, body: Record<string, unknown>) {
  const res = await call(app, 'PUT', '/notifications/preferences', { cookie: sessionCookie(app, user), body });
  expect(res.status).toBe(200);
  return res.body;
}

describe('notifications by email through a real SMTP server', () => {
  let ticket: TTicket;
  let created: CapturedMail;

  it('a ticket opened on the web is confirmed to its requester, threaded under the ticket', async () => {
    ticket = await openTicket('VPN drops every hour');
    await until(() => mailsTo(alice, ticket.key).length === 1, 15_000, 'confirmation');
    created = mailsTo(alice, ticket.key)[0]!;
    expect(created.parsed.subject).toBe(`[${ticket.key}] VPN drops every hour`);
    expect(created.header('From')).toBe('Deskmate IT <support@desk.test>');
    expect(created.header('Auto-Submitted')).toBe('auto-generated');
    expect(created.header('X-Auto-Response-Suppress')).toBe('OOF, AutoReply');
    expect(created.header('X-Deskmate-Ticket')).toBe(ticket.key);
    expect(idOf(created.header('Message-ID'))).toMatch(new RegExp(`^${ticket.key}\\.[0-9a-f-]{36}@desk\\.test$`));
    expect(idOf(created.header('In-Reply-To'))).toBe(`${ticket.key}@desk.test`);
    expect(created.parsed.text).toContain(REPLY_MARKER);
    expect(created.parsed.text).toContain('It drops every hour since Monday.');
    expect(created.parsed.html).toContain(`https://desk.test/portal/tickets/${ticket.key}`);
    // The signed Reply-To names this ticket and this person.
    const token = tokenInAddress(identity(), created.parsed.replyTo!.value[0]!.address!);
    expect(verifyReplyToken(key(), token!)).toEqual({
      ok: true,
      token: { ticketKey: ticket.key, userId: alice.id, scope: 'public' },
    });
  });

  it('an agent’s public reply reaches the requester once, in full, in the same thread, and is recorded', async () => {
    await call(app, 'POST', `/tickets/${ticket.key}/claim`, { cookie: sessionCookie(app, agent) });
    await reply(agent, ticket.key, 'Please restart the <b>VPN client</b> & tell us "if" it still drops.');
    await until(() => mailsTo(alice, ticket.key).length === 2, 15_000, 'reply mail');
    await sleep(700);
    const mails = mailsTo(alice, ticket.key);
    expect(mails).toHaveLength(2);
    const mail = mails[1]!;
    expect(mail.parsed.text).toContain('Sam Agent replied on');
    expect(mail.parsed.text).toContain('Please restart the <b>VPN client</b> & tell us "if" it still drops.');
    expect(mail.parsed.html).toContain('Please restart the &lt;b&gt;VPN client&lt;/b&gt; &amp; tell us &quot;if&quot;');
    // Threaded: answers the previous mail to Alice, and refers to the ticket's root.
    const first = idOf(created.header('Message-ID'))!;
    const id = idOf(mail.header('Message-ID'))!;
    expect(idOf(mail.header('In-Reply-To'))).toBe(first);
    expect(mail.header('References')).toBe(`<${ticket.key}@desk.test> <${first}>`);
    const [notification] = await database.db
      .select()
      .from(notifications)
      .where(
        and(eq(notifications.userId, alice.id), eq(notifications.type, 'reply'), eq(notifications.ticketId, ticket.id)),
      );
    expect(id).toBe(`${ticket.key}.${notification!.id}@desk.test`);
    const [row] = await database.db.select().from(emailMessageIds).where(eq(emailMessageIds.messageId, id));
    expect(row).toMatchObject({ ticketId: ticket.id, userId: alice.id, direction: 'out', visibility: 'public' });
    // Whoever wrote it is not mailed about it.
    expect(mailsTo(agent, ticket.key)).toHaveLength(0);
  });

  it('an internal note is never emailed to the requester; the assignee’s copy answers as a note', async () => {
    await call(app, 'POST', `/tickets/${ticket.key}/notes`, {
      cookie: sessionCookie(app, other),
      body: { body: 'secret-internal-words: the VPN concentrator is overloaded' },
    });
    await until(() => mailsTo(agent, ticket.key).length === 1, 15_000, 'note mail');
    const mail = mailsTo(agent, ticket.key)[0]!;
    expect(mail.parsed.text).toContain('internal note');
    const token = verifyReplyToken(key(), tokenInAddress(identity(), mail.parsed.replyTo!.value[0]!.address!)!);
    expect(token).toMatchObject({ ok: true, token: { scope: 'internal', userId: agent.id } });
    await sleep(500);
    expect(smtp.to(alice.email).some((m) => m.raw.includes('secret-internal-words'))).toBe(false);
  });

  it('a resolved ticket asks its requester to rate it, from 1 to 5', async () => {
    const res = await call(app, 'PATCH', `/tickets/${ticket.key}`, {
      cookie: sessionCookie(app, agent),
      body: { status: 'resolved' },
    });
    expect(res.status).toBe(200);
    await until(
      () => mailsTo(alice, ticket.key).some((m) => m.parsed.text?.includes('is resolved')),
      15_000,
      'resolved',
    );
    const mail = mailsTo(alice, ticket.key).find((m) => m.parsed.text?.includes('is resolved'))!;
    for (const n of [1, 5])
      expect(mail.parsed.text).toContain(`https://desk.test/portal/tickets/${ticket.key}?rate=${n}`);
    expect(mail.parsed.html).toContain(`https://desk.test/portal/tickets/${ticket.key}?rate=5`);
    expect(mail.parsed.text).toContain('reply to this email and the ticket reopens');
  });

  it('an escalation reaches the agent, as internal mail', async () => {
    const t = await openTicket('Printer jams');
    await database.db.transaction((tx) =>
      notify(tx, {
        userIds: [agent.id],
        type: 'escalation',
        ticket: { id: t.id, key: t.key },
        title: `${t.key} missed its first response target`,
        body: 'First response target missed (due 22 Nov 10:00): escalated to level 1',
        visibility: 'internal',
        actorId: null,
      }),
    );
    await until(() => mailsTo(agent, t.key).length === 1, 15_000, 'escalation');
    const mail = mailsTo(agent, t.key)[0]!;
    expect(mail.parsed.text).toContain(`SLA: ${t.key} missed its first response target.`);
    expect(mail.parsed.text).toContain('escalated to level 1');
    expect(mail.parsed.text).toContain(`https://desk.test/tickets/${t.key}`);
  });

  it('the weekly digest reaches agents with their numbers', async () => {
    await database.db.insert(outbox).values({
      kind: 'digest.weekly',
      dedupeKey: `digest:${agent.id}:test`,
      payload: {
        userId: agent.id,
        scope: 'agent',
        from: '2026-11-16T08:00:00.000Z',
        to: '2026-11-23T08:00:00.000Z',
        opened: 3,
        resolved: 2,
        breached: 1,
        atRisk: 0,
        csat: { count: 1, average: 5 },
      },
    });
    await until(
      () => smtp.to(agent.email).some((m) => m.parsed.subject?.startsWith('Deskmate weekly')),
      15_000,
      'digest',
    );
    const mail = smtp.to(agent.email).find((m) => m.parsed.subject?.startsWith('Deskmate weekly'))!;
    expect(mail.parsed.subject).toBe('Deskmate weekly: 3 opened, 2 resolved, 1 breached');
    expect(mail.parsed.text).toMatch(/Satisfaction\s+5 \/ 5 from 1 rating/);
    expect(idOf(mail.header('Message-ID'))).toMatch(/^deskmate\.digest\./);
  });

  it('a password reset goes through the same relay, and its text is not kept once sent', async () => {
    expect((await call(app, 'POST', '/auth/password/forgot', { body: { email: bob.email } })).status).toBe(202);
    await until(
      () => smtp.to(bob.email).some((m) => m.parsed.subject === 'Reset your Deskmate password'),
      15_000,
      'reset',
    );
    const mail = smtp.to(bob.email).find((m) => m.parsed.subject === 'Reset your Deskmate password')!;
    expect(mail.parsed.text).toMatch(/https:\/\/desk\.test\/reset-password\?token=\S+/);
    expect(mail.parsed.html).toContain('Choose a new password');
    expect(mail.header('Auto-Submitted')).toBe('auto-generated');
    await until(async () => {
      const [row] = await database.db.select().from(mailMessages).where(eq(mailMessages.to, bob.email));
      return row?.status === 'sent';
    });
    const [row] = await database.db.select().from(mailMessages).where(eq(mailMessages.to, bob.email));
    expect(row!.text).not.toContain('token=');
  });

  it('retries when the relay says “try later”, and gives up on “no such mailbox”', async () => {
    const t = await openTicket('Retry test');
    await until(() => mailsTo(alice, t.key).length === 1);
    smtp.failNext(1, 451, '4.3.0 try again later');
    await reply(agent, t.key, 'First answer');
    await until(() => mailsTo(alice, t.key).length === 2, 25_000, 'retried mail');
    // The relay accepts the mail before the delivery's transaction commits: wait for the commit.
    const latest = () =>
      database.db
        .execute<{ attempts: number; status: string }>(
          sql`SELECT d.attempts, d.status FROM deliveries d JOIN outbox o ON o.id = d.outbox_id
            WHERE d.channel = 'email' AND d.target = ${alice.email} AND o.kind = 'notification.deliver'
            ORDER BY d.created_at DESC LIMIT 1`,
        )
        .then((r) => r.rows[0]);
    await until(async () => (await latest())?.status !== 'pending', 15_000, 'retry committed');
    expect(await latest()).toEqual({ attempts: 2, status: 'sent' });

    smtp.failNext(1, 550, '5.1.1 no such mailbox');
    await reply(agent, t.key, 'Second answer');
    await until(
      async () => (await database.db.select().from(deliveries).where(eq(deliveries.status, 'dead'))).length > 0,
    );
    const [dead] = await database.db.select().from(deliveries).where(eq(deliveries.status, 'dead'));
    expect(dead).toMatchObject({ channel: 'email', target: alice.email });
    expect(dead!.lastError).toContain('no such mailbox');
    expect(dead!.lastFailedAt).toBeInstanceOf(Date);
  });
});

/** An upload, as the console makes it (multipart, the session cookie, same Origin). */
async function uploadAs(user: UserRow, filename: string, type: string, bytes: Buffer): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), filename);
  const res = await app.fetch('/api/attachments', {
    method: 'POST',
    headers: { cookie: sessionCookie(app, user), origin: new URL(app.url).origin },
    body: form,
  });
  const body = (await res.json()) as { upload: { id: string } };
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body.upload.id;
}

describe('files of replies reach the requester by email; those of internal notes never', () => {
  // A PNG header and enough bytes to pass EMAIL_ATTACH_FILES_MAX_BYTES (4096).
  const bigPng = Buffer.concat([
    Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'),
    Buffer.alloc(6000),
  ]);

  it('a public reply’s small file travels in the mail, a larger one is a sign-in link to its download', async () => {
    const t = await openTicket('Printer error code');
    await until(() => mailsTo(alice, t.key).length === 1, 15_000, 'confirmation');
    await call(app, 'POST', `/tickets/${t.key}/claim`, { cookie: sessionCookie(app, agent) });
    const small = await uploadAs(agent, 'steps.txt', 'text/plain', Buffer.from('1. Open the tray\n2. Pull gently\n'));
    const big = await uploadAs(agent, 'diagram.png', 'image/png', bigPng);
    const res = await call(app, 'POST', `/tickets/${t.key}/replies`, {
      cookie: sessionCookie(app, agent),
      body: { body: 'Follow these steps, see the diagram.', attachmentIds: [small, big] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await until(() => mailsTo(alice, t.key).length === 2, 15_000, 'reply mail');
    const mail = mailsTo(alice, t.key)[1]!;
    expect(mail.parsed.text).toContain('Follow these steps, see the diagram.');
    expect(mail.parsed.text).toContain('- steps.txt (32 bytes), attached');
    expect(mail.parsed.text).toContain(`- diagram.png (6 KB): https://desk.test/files/${t.key}/${big}`);
    expect(mail.parsed.text).toContain('Links open after you sign in.');
    expect(mail.parsed.html).toContain(`href="https://desk.test/files/${t.key}/${big}"`);
    expect(mail.parsed.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([
      ['steps.txt', 'text/plain', '1. Open the tray\n2. Pull gently\n'],
    ]);
  });

  it('an internal note’s file reaches no requester, and its mail to the assignee carries no file', async () => {
    const t = await openTicket('Laptop asset check');
    await until(() => mailsTo(alice, t.key).length === 1, 15_000, 'confirmation');
    await call(app, 'POST', `/tickets/${t.key}/claim`, { cookie: sessionCookie(app, agent) });
    const file = await uploadAs(other, 'secret-asset-register.txt', 'text/plain', Buffer.from('serials\n'));
    const res = await call(app, 'POST', `/tickets/${t.key}/notes`, {
      cookie: sessionCookie(app, other),
      body: { body: 'Internal: see the register', attachmentIds: [file] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    await until(() => mailsTo(agent, t.key).length === 1, 15_000, 'note mail');
    const note = mailsTo(agent, t.key)[0]!;
    expect(note.parsed.text).toContain('Internal: see the register');
    expect(note.parsed.attachments).toEqual([]);
    expect(note.raw).not.toContain('secret-asset-register');
    await sleep(500);
    expect(mailsTo(alice, t.key)).toHaveLength(1);
    expect(smtp.to(alice.email).some((m) => m.raw.includes('secret-asset-register') || m.raw.includes(file))).toBe(
      false,
    );
  });
});

describe('preferences and quiet hours', () => {
  it('chat only: no email, the notification is still there', async () => {
    const t = await openTicket('Chat only');
    await until(() => mailsTo(alice, t.key).length === 1);
    await setPreferences(alice, { delivery: 'chat' });
    const handled = async () =>
      (
        await database.db
          .select()
          .from(deliveries)
          .where(
            and(eq(deliveries.channel, 'email'), eq(deliveries.target, alice.email), eq(deliveries.status, 'sent')),
          )
      ).length;
    const before = await handled();
    await reply(agent, t.key, 'An answer you will see in chat');
    await until(async () => (await handled()) === before + 1, 15_000, 'delivery handled');
    await sleep(800);
    expect(mailsTo(alice, t.key)).toHaveLength(1);
    const rows = await database.db.select().from(notifications).where(eq(notifications.ticketId, t.id));
    expect(rows.some((n) => n.userId === alice.id && n.type === 'reply')).toBe(true);
    await setPreferences(alice, { delivery: 'both' });
  });

  it("tells the first-response due time in the requester's own time zone", async () => {
    await setPreferences(bob, { timeZone: 'Asia/Tokyo' });
    try {
      const t = await fileTicket(app, bob, { title: 'Due in Tokyo', description: 'Which time is it due?' });
      expect(t.sla.firstResponseDueAt).not.toBeNull();
      await until(() => mailsTo(bob, t.key).length === 1);
      const due = new Date(t.sla.firstResponseDueAt!);
      const inTokyo = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Asia/Tokyo',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(due);
      const text = mailsTo(bob, t.key)[0]!.parsed.text ?? '';
      expect(text).toContain(`${inTokyo} GMT+9`);
    } finally {
      await setPreferences(bob, { timeZone: null });
    }
  });

  it('quiet hours defer the email to their end (an outbox row due then), and it is sent then', async () => {
    const t = await openTicket('Quiet hours');
    await until(() => mailsTo(alice, t.key).length === 1);
    const now = new Date();
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const start = hhmm(new Date(now.getTime() - 60 * 60_000));
    const end = hhmm(new Date(now.getTime() + 2 * 60 * 60_000));
    const prefs = await setPreferences(alice, { quietHours: { start, end }, timeZone: 'UTC' });
    expect(prefs).toEqual({ delivery: 'both', quietHours: { start, end }, timeZone: 'UTC' });
    await reply(agent, t.key, 'An answer for the morning');
    await until(
      async () => (await database.db.select().from(outbox).where(eq(outbox.kind, 'email.deferred'))).length === 1,
    );
    const [deferred] = await database.db.select().from(outbox).where(eq(outbox.kind, 'email.deferred'));
    expect(deferred!.status).toBe('pending');
    expect(deferred!.nextAttemptAt.toISOString().slice(11, 16)).toBe(end);
    expect(deferred!.payload).toMatchObject({ deferredKind: 'notification.deliver', userId: alice.id });
    expect(mailsTo(alice, t.key)).toHaveLength(1);

    // The quiet hours end.
    await setPreferences(alice, { quietHours: null });
    await database.db
      .update(outbox)
      .set({ nextAttemptAt: sql`now()` })
      .where(eq(outbox.id, deferred!.id));
    await until(() => mailsTo(alice, t.key).length === 2, 15_000, 'deferred mail');
    expect(mailsTo(alice, t.key)[1]!.parsed.text).toContain('An answer for the morning');
  });

  it('digest only: notifications wait for one daily digest that lists them all', async () => {
    const t = await openTicket('Digest only');
    await until(() => mailsTo(alice, t.key).length === 1);
    await setPreferences(alice, { delivery: 'digest' });
    await reply(agent, t.key, 'First update for the digest');
    await reply(agent, t.key, 'Second update for the digest');
    const gathered = async () => {
      const rows = await database.db.select().from(outbox).where(eq(outbox.kind, 'email.digest'));
      return rows.length === 1 && (rows[0]!.payload as { notificationIds: string[] }).notificationIds.length === 2;
    };
    await until(gathered, 15_000, 'both in the digest');
    await sleep(500);
    expect(mailsTo(alice, t.key)).toHaveLength(1);
    const [digest] = await database.db.select().from(outbox).where(eq(outbox.kind, 'email.digest'));
    expect(digest!.nextAttemptAt.toISOString()).toMatch(/T08:00:00\.000Z$/);

    // Eight o'clock comes.
    await database.db
      .update(outbox)
      .set({ nextAttemptAt: sql`now()` })
      .where(eq(outbox.id, digest!.id));
    await until(
      () => smtp.to(alice.email).some((m) => m.parsed.subject?.startsWith('Your Deskmate digest')),
      15_000,
      'digest',
    );
    const mail = smtp.to(alice.email).find((m) => m.parsed.subject?.startsWith('Your Deskmate digest'))!;
    expect(mail.parsed.subject).toBe('Your Deskmate digest: 2 updates');
    expect(mail.parsed.text).toContain('First update for the digest');
    expect(mail.parsed.text).toContain('Second update for the digest');
    await setPreferences(alice, { delivery: 'both' });
  });

  it('refuses a bad preference with a clear error', async () => {
    const res = await call<{ error: { message: string } }>(app, 'PUT', '/notifications/preferences', {
      cookie: sessionCookie(app, alice),
      body: { quietHours: { start: '25:00', end: '07:00' } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('must be a time such as 22:00');
  });
});

describe('internal content never goes to a requester (second guard)', () => {
  const requester: TUser = presentedUser({
    id: '11111111-1111-4111-8111-111111111111',
    email: 'req@example.com',
    name: 'Req',
    createdAt: '2026-11-22T00:00:00.000Z',
  });
  const facts: TDeliveryFacts = {
    kind: 'notification.deliver',
    ticket: null,
    notification: {
      id: '22222222-2222-4222-8222-222222222222',
      type: 'note',
      ticketKey: 'IT-1',
      title: 'New internal note on IT-1',
      body: 'internal words',
      read: false,
      createdAt: '2026-11-22T00:00:00.000Z',
      visibility: 'internal',
    },
    event: null,
    recipient: { user: requester, identities: [], wantsChat: true },
    payload: {},
  };

  it('plans no email for internal facts addressed to a requester, one for an agent', () => {
    expect(planEmails(facts)).toEqual([]);
    expect(
      planEmails({ ...facts, recipient: { user: { ...requester, role: 'agent' }, identities: [], wantsChat: true } }),
    ).toHaveLength(1);
  });

  it('refuses to send one, permanently, even when asked to', async () => {
    const sender = new EmailSender();
    await expect(
      sender.send({
        id: 'x',
        plan: { kind: 'email.notification', target: requester.email, refKey: null },
        facts,
        ref: null,
        attempt: 1,
      }),
    ).rejects.toBeInstanceOf(PermanentDeliveryError);
  });
});
