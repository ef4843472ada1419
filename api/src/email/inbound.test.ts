import { eq, sql } from 'drizzle-orm';
import type { TTicket, TTimelineEvent } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox, ticketEvents, tickets, users } from '../db/schema.js';
import { attachments } from '../db/schema-attachments.js';
import { emailInbound } from '../db/schema-email.js';
import type { UserRow } from '../http/context.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';
import { createGroup } from '../test/factories.js';
import { EmailSender } from './sender.js';
import {
  dkimDomain,
  dnsTable,
  fixture,
  startSmtpCapture,
  until,
  type CapturedMail,
  type SmtpCapture,
} from '../test/email.js';

const SECRET = 'inbound-secret-for-the-email-tests';
const env = (smtpUrl: string) => ({
  SMTP_URL: smtpUrl,
  MAIL_FROM: 'Deskmate IT <support@desk.test>',
  PUBLIC_URL: 'https://desk.test',
  EMAIL_INBOUND_SECRET: SECRET,
  EMAIL_REPLY_SECRET: 'reply-secret-for-the-email-tests-0123456789',
  EMAIL_SENDER_LIMIT: '4',
  TICKET_CREATE_LIMIT: '200',
  JOBS_PROCESS_EVERY: '100ms',
  OUTBOX_POLL_INTERVAL: '200ms',
});

/** The DNS the app asks: example.com signs its mail (DKIM), publishes no DMARC record. */
const dns = dnsTable();
const exampleCom = dkimDomain(dns, 'example.com');
const signed = async (raw: Buffer | string) => exampleCom.sign(Buffer.from(raw));

let smtp: SmtpCapture;
const testDatabase = useTestDatabase();
let database: TestDatabase;
let app: TestApp;
/** The same database, taking mail from anyone at example.org, with a small size limit. */
let open: TestApp;
let sam: UserRow;
let kim: UserRow;
let alice: UserRow;
let bob: UserRow;
let dave: UserRow;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  database = testDatabase.current;
  app = await startTestApp({ database, env: env(smtp.url), senders: [new EmailSender()], resolveDns: dns.resolver });
  open = await startTestApp({
    database,
    role: 'api',
    env: {
      ...env(smtp.url),
      EMAIL_CREATE_TICKETS: 'anyone',
      EMAIL_SENDER_DOMAINS: 'example.org',
      EMAIL_INBOUND_MAX_BYTES: '4096',
    },
  });
  sam = await createUserWithPassword(database.db, { role: 'agent', name: 'Sam Agent', email: 'sam@example.com' });
  kim = await createUserWithPassword(database.db, { role: 'agent', name: 'Kim Agent', email: 'kim@example.com' });
  alice = await createUserWithPassword(database.db, { name: 'Alice Example', email: 'alice@example.com' });
  bob = await createUserWithPassword(database.db, { name: 'Bob Example', email: 'bob@example.com' });
  dave = await createUserWithPassword(database.db, { name: 'Dave Example', email: 'dave@example.com' });
  await createGroup(database.db, { name: 'Desk', members: [sam.id, kim.id] });
});
afterAll(async () => {
  await open.stop();
  await app.stop();
  await smtp.close();
});

