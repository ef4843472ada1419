import { eq } from 'drizzle-orm';
import { ImapFlow } from 'imapflow';
import type { TTicket, TTimelineEvent } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailInbound } from '../db/schema-email.js';
import type { UserRow } from '../http/context.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';
import { createGroup } from '../test/factories.js';
import { imapOptions } from './imap.js';
import { EmailSender } from './sender.js';
import {
  fixture,
  hasDovecot,
  startDovecot,
  startSmtpCapture,
  until,
  type Dovecot,
  type SmtpCapture,
} from '../test/email.js';

if (!hasDovecot) {
  console.warn(
    'IMAP intake tests SKIPPED: /usr/sbin/dovecot is not installed here. Install it with `apt-get install -y dovecot-imapd` (.ci/run does) to run them.',
  );
}

describe.runIf(hasDovecot)('IMAP intake against a real IMAP server (dovecot)', () => {
  let dovecot: Dovecot;
  let smtp: SmtpCapture;
  const testDatabase = useTestDatabase();
  let database: TestDatabase;
  let app: TestApp;
  let second: TestApp;
  let sam: UserRow;
  let alice: UserRow;

  beforeAll(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpCapture();
    database = testDatabase.current;
    const env = {
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Deskmate IT <support@desk.test>',
      IMAP_URL: dovecot.url,
      IMAP_POLL_INTERVAL: '1 second',
      EMAIL_INBOUND_MAX_BYTES: '20000',
      JOBS_PROCESS_EVERY: '100ms',
      OUTBOX_POLL_INTERVAL: '200ms',
    };
    app = await startTestApp({ database, env, senders: [new EmailSender()] });
    // A second worker polls the same mailbox: a message must still act once.
    second = await startTestApp({ database, env, role: 'worker', senders: [new EmailSender()] });
    sam = await createUserWithPassword(database.db, { role: 'agent', name: 'Sam Agent', email: 'sam@example.com' });
    alice = await createUserWithPassword(database.db, { name: 'Alice Example', email: 'alice@example.com' });
    await createGroup(database.db, { name: 'Desk', members: [sam.id] });
  });
  afterAll(async () => {
    await second?.stop();
    await app?.stop();
    await smtp?.close();
    await dovecot?.stop();
  });

  async function withMailbox<T>(fn: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = new ImapFlow(imapOptions(dovecot.url));
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.logout();
    }
  }
  const count = (path: string) =>
    withMailbox(async (c) => {
      const status = await c.status(path, { messages: true }).catch(() => null);
      return status ? (status.messages ?? 0) : 0;
    });

  it('a reply in the mailbox is added once to its ticket, the noise is recorded, and all of it is moved away', async () => {
    const created = await call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
      cookie: sessionCookie(app, alice),
      body: { title: 'VPN drops every hour', description: 'Since Monday.' },
    });
    const ticket = created.body.ticket;
    await call(app, 'POST', `/tickets/${ticket.key}/claim`, { cookie: sessionCookie(app, sam) });
    await call(app, 'POST', `/tickets/${ticket.key}/replies`, {
      cookie: sessionCookie(app, sam),
      body: { body: 'Please restart the VPN client.' },
    });
    const answer = () =>
      smtp
        .to(alice.email)
        .find((m) => m.parsed.subject?.startsWith(`[${ticket.key}]`) && m.parsed.text?.includes('Please restart'));
    await until(() => Boolean(answer()), 15_000, 'answer mail');
    const mail = answer()!;
    const vars = {
      REPLY_TO: mail.parsed.replyTo!.value[0]!.address!,
      IN_REPLY_TO: /<([^>]+)>/.exec(mail.header('Message-ID') ?? '')![1]!,
      ROOT: `${ticket.key}@desk.test`,
      KEY: ticket.key,
      TITLE: 'VPN drops every hour',
      UNIQUE: 'imap1',
    };
    const reply = await fixture('gmail-html.eml', vars);
    await withMailbox(async (c) => {
      await c.append('INBOX', reply);
      // The same message delivered twice (a mail server retry).
      await c.append('INBOX', reply);
      await c.append('INBOX', await fixture('out-of-office.eml', vars));
      await c.append(
        'INBOX',
        Buffer.concat([await fixture('new-ticket.eml', { UNIQUE: 'big' }), Buffer.alloc(30_000, 'x')]),
      );
    });

    await until(async () => (await count('INBOX')) === 0, 20_000, 'inbox emptied');
    expect(await count('Deskmate/Processed')).toBe(4);

    const timeline = await call<{ items: TTimelineEvent[] }>(app, 'GET', `/tickets/${ticket.key}/timeline`, {
      cookie: sessionCookie(app, sam),
    });
    const replies = timeline.body.items.filter((e) => e.kind === 'reply');
    expect(replies).toHaveLength(2);
    expect(replies[1]).toMatchObject({
      body: "Thanks, restarting the VPN client fixed it.\nI'll let you know if it drops again.",
      author: { id: alice.id },
      channel: 'email',
    });
    const rows = await database.db.select().from(emailInbound).where(eq(emailInbound.source, 'imap'));
    expect(rows.map((r) => `${r.outcome}:${r.reason ?? ''}`).sort()).toEqual([
      'ignored:auto_reply',
      'rejected:too_large',
      'replied:',
    ]);
    // The assignee is told of the reply.
    await until(() =>
      smtp
        .to(sam.email)
        .some((m) => m.parsed.subject?.startsWith(`[${ticket.key}]`) && m.parsed.text?.includes('restarting')),
    );
  });
});
