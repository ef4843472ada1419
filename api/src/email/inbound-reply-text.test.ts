import type { TTicket, TTimelineEvent } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '../http/context.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';
import { EmailSender } from './sender.js';
import { fixture, startSmtpCapture, until, type SmtpCapture } from '../test/email.js';

/** The reply text through the whole inbound path: the raw message reaches the stripper. */
const SECRET = 'inbound-secret-for-the-reply-text-tests';
let smtp: SmtpCapture;
const testDatabase = useTestDatabase();
let database: TestDatabase;
let app: TestApp;
let sam: UserRow;
let alice: UserRow;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  database = testDatabase.current;
  app = await startTestApp({
    database,
    senders: [new EmailSender()],
    env: {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Deskmate IT <support@desk.test>',
      PUBLIC_URL: 'https://desk.test',
      EMAIL_INBOUND_SECRET: SECRET,
      EMAIL_REPLY_SECRET: 'reply-secret-for-the-reply-text-tests-0123456789',
      JOBS_PROCESS_EVERY: '100ms',
      OUTBOX_POLL_INTERVAL: '200ms',
    },
  });
  sam = await createUserWithPassword(database.db, { role: 'agent', name: 'Sam Agent', email: 'sam@example.com' });
  alice = await createUserWithPassword(database.db, { name: 'Alice Example', email: 'alice@example.com' });
});
afterAll(async () => {
  await app.stop();
  await smtp.close();
});

describe('a Thunderbird reply in format=flowed, answered inline', () => {
  it('is stored with the answers written between the quoted lines, not joined into the quote', async () => {
    const title = 'VPN drops every hour';
    const created = await call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
      cookie: sessionCookie(app, alice),
      body: { title, description: 'It drops every hour.' },
    });
    const key = created.body.ticket.key;
    await call(app, 'POST', `/tickets/${key}/claim`, { cookie: sessionCookie(app, sam) });
    await call(app, 'POST', `/tickets/${key}/replies`, {
      cookie: sessionCookie(app, sam),
      body: { body: 'Please restart the VPN client and tell us if it still drops.' },
    });
    const answer = () => smtp.to(alice.email).find((m) => m.parsed.text?.includes('Please restart'));
    await until(() => Boolean(answer()), 15_000, 'the answer mail');
    const mail = answer()!;

    const raw = await fixture('thunderbird-flowed-inline.eml', {
      REPLY_TO: mail.parsed.replyTo!.value[0]!.address!,
      IN_REPLY_TO: /<([^>]+)>/.exec(mail.header('Message-ID') ?? '')![1]!,
      ROOT: `${key}@desk.test`,
      KEY: key,
      TITLE: title,
      UNIQUE: 'flowed1',
    });
    const res = await app.fetch('/api/email/inbound', {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${SECRET}` },
      body: new Uint8Array(raw),
    });
    expect(await res.json()).toMatchObject({ outcome: 'replied', ticketKey: key });

    const timeline = await call<{ items: TTimelineEvent[] }>(app, 'GET', `/tickets/${key}/timeline`, {
      cookie: sessionCookie(app, sam),
    });
    const replies = timeline.body.items.filter((e) => e.kind === 'reply');
    expect(replies.at(-1)).toMatchObject({
      body: 'It still drops, twice since the restart.\nVersion 5.2.1.',
      author: { id: alice.id },
    });
  });
});