let unique = 0;
const idOf = (header: string | null) => /<([^>]+)>/.exec(header ?? '')?.[1] ?? '';
const about = (m: CapturedMail, key: string) => m.parsed.subject?.startsWith(`[${key}]`) ?? false;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function post(
  raw: Buffer | string,
  options: { to?: TestApp; auth?: string | null; type?: string; query?: string } = {},
) {
  const headers: Record<string, string> = { 'content-type': options.type ?? 'message/rfc822' };
  if (options.auth !== null) headers.authorization = `Bearer ${options.auth ?? SECRET}`;
  const body = typeof raw === 'string' ? raw : new Uint8Array(raw);
  const res = await (options.to ?? app).fetch(`/api/email/inbound${options.query ?? ''}`, {
    method: 'POST',
    headers,
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function timeline(key: string, user: UserRow = sam): Promise<TTimelineEvent[]> {
  const res = await call<{ items: TTimelineEvent[] }>(app, 'GET', `/tickets/${key}/timeline`, {
    cookie: sessionCookie(app, user),
  });
  return res.body.items;
}
const replies = async (key: string) => (await timeline(key)).filter((e) => e.kind === 'reply');

interface Vars extends Record<string, string> {
  REPLY_TO: string;
  IN_REPLY_TO: string;
  ROOT: string;
  KEY: string;
  TITLE: string;
  UNIQUE: string;
}

interface Thread {
  ticket: TTicket;
  /** Placeholders of the fixtures, from the mail the recipient got. */
  vars: (who?: UserRow) => Vars;
}

/**
 * Alice opens a ticket (Bob watching), Sam claims it and answers: the mail each of them got is
 * what they reply to.
 */
async function answeredTicket(title: string): Promise<Thread> {
  const created = await call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
    cookie: sessionCookie(app, alice),
    body: { title, description: 'It drops every hour.' },
  });
  const ticket = created.body.ticket;
  await call(app, 'POST', `/tickets/${ticket.key}/watchers`, {
    cookie: sessionCookie(app, alice),
    body: { userId: bob.id },
  });
  await call(app, 'POST', `/tickets/${ticket.key}/claim`, { cookie: sessionCookie(app, sam) });
  await call(app, 'POST', `/tickets/${ticket.key}/replies`, {
    cookie: sessionCookie(app, sam),
    body: { body: 'Please restart the VPN client and tell us if it still drops.' },
  });
  const answer = (u: UserRow) =>
    smtp.to(u.email).find((m) => about(m, ticket.key) && m.parsed.text?.includes('Please restart'));
  await until(() => Boolean(answer(alice) && answer(bob)), 15_000, `answer mail on ${ticket.key}`);
  return {
    ticket,
    vars: (who = alice) => {
      const mail = answer(who)!;
      return {
        REPLY_TO: mail.parsed.replyTo!.value[0]!.address!,
        IN_REPLY_TO: idOf(mail.header('Message-ID')),
        ROOT: `${ticket.key}@desk.test`,
        KEY: ticket.key,
        TITLE: title,
        UNIQUE: `u${++unique}`,
      };
    },
  };
}

describe('a reply to a notification, from each mail client', () => {
  let other: Thread;
  beforeAll(async () => {
    other = await answeredTicket('Another ticket of the same people');
  });

  it.each([
    ['gmail-html.eml', 'alice', "Thanks, restarting the VPN client fixed it.\nI'll let you know if it drops again."],
    [
      'gmail-plain.eml',
      'alice',
      'It still drops every hour, even after the restart. It happened at 10:40 and\nagain at 11:40.',
    ],
    [
      'outlook-html.eml',
      'alice',
      'Hi,\n\nThe VPN still drops. Screenshot of the error attached – it says "Connection lost (809)".',
    ],
    ['outlook-plain.eml', 'alice', 'Hi,\n\nThe VPN has been stable since this morning. You can close the ticket.'],
    ['apple-html.eml', 'bob', 'Hello,\n\nI can reproduce it on the office Wi-Fi only, not at home.'],
    ['apple-plain.eml', 'alice', 'Yes – after the update it connects fine.'],
    ['thunderbird-html.eml', 'alice', 'Here is the VPN log from this morning (attached).\n\nThe drop is at 09:58:12.'],
    [
      'thunderbird-plain.eml',
      'alice',
      'Restarted it twice; it still drops after about an hour. Logs are in C:\\ProgramData\\VPN\\logs if you need them.',
    ],
  ])(
    '%s adds exactly one public reply to the right ticket, as its sender, and the assignee is told',
    async (name, sender, text) => {
      const who = sender === 'bob' ? bob : alice;
      const { ticket, vars } = await answeredTicket(`VPN drops (${name})`);
      const before = await replies(ticket.key);
      const res = await post(await fixture(name, vars(who)));
      expect(res).toEqual({
        status: 200,
        body: expect.objectContaining({ outcome: 'replied', matchedBy: 'token', ticketKey: ticket.key }),
      });
      const after = await replies(ticket.key);
      expect(after).toHaveLength(before.length + 1);
      const added = after.at(-1)!;
      expect(added.body.startsWith(text)).toBe(true);
      expect(added).toMatchObject({ visibility: 'public', channel: 'email', author: { id: who.id } });
      expect(await replies(other.ticket.key)).toHaveLength(1);
      // The assignee hears of it, by email too.
      await until(
        () => smtp.to(sam.email).some((m) => about(m, ticket.key) && m.parsed.text?.includes(text.split('\n')[0]!)),
        15_000,
        'assignee mail',
      );
    },
  );

  it('the same email delivered twice is one reply', async () => {
    const { ticket, vars } = await answeredTicket('Duplicate delivery');
    const raw = await fixture('gmail-plain.eml', vars());
    expect((await post(raw)).body).toMatchObject({ outcome: 'replied' });
    expect((await post(raw)).body).toMatchObject({ outcome: 'duplicate', reason: 'already_processed' });
    expect(await replies(ticket.key)).toHaveLength(2);
    await until(() => smtp.to(sam.email).some((m) => about(m, ticket.key)));
    await sleep(500);
    expect(smtp.to(sam.email).filter((m) => about(m, ticket.key))).toHaveLength(1);
  });

  it('an out-of-office is recorded and ignored', async () => {
    const { ticket, vars } = await answeredTicket('Out of office');
    const res = await post(await fixture('out-of-office.eml', vars()));
    expect(res.body).toMatchObject({ outcome: 'ignored', reason: 'auto_reply', ticketKey: null });
    expect(await replies(ticket.key)).toHaveLength(1);
    const [row] = await database.db
      .select()
      .from(emailInbound)
      .where(eq(emailInbound.messageId, res.body.messageId as string));
    expect(row).toMatchObject({ outcome: 'ignored', reason: 'auto_reply', fromAddress: 'alice@example.com' });
    expect(row!.details).toMatchObject({ evidence: 'Auto-Submitted: auto-generated' });
  });

  it('a bounce (delivery status report) is recorded with who failed, and ignored', async () => {
    const { ticket, vars } = await answeredTicket('Bounce');
    const res = await post(await fixture('bounce-dsn.eml', vars()));
    expect(res.body).toMatchObject({ outcome: 'ignored', reason: 'bounce' });
    const [row] = await database.db
      .select()
      .from(emailInbound)
      .where(eq(emailInbound.messageId, res.body.messageId as string));
    expect(row!.details).toMatchObject({
      finalRecipient: 'gone@example.com',
      status: '5.1.1',
      originalMessageId: vars().IN_REPLY_TO,
    });
    expect(await replies(ticket.key)).toHaveLength(1);
  });

  it('a forged reply (right ticket, right token, wrong sender) is refused, and nothing lands anywhere', async () => {
    const { ticket, vars } = await answeredTicket('Forged');
    const ticketsBefore = await database.db.select({ n: sql<number>`count(*)::int` }).from(tickets);
    const res = await post(await fixture('forged-reply.eml', vars()));
    expect(res.body).toMatchObject({ outcome: 'rejected', reason: 'sender_not_allowed', matchedBy: 'token' });
    expect(await replies(ticket.key)).toHaveLength(1);
    expect(await database.db.select({ n: sql<number>`count(*)::int` }).from(tickets)).toEqual(ticketsBefore);
  });

  it('a forged reply without the token, by In-Reply-To, is refused too', async () => {
    const { ticket, vars } = await answeredTicket('Forged by thread');
    const raw = (await fixture('forged-reply.eml', vars())).toString().replace(vars().REPLY_TO, 'support@desk.test');
    expect((await post(raw)).body).toMatchObject({
      outcome: 'rejected',
      reason: 'sender_not_allowed',
      matchedBy: 'thread',
    });
    expect(await replies(ticket.key)).toHaveLength(1);
  });

  it('the ticket key in the subject alone is not enough for someone else: it becomes their own ticket', async () => {
    const { ticket, vars } = await answeredTicket('Forged by subject');
    const raw = (await fixture('forged-reply.eml', vars()))
      .toString()
      .replace(vars().REPLY_TO, 'support@desk.test')
      .replace(/^(In-Reply-To|References):.*\r\n/gim, '');
    const res = await post(raw);
    expect(res.body).toMatchObject({ outcome: 'created', matchedBy: 'new' });
    expect(res.body.ticketKey).not.toBe(ticket.key);
    expect(await replies(ticket.key)).toHaveLength(1);
    const [mine] = await database.db
      .select()
      .from(tickets)
      .where(eq(tickets.key, res.body.ticketKey as string));
    expect(mine).toMatchObject({ requesterId: dave.id, channel: 'email' });
  });

  it('a tampered token is refused', async () => {
    const { ticket, vars } = await answeredTicket('Tampered');
    const v = vars();
    const last = v.REPLY_TO.split('@')[0]!.slice(-1);
    const tampered = v.REPLY_TO.replace(/.@/, `${last === 'a' ? 'b' : 'a'}@`);
    const res = await post(await fixture('tampered-token.eml', { ...v, REPLY_TO: tampered }));
    expect(res.body).toMatchObject({ outcome: 'rejected', reason: 'invalid_reply_token' });
    expect(await replies(ticket.key)).toHaveLength(1);
  });

  it('a DKIM-signed reply sent to the plain address is matched by In-Reply-To, then by the subject for the requester', async () => {
    const { ticket, vars } = await answeredTicket('No token');
    const plain = (await fixture('gmail-plain.eml', vars()))
      .toString()
      .replaceAll(vars().REPLY_TO, 'support@desk.test');
    expect((await post(await signed(plain))).body).toMatchObject({
      outcome: 'replied',
      matchedBy: 'thread',
      ticketKey: ticket.key,
    });
    const bare = (await fixture('apple-plain.eml', vars()))
      .toString()
      .replaceAll(vars().REPLY_TO, 'support@desk.test')
      .replace(/^(In-Reply-To|References):.*\r\n/gim, '');
    expect((await post(await signed(bare))).body).toMatchObject({
      outcome: 'replied',
      matchedBy: 'subject',
      ticketKey: ticket.key,
    });
    expect(await replies(ticket.key)).toHaveLength(3);
  });

  it('an agent’s reply to an internal-note email becomes an internal note, never sent to the requester', async () => {
    const { ticket } = await answeredTicket('Internal reply');
    await call(app, 'POST', `/tickets/${ticket.key}/notes`, {
      cookie: sessionCookie(app, kim),
      body: { body: 'Check the concentrator' },
    });
    await until(() =>
      smtp.to(sam.email).some((m) => about(m, ticket.key) && m.parsed.text?.includes('Check the concentrator')),
    );
    const note = smtp
      .to(sam.email)
      .find((m) => about(m, ticket.key) && m.parsed.text?.includes('Check the concentrator'))!;
    const raw = (
      await fixture('gmail-plain.eml', {
        REPLY_TO: note.parsed.replyTo!.value[0]!.address!,
        IN_REPLY_TO: idOf(note.header('Message-ID')),
        ROOT: `${ticket.key}@desk.test`,
        KEY: ticket.key,
        TITLE: 'Internal reply',
        UNIQUE: `u${++unique}`,
      })
    )
      .toString()
      .replace('Alice Example <alice@example.com>', 'Sam Agent <sam@example.com>');
    expect((await post(raw)).body).toMatchObject({ outcome: 'noted', matchedBy: 'token' });
    const events = await timeline(ticket.key);
    expect(events.at(-1)).toMatchObject({ kind: 'note', visibility: 'internal', author: { id: sam.id } });
    expect((await timeline(ticket.key, alice)).some((e) => e.body.includes('It still drops every hour'))).toBe(false);
  });

  it('a requester’s reply reopens a resolved ticket; on a closed one it opens a follow-up', async () => {
    const { ticket, vars } = await answeredTicket('Reopen');
    await call(app, 'PATCH', `/tickets/${ticket.key}`, {
      cookie: sessionCookie(app, sam),
      body: { status: 'resolved' },
    });
    expect((await post(await fixture('gmail-plain.eml', vars()))).body).toMatchObject({ outcome: 'replied' });
    const [reopened] = await database.db.select().from(tickets).where(eq(tickets.id, ticket.id));
    expect(reopened!.status).toBe('open');

    await call(app, 'PATCH', `/tickets/${ticket.key}`, { cookie: sessionCookie(app, sam), body: { status: 'closed' } });
    const res = await post(await fixture('apple-plain.eml', vars()));
    expect(res.body).toMatchObject({ outcome: 'created', reason: 'follow_up_of_closed_ticket' });
    const [follow] = await database.db
      .select()
      .from(tickets)
      .where(eq(tickets.key, res.body.ticketKey as string));
    expect(follow!.description).toContain(`Follow-up to ${ticket.key}`);
    expect(follow!.requesterId).toBe(alice.id);
  });
});

describe('a new email to the desk', () => {
  it('opens a ticket for a known sender; colleagues in Cc follow it and their reply-all lands on it', async () => {
    const original = `CAJx7Gk1nW${++unique}Tq3Lp0Zs_Ru8cV6dK=m@mail.gmail.com`;
    const res = await post(await fixture('new-ticket.eml', { UNIQUE: String(unique) }));
    expect(res.body).toMatchObject({ outcome: 'created', matchedBy: 'new' });
    const key = res.body.ticketKey as string;
    const [ticket] = await database.db.select().from(tickets).where(eq(tickets.key, key));
    expect(ticket).toMatchObject({
      title: 'Printer on the 3rd floor jams on every job',
      requesterId: alice.id,
      channel: 'email',
    });
    expect(ticket!.description).toBe(
      'Hi IT,\n\nThe printer next to the kitchen on the 3rd floor jams on every job since this morning. Bob sees the same.',
    );
    // The confirmation answers Alice's own message, so her client threads it.
    await until(() => smtp.to(alice.email).some((m) => about(m, key)));
    const confirmation = smtp.to(alice.email).find((m) => about(m, key))!;
    expect(idOf(confirmation.header('In-Reply-To'))).toBe(original);

    // Bob's mail server signs it (DKIM): matched by its thread only, it acts as Bob because he is authenticated.
    const replyAll = await post(
      await signed(await fixture('reply-all-from-cc.eml', { ORIGINAL: original, UNIQUE: `u${++unique}` })),
    );
    expect(replyAll.body).toMatchObject({ outcome: 'replied', matchedBy: 'thread', ticketKey: key });
    const all = await replies(key);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ body: 'Same here: it jams with double-sided jobs only.', author: { id: bob.id } });
  });

  it('gets the priority policy’s rating from its words, not its tone (a mail has no impact or urgency questions)', async () => {
    // A sender of its own: earlier tests used up Alice's hourly quota of tickets by email.
    await createUserWithPassword(database.db, { name: 'Priya Policy', email: 'priya.policy@example.com' });
    const mail = (subject: string, text: string) =>
      [
        'MIME-Version: 1.0',
        'From: Priya Policy <priya.policy@example.com>',
        'To: IT Support <support@desk.test>',
        `Message-ID: <priority-${++unique}@mail.example.com>`,
        `Subject: ${subject}`,
        'Content-Type: text/plain; charset="UTF-8"',
        '',
        text,
        '',
        '--',
        'Alice Example',
        'This email is confidential and intended solely for the addressee. If you have received this',
        'email in error, please notify the sender and delete it.',
        '',
      ].join('\r\n');
    const priorityOf = async (raw: string) => {
      const res = await post(raw);
      expect(res.body).toMatchObject({ outcome: 'created' });
      const [ticket] = await database.db
        .select()
        .from(tickets)
        .where(eq(tickets.key, res.body.ticketKey as string));
      return ticket!.priority;
    };
    // One person fully blocked, written calmly: high.
    expect(
      await priorityOf(mail('no rush', "Hi, no rush at all, but my laptop only shows 'no bootable device'.")),
    ).toBe('high');
    // A request in an urgent tone: low.
    expect(await priorityOf(mail('URGENT!!!', 'URGENT!!! please install Visio on my laptop ASAP!!!'))).toBe('low');
    // A security incident, written casually: urgent.
    expect(
      await priorityOf(
        mail('probably nothing', 'I opened a DHL invoice attachment and typed my password on the page it showed.'),
      ),
    ).toBe('urgent');
  });

  it('from an unknown sender: refused by default, a new requester where anyone at an allowed domain may write', async () => {
    const stranger = (await fixture('new-ticket.eml', { UNIQUE: `s${++unique}` }))
      .toString()
      .replace('Alice Example <alice@example.com>', 'Erin Stranger <erin@example.org>');
    expect((await post(stranger)).body).toMatchObject({ outcome: 'rejected', reason: 'unknown_sender' });

    const allowed = stranger.replace(/Message-ID: <[^>]+>/, `Message-ID: <erin-${++unique}@example.org>`);
    const res = await post(allowed, { to: open });
    expect(res.body).toMatchObject({ outcome: 'created' });
    const [ticket] = await database.db
      .select()
      .from(tickets)
      .where(eq(tickets.key, res.body.ticketKey as string));
    const erin = await database.db.execute<{ role: string; name: string }>(
      sql`SELECT role, name FROM users WHERE email = 'erin@example.org'`,
    );
    expect(erin.rows[0]).toEqual({ role: 'requester', name: 'Erin Stranger' });
    expect(ticket!.title).toBe('Printer on the 3rd floor jams on every job');

    const elsewhere = stranger
      .replace('erin@example.org', 'frank@example.net')
      .replace(/Message-ID: <[^>]+>/, `Message-ID: <frank-${++unique}@example.net>`);
    expect((await post(elsewhere, { to: open })).body).toMatchObject({
      outcome: 'rejected',
      reason: 'sender_domain_not_allowed',
    });
  });

  it('one sender may open only EMAIL_SENDER_LIMIT tickets an hour by email', async () => {
    const outcomes: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const raw = (await fixture('new-ticket.eml', { UNIQUE: `r${++unique}` }))
        .toString()
        .replace('Alice Example <alice@example.com>', 'Dave Example <dave@example.com>')
        .replace(/^Cc:.*\r\n/m, '');
      outcomes.push((await post(raw)).body.outcome);
    }
    // Dave opened one by subject earlier in this file: the limit of 4 is reached at the fourth here.
    expect(outcomes.filter((o) => o === 'created').length).toBeLessThanOrEqual(4);
    expect(outcomes.at(-1)).toBe('rejected');
    const [last] = await database.db
      .select()
      .from(emailInbound)
      .where(eq(emailInbound.fromAddress, 'dave@example.com'))
      .orderBy(sql`${emailInbound.receivedAt} DESC`)
      .limit(1);
    expect(last!.reason).toBe('rate_limited');
  });

  it('our own mail coming back is a loop, recorded and ignored', async () => {
    const loop = (await fixture('new-ticket.eml', { UNIQUE: `l${++unique}` }))
      .toString()
      .replace('Alice Example <alice@example.com>', 'Deskmate IT <support@desk.test>');
    expect((await post(loop)).body).toMatchObject({ outcome: 'ignored', reason: 'own_address' });
  });
});

describe('attachments', () => {
  it('allowed files are kept on the ticket for those who can see it; others are listed as not kept', async () => {
    const { ticket, vars } = await answeredTicket('Attachments');
    const res = await post(await fixture('thunderbird-html.eml', vars()));
    expect(res.body).toMatchObject({ outcome: 'replied' });
    const reply = (await replies(ticket.key)).at(-1)!;
    expect(reply.body).toContain('[Attached: vpn-log.pdf (1 KB); Not kept: vpn-fix.exe (a program)]');
    const list = await call<{ items: { id: string; filename: string; contentType: string }[] }>(
      app,
      'GET',
      `/tickets/${ticket.key}/attachments`,
      { cookie: sessionCookie(app, alice) },
    );
    expect(list.body.items).toEqual([
      expect.objectContaining({ filename: 'vpn-log.pdf', contentType: 'application/pdf' }),
    ]);
    const file = await app.fetch(`/api/tickets/${ticket.key}/attachments/${list.body.items[0]!.id}`, {
      headers: { cookie: sessionCookie(app, alice) },
    });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''vpn-log.pdf");
    expect((await file.text()).startsWith('%PDF-1.4')).toBe(true);
    // Someone who cannot see the ticket cannot see its files.
    const denied = await call(app, 'GET', `/tickets/${ticket.key}/attachments`, { cookie: sessionCookie(app, dave) });
    expect(denied.status).toBe(404);
    const [row] = await database.db
      .select()
      .from(emailInbound)
      .where(eq(emailInbound.messageId, res.body.messageId as string));
    expect(row!.details).toMatchObject({
      skippedAttachments: [{ filename: 'vpn-fix.exe', reason: 'executable' }],
    });
    expect(await database.db.select().from(attachments).where(eq(attachments.ticketId, ticket.id))).toHaveLength(1);
  });

  it('files are judged by their bytes: a disguised program and a file whose content is not what it says are not kept, and the reply says why', async () => {
    const { ticket, vars } = await answeredTicket('Invoice attached');
    const v = vars();
    const part = (name: string, type: string, bytes: Buffer) =>
      [
        `--b1`,
        `Content-Type: ${type}; name="${name}"`,
        `Content-Disposition: attachment; filename="${name}"`,
        'Content-Transfer-Encoding: base64',
        '',
        bytes.toString('base64').replace(/.{76}/g, '$&\r\n'),
      ].join('\r\n');
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(120)]);
    exe.writeUInt32LE(0x40, 0x3c);
    const raw = [
      `From: Alice Example <alice@example.com>`,
      `To: Deskmate IT <${v.REPLY_TO}>`,
      `Subject: Re: [${v.KEY}] ${v.TITLE}`,
      `Message-ID: <${v.UNIQUE}.invoice@example.com>`,
      `In-Reply-To: <${v.IN_REPLY_TO}>`,
      `References: <${v.ROOT}> <${v.IN_REPLY_TO}>`,
      'Date: Mon, 23 Nov 2026 09:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      'The invoice and the receipt are attached.',
      part('invoice.pdf.exe', 'application/pdf', exe),
      part('receipt.pdf', 'application/pdf', png),
      part('statement.pdf', 'application/pdf', pdf),
      '--b1--',
      '',
    ].join('\r\n');
    const res = await post(raw);
    expect(res.body).toMatchObject({ outcome: 'replied' });
    const reply = (await replies(ticket.key)).at(-1)!;
    expect(reply.body).toContain(
      '[Attached: statement.pdf (1 KB); Not kept: invoice.pdf.exe (a program), receipt.pdf (its content is not what its name or type says)]',
    );
    const stored = await database.db
      .select({ filename: attachments.filename, contentType: attachments.contentType })
      .from(attachments)
      .where(eq(attachments.ticketId, ticket.id));
    expect(stored).toEqual([{ filename: 'statement.pdf', contentType: 'application/pdf' }]);
    const [row] = await database.db
      .select()
      .from(emailInbound)
      .where(eq(emailInbound.messageId, res.body.messageId as string));
    expect(row!.details).toMatchObject({
      skippedAttachments: [
        { filename: 'invoice.pdf.exe', contentType: 'application/pdf', reason: 'executable' },
        { filename: 'receipt.pdf', contentType: 'application/pdf', detectedType: 'image/png', reason: 'type_mismatch' },
      ],
    });
  });
});

describe('the webhook', () => {
  it('takes raw MIME only, with the shared secret as a Bearer token', async () => {
    const raw = await fixture('new-ticket.eml', { UNIQUE: `w${++unique}` });
    expect((await post(raw, { auth: null })).status).toBe(401);
    expect((await post(raw, { auth: 'wrong-secret-wrong-secret-wrong' })).status).toBe(401);
    expect((await post(raw, { type: 'text/plain' })).status).toBe(415);
    expect((await post(Buffer.concat([raw, Buffer.alloc(5000, 'a')]), { to: open })).status).toBe(413);
  });

  it('is off without EMAIL_INBOUND_SECRET', async () => {
    const off = await startTestApp({ database, role: 'api', env: { MAIL_FROM: 'Deskmate IT <support@desk.test>' } });
    try {
      const res = await off.fetch('/api/email/inbound', {
        method: 'POST',
        headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${SECRET}` },
        body: 'Subject: x\r\n\r\ny',
      });
      expect(res.status).toBe(404);
    } finally {
      await off.stop();
    }
  });

  it('admins see what became of every inbound email; others may not', async () => {
    const admin = await createUserWithPassword(database.db, { role: 'admin' });
    const res = await call<{ items: { outcome: string; reason: string | null }[] }>(
      app,
      'GET',
      '/admin/email/inbound',
      {
        cookie: sessionCookie(app, admin),
      },
    );
    expect(res.status).toBe(200);
    const outcomes = new Set(res.body.items.map((i) => `${i.outcome}:${i.reason ?? ''}`));
    for (const o of [
      'replied:',
      'ignored:auto_reply',
      'ignored:bounce',
      'rejected:invalid_reply_token',
      'rejected:sender_not_allowed',
    ])
      expect(outcomes).toContain(o);
    expect((await call(app, 'GET', '/admin/email/inbound', { cookie: sessionCookie(app, sam) })).status).toBe(403);
  });
});

const count = async (table: typeof tickets | typeof outbox) =>
  (await database.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;
const eventsOf = async (ticketId: string) =>
  (
    await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(ticketEvents)
      .where(eq(ticketEvents.ticketId, ticketId))
  )[0]!.n;
const inboundRow = async (messageId: string) =>
  (await database.db.select().from(emailInbound).where(eq(emailInbound.messageId, messageId)))[0]!;

describe('automatic mail never acts', () => {
  let thread: Thread;
  beforeAll(async () => {
    thread = await answeredTicket('Automatic mail');
  });

  it.each([
    ['gmail-vacation.eml', 'auto_reply'],
    ['exchange-oof-de.eml', 'auto_reply'],
    ['exchange-generated.eml', 'auto_reply'],
    ['outlook-oof-subject-fr.eml', 'auto_reply'],
    ['spanish-away-subject.eml', 'auto_reply'],
    ['cpanel-autoresponder.eml', 'auto_reply'],
    ['communigate-autogenerated.eml', 'auto_reply'],
    ['firstclass-machine.eml', 'auto_reply'],
    ['null-sender-reply.eml', 'auto_reply'],
    ['qmail-failure.eml', 'bounce'],
    ['exim-failed.eml', 'bounce'],
    ['gmail-dsn-failure.eml', 'bounce'],
    ['exchange-ndr-unzustellbar.eml', 'bounce'],
    ['postfix-delayed.eml', 'bounce'],
    ['sendmail-returned.eml', 'bounce'],
    ['mailman-list-post.eml', 'list'],
    ['newsletter.eml', 'list'],
  ])('automatic/%s is recorded as ignored (%s): no ticket, no reply, nothing sent', async (name, reason) => {
    // Signed by example.com too: even an authenticated sender's automatic mail never acts.
    const raw = await signed(await fixture(`automatic/${name}`, { ...thread.vars(), FAILED: 'gone@example.com' }));
    const before = {
      tickets: await count(tickets),
      outbox: await count(outbox),
      events: await eventsOf(thread.ticket.id),
    };
    const res = await post(raw);
    expect(res.body).toMatchObject({ outcome: 'ignored', reason, ticketKey: null });
    expect(await inboundRow(res.body.messageId as string)).toMatchObject({
      outcome: 'ignored',
      reason,
      details: expect.objectContaining({ evidence: expect.any(String) }),
    });
    // Nothing acted, and nothing was queued to send (the outbox is where every mail starts).
    expect({
      tickets: await count(tickets),
      outbox: await count(outbox),
      events: await eventsOf(thread.ticket.id),
    }).toEqual(before);
  });

  it.each(['asks-about-autoreply.eml', 'absence-subject.eml', 'undeliverable-question.eml', 'forwards-a-bounce.eml'])(
    'people/%s from a person opens a ticket',
    async (name) => {
      // Each from a new person at an open domain: the per-sender limit is not what is tested here.
      const raw = (await fixture(`people/${name}`, { UNIQUE: `p${++unique}` }))
        .toString()
        .replaceAll('alice@example.com', `person${unique}@example.org`);
      const res = await post(raw, { to: open });
      expect(res.body).toMatchObject({ outcome: 'created', matchedBy: 'new' });
    },
  );

  it('a mail through a group address in front of the desk (list headers naming our mailbox) is a person', async () => {
    const raw = (await fixture('people/via-desk-google-group.eml', { UNIQUE: `g${++unique}` }))
      .toString()
      .replaceAll('alice@example.com', `person${unique}@example.org`);
    const res = await post(raw, { to: open });
    expect(res.body).toMatchObject({ outcome: 'created', matchedBy: 'new' });
  });
});

describe('bounces', () => {
  let pat: UserRow;
  let admin: UserRow;
  let key: string;
  /** The last mail Pat got about the ticket: its Message-ID and signed Reply-To. */
  let last: { messageId: string; replyTo: string };
  const samReplies = async (text: string) =>
    call(app, 'POST', `/tickets/${key}/replies`, { cookie: sessionCookie(app, sam), body: { body: text } });
  const patUser = async () => (await database.db.select().from(users).where(eq(users.id, pat.id)))[0]!;
  const patDelivery = async (text: string) => {
    const rows = await database.db.execute<{ status: string; skip_reason: string | null }>(sql`
      SELECT d.status, d.skip_reason FROM deliveries d JOIN outbox o ON o.id = d.outbox_id
      JOIN notifications n ON n.id = (o.payload->>'notificationId')::uuid
      WHERE d.channel = 'email' AND d.target = ${pat.email} AND n.body LIKE ${`%${text}%`}`);
    return rows.rows[0];
  };
  const bounce = async (name: string, vars: Partial<Vars> = {}) =>
    post(
      await fixture(`automatic/${name}`, {
        REPLY_TO: last.replyTo,
        IN_REPLY_TO: last.messageId,
        ROOT: `${key}@desk.test`,
        KEY: key,
        TITLE: 'Bouncing',
        UNIQUE: `b${++unique}`,
        FAILED: pat.email,
        ...vars,
      }),
    );

  beforeAll(async () => {
    pat = await createUserWithPassword(database.db, { name: 'Pat Bounce', email: 'pat@example.com' });
    admin = await createUserWithPassword(database.db, { role: 'admin', email: 'admin-bounces@example.com' });
    const created = await call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
      cookie: sessionCookie(app, pat),
      body: { title: 'Bouncing', description: 'My mailbox is full.' },
    });
    key = created.body.ticket.key;
    await samReplies('First answer to Pat.');
    await until(() => smtp.to(pat.email).some((m) => m.parsed.text?.includes('First answer to Pat.')));
    const mail = smtp.to(pat.email).find((m) => m.parsed.text?.includes('First answer to Pat.'))!;
    last = { messageId: idOf(mail.header('Message-ID')), replyTo: mail.parsed.replyTo!.value[0]!.address! };
  });

  it('a permanent bounce of our mail marks the address; mail to it is then skipped with the reason', async () => {
    const res = await bounce('gmail-dsn-failure.eml');
    expect(res.body).toMatchObject({ outcome: 'ignored', reason: 'bounce' });
    expect((await inboundRow(res.body.messageId as string)).details).toMatchObject({
      finalRecipient: pat.email,
      status: '5.1.1',
      permanent: true,
      bouncing: [pat.email],
    });
    const marked = await patUser();
    expect(marked.emailBounceReason).toContain('5.1.1');
    expect(marked.emailPausedUntil!.getTime() - marked.emailBouncedAt!.getTime()).toBe(7 * 86_400_000);
    const listed = await call<{ items: { id: string; emailBounce: unknown }[] }>(app, 'GET', '/users?q=pat', {
      cookie: sessionCookie(app, admin),
    });
    expect(listed.body.items.find((u) => u.id === pat.id)?.emailBounce).toMatchObject({
      reason: expect.stringContaining('5.1.1'),
      pausedUntil: marked.emailPausedUntil!.toISOString(),
    });

    await samReplies('Second answer, while paused.');
    await until(async () => (await patDelivery('Second answer'))?.status === 'skipped', 15_000, 'skipped delivery');
    expect((await patDelivery('Second answer'))!.skip_reason).toMatch(
      /^mail to pat@example.com is paused until .+: it bounced \(5\.1\.1/,
    );
    expect(smtp.to(pat.email).some((m) => m.parsed.text?.includes('Second answer'))).toBe(false);
  });

  it('an admin clears the mark and mail flows again; others may not', async () => {
    const path = `/users/${pat.id}/email-bounce`;
    expect((await call(app, 'DELETE', path, { cookie: sessionCookie(app, sam) })).status).toBe(403);
    const cleared = await call<{ user: { emailBounce: unknown } }>(app, 'DELETE', path, {
      cookie: sessionCookie(app, admin),
    });
    expect(cleared).toMatchObject({ status: 200, body: { user: { emailBounce: null } } });
    await samReplies('Third answer, after clearing.');
    await until(() => smtp.to(pat.email).some((m) => m.parsed.text?.includes('Third answer')), 15_000, 'mail again');
  });

  it('a temporary failure (4.x.x, delayed) pauses nothing', async () => {
    const res = await bounce('postfix-delayed.eml');
    expect((await inboundRow(res.body.messageId as string)).details).toMatchObject({
      status: '4.4.1',
      permanent: false,
      bouncing: [],
      notMarked: 'a temporary failure (4.x.x or delayed)',
    });
    expect((await patUser()).emailBouncedAt).toBeNull();
  });

  it('a forged bounce that cites no mail of ours pauses nothing', async () => {
    const res = await bounce('gmail-dsn-failure.eml', { IN_REPLY_TO: `${key}.guessed-id@desk.test` });
    expect((await inboundRow(res.body.messageId as string)).details).toMatchObject({
      permanent: true,
      notMarked: 'the report does not cite mail Deskmate sent',
    });
    expect((await patUser()).emailBouncedAt).toBeNull();
  });

  it('a plain-text bounce quoting our signed Reply-To marks the address it names', async () => {
    const res = await bounce('qmail-failure.eml', { IN_REPLY_TO: 'not-ours@elsewhere.example' });
    expect((await inboundRow(res.body.messageId as string)).details).toMatchObject({ bouncing: [pat.email] });
    expect((await patUser()).emailBouncedAt).not.toBeNull();
  });
});

describe('a forged sender never acts as anyone', () => {
  const forged = (key: string, from: string, text: string, extra = '') =>
    [
      `From: ${from}`,
      'To: Deskmate IT <support@desk.test>',
      `Subject: Re: [${key}] anything`,
      `Message-ID: <forged-${++unique}@attacker.example>`,
      // The thread root is derived from the ticket key: anyone can write it.
      `References: <${key}@desk.test>`,
      `In-Reply-To: <${key}@desk.test>`,
      'Date: Mon, 23 Nov 2026 10:00:00 +0000',
      'MIME-Version: 1.0',
      ...(extra ? [extra] : []),
      'Content-Type: text/plain; charset=utf-8',
      '',
      text,
      '',
    ].join('\r\n');
  const last = async (key: string, who: UserRow = sam) => (await timeline(key, who)).at(-1)!;

  it('a forged agent answering the guessable thread root becomes an internal unverified note, not a public reply', async () => {
    const { ticket } = await answeredTicket('Forged agent');
    const outboxBefore = await count(outbox);
    const res = await post(
      forged(ticket.key, 'Sam Agent <sam@example.com>', 'Fixed. Reply with your password to confirm.'),
    );
    expect(res.body).toMatchObject({ outcome: 'noted', reason: 'unverified_sender', matchedBy: 'thread' });
    expect(await replies(ticket.key)).toHaveLength(1);
    expect(await last(ticket.key)).toMatchObject({
      kind: 'note',
      visibility: 'internal',
      author: null,
      body: 'Fixed. Reply with your password to confirm.',
      data: { type: 'unverified_email', state: 'pending', sender: { address: 'sam@example.com', userId: sam.id } },
    });
    expect((await timeline(ticket.key, alice)).some((e) => e.body.includes('password'))).toBe(false);
    // Only the assignee (Sam) is told, internally: nothing is queued for the requester.
    const queued = await database.db.execute<{ kind: string; payload: { userId?: string; visibility?: string } }>(
      sql`SELECT kind, payload FROM outbox ORDER BY id DESC LIMIT ${(await count(outbox)) - outboxBefore}`,
    );
    expect(queued.rows.every((r) => r.payload.userId !== alice.id)).toBe(true);
  });

  it('at most EMAIL_SENDER_LIMIT unverified mails an hour land on one ticket', async () => {
    const { ticket } = await answeredTicket('Flooded');
    const outcomes: unknown[] = [];
    for (let i = 0; i < 5; i++)
      outcomes.push((await post(forged(ticket.key, 'Alice Example <alice@example.com>', `Spam ${i}`))).body.reason);
    expect(outcomes).toEqual([...Array(4).fill('unverified_sender'), 'rate_limited']);
  });

  it('an unsigned reply from the requester by In-Reply-To waits as an unverified note', async () => {
    const { ticket, vars } = await answeredTicket('Unsigned requester');
    const plain = (await fixture('gmail-plain.eml', vars()))
      .toString()
      .replaceAll(vars().REPLY_TO, 'support@desk.test');
    expect((await post(plain)).body).toMatchObject({
      outcome: 'noted',
      reason: 'unverified_sender',
      matchedBy: 'thread',
    });
    expect(await replies(ticket.key)).toHaveLength(1);
    expect((await last(ticket.key)).data).toMatchObject({
      sender: { userId: alice.id },
      why: expect.stringContaining('thread'),
    });
  });

  it('SPF checked with the client IP the webhook caller passes authenticates; another IP does not', async () => {
    dns.txt('example.com', 'v=spf1 ip4:192.0.2.10 -all');
    const { ticket, vars } = await answeredTicket('SPF');
    const mail = async () =>
      (await fixture('gmail-plain.eml', { ...vars(), UNIQUE: `s${++unique}` }))
        .toString()
        .replaceAll(vars().REPLY_TO, 'support@desk.test');
    const good = await post(await mail(), {
      query: '?clientIp=192.0.2.10&helo=mail.example.com&mailFrom=alice@example.com',
    });
    expect(good.body).toMatchObject({ outcome: 'replied', matchedBy: 'thread' });
    expect((await inboundRow(good.body.messageId as string)).details).toMatchObject({ senderVerifiedBy: 'spf' });
    const bad = await post(await mail(), { query: '?clientIp=203.0.113.9&mailFrom=alice@example.com' });
    expect(bad.body).toMatchObject({ outcome: 'noted', reason: 'unverified_sender' });
    expect(await replies(ticket.key)).toHaveLength(2);
    expect((await post(await mail(), { query: '?clientIp=not-an-ip' })).status).toBe(400);
  });

  it('with EMAIL_VERIFY_SENDER=header, the trusted receiver’s Authentication-Results authenticate; another id’s do not', async () => {
    const trusting = await startTestApp({
      database,
      role: 'api',
      env: { ...env(smtp.url), EMAIL_VERIFY_SENDER: 'header', EMAIL_TRUSTED_AUTHSERV_ID: 'mx.desk.test' },
    });
    try {
      const { ticket, vars } = await answeredTicket('Trusted receiver');
      const withAr = async (ar: string) =>
        `Authentication-Results: ${ar}\r\n${(await fixture('gmail-plain.eml', { ...vars(), UNIQUE: `a${++unique}` }))
          .toString()
          .replaceAll(vars().REPLY_TO, 'support@desk.test')}`;
      const trusted = await post(
        await withAr('mx.desk.test; dkim=pass header.d=example.com; dmarc=pass (p=NONE) header.from=example.com'),
        { to: trusting },
      );
      expect(trusted.body).toMatchObject({ outcome: 'replied', matchedBy: 'thread', ticketKey: ticket.key });
      const other = await post(await withAr('mx.attacker.example; dmarc=pass header.from=example.com'), {
        to: trusting,
      });
      expect(other.body).toMatchObject({ outcome: 'noted', reason: 'unverified_sender' });
      expect(await replies(ticket.key)).toHaveLength(2);
    } finally {
      await trusting.stop();
    }
  });

  describe('an agent accepts or discards an unverified mail', () => {
    let olga: UserRow;
    let thread: Thread;
    const decide = (who: UserRow, key: string, eventId: string, what: 'accept' | 'discard') =>
      call<{ note: TTimelineEvent; reply: TTimelineEvent | null }>(
        app,
        'POST',
        `/tickets/${key}/unverified-emails/${eventId}/${what}`,
        { cookie: sessionCookie(app, who) },
      );
    const unverified = async (raw: string | Buffer) => {
      const res = await post(raw);
      expect(res.body).toMatchObject({ outcome: 'noted', reason: 'unverified_sender' });
      return (await inboundRow(res.body.messageId as string)).eventId!;
    };

    beforeAll(async () => {
      olga = await createUserWithPassword(database.db, {
        role: 'agent',
        name: 'Olga Other',
        email: 'olga@example.com',
      });
      const desk = await createGroup(database.db, { name: 'Unverified desk', members: [sam.id, kim.id] });
      await createGroup(database.db, { name: 'Elsewhere', members: [olga.id] });
      thread = await answeredTicket('Accept or discard');
      await call(app, 'PATCH', `/tickets/${thread.ticket.key}`, {
        cookie: sessionCookie(app, sam),
        body: { groupId: desk.id },
      });
    });

    it('accepting posts the text as the requester’s public reply, with its attachment; a second decision is 409', async () => {
      const { vars } = thread;
      const key = thread.ticket.key;
      const raw = (await fixture('thunderbird-html.eml', vars()))
        .toString()
        .replaceAll(vars().REPLY_TO, 'support@desk.test');
      const eventId = await unverified(raw);
      const files = async (who: UserRow) =>
        (
          await call<{ items: { filename: string }[] }>(app, 'GET', `/tickets/${key}/attachments`, {
            cookie: sessionCookie(app, who),
          })
        ).body.items.map((f) => f.filename);
      // The file came with an internal note: the requester does not see it yet.
      expect(await files(sam)).toContain('vpn-log.pdf');
      expect(await files(alice)).not.toContain('vpn-log.pdf');

      expect((await decide(alice, key, eventId, 'accept')).status).toBe(403);
      expect((await decide(olga, key, eventId, 'accept')).status).toBe(404);
      const accepted = await decide(kim, key, eventId, 'accept');
      expect(accepted.status).toBe(200);
      expect(accepted.body.note.data).toMatchObject({ state: 'accepted', decidedBy: { id: kim.id } });
      expect(accepted.body.reply).toMatchObject({ kind: 'reply', visibility: 'public', author: { id: alice.id } });
      expect((await timeline(key, alice)).some((e) => e.id === accepted.body.reply!.id)).toBe(true);
      expect(await files(alice)).toContain('vpn-log.pdf');
      expect((await decide(kim, key, eventId, 'discard')).status).toBe(409);
    });

    it('discarding keeps it internal; no reply is added', async () => {
      const key = thread.ticket.key;
      const raw = (await fixture('apple-plain.eml', { ...thread.vars(), UNIQUE: `d${++unique}` }))
        .toString()
        .replaceAll(thread.vars().REPLY_TO, 'support@desk.test');
      const eventId = await unverified(raw);
      const before = (await replies(key)).length;
      const discarded = await decide(sam, key, eventId, 'discard');
      expect(discarded.body).toMatchObject({ note: { data: { state: 'discarded' } }, reply: null });
      expect(await replies(key)).toHaveLength(before);
      expect((await decide(sam, key, eventId, 'accept')).status).toBe(409);
    });

    it('a mail claiming to be from an agent can be accepted only by that agent', async () => {
      const key = thread.ticket.key;
      const eventId = await unverified(
        forged(key, 'Sam Agent <sam@example.com>', 'Sent from my phone: the fix is live.'),
      );
      const byKim = await decide(kim, key, eventId, 'accept');
      expect(byKim.status).toBe(403);
      const bySam = await decide(sam, key, eventId, 'accept');
      expect(bySam.body.reply).toMatchObject({ author: { id: sam.id }, body: 'Sent from my phone: the fix is live.' });
    });
  });

  it('an agent’s emailed internal note keeps its attachment from the requester', async () => {
    const { ticket } = await answeredTicket('Internal attachment');
    await call(app, 'POST', `/tickets/${ticket.key}/notes`, {
      cookie: sessionCookie(app, kim),
      body: { body: 'See log' },
    });
    await until(() => smtp.to(sam.email).some((m) => about(m, ticket.key) && m.parsed.text?.includes('See log')));
    const note = smtp.to(sam.email).find((m) => about(m, ticket.key) && m.parsed.text?.includes('See log'))!;
    const raw = (
      await fixture('thunderbird-html.eml', {
        REPLY_TO: note.parsed.replyTo!.value[0]!.address!,
        IN_REPLY_TO: idOf(note.header('Message-ID')),
        ROOT: `${ticket.key}@desk.test`,
        KEY: ticket.key,
        TITLE: 'Internal attachment',
        UNIQUE: `i${++unique}`,
      })
    )
      .toString()
      .replace(/^From: .*$/m, 'From: Sam Agent <sam@example.com>');
    expect((await post(raw)).body).toMatchObject({ outcome: 'noted', matchedBy: 'token', reason: null });
    const list = async (who: UserRow) =>
      (
        await call<{ items: { id: string; filename: string }[] }>(app, 'GET', `/tickets/${ticket.key}/attachments`, {
          cookie: sessionCookie(app, who),
        })
      ).body.items;
    const [file] = await list(sam);
    expect(file).toMatchObject({ filename: 'vpn-log.pdf' });
    expect(await list(alice)).toEqual([]);
    const download = await app.fetch(`/api/tickets/${ticket.key}/attachments/${file!.id}`, {
      headers: { cookie: sessionCookie(app, alice) },
    });
    expect(download.status).toBe(404);
  });

  it('a new mail claiming an agent’s address opens a ticket with requester rights only, unless authenticated', async () => {
    const asSam = async () =>
      (await fixture('new-ticket.eml', { UNIQUE: `n${++unique}` }))
        .toString()
        .replace('Alice Example <alice@example.com>', 'Sam Agent <sam@example.com>')
        .replace(/^Cc:.*\r\n/m, '');
    const plain = await post(await asSam());
    expect(plain.body).toMatchObject({ outcome: 'created', matchedBy: 'new' });
    expect((await inboundRow(plain.body.messageId as string)).details).toMatchObject({
      senderAuth: { verified: false },
    });
    // A requester's ticket creation counts against TICKET_CREATE_LIMIT; an agent's does not.
    const counted = await database.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM rate_limit_hits WHERE key = ${`tickets:create:${sam.id}`}`,
    );
    expect(counted.rows[0]!.n).toBe(1);
    const dkim = await post(await signed(await asSam()));
    expect((await inboundRow(dkim.body.messageId as string)).details).toMatchObject({
      senderAuth: { verified: true, method: 'dkim' },
    });
  });
});
