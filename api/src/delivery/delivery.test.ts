import { and, eq, sql } from 'drizzle-orm';
import {
  PermanentDeliveryError,
  RetryAfterError,
  type TDeliveryEnvelope,
  type TDeliveryFacts,
  type TDeliveryPlan,
  type TDeliverySender,
  type TTicket,
} from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveries, messageRefs } from '../db/schema-delivery.js';
import { outbox } from '../db/schema.js';
import type { UserRow } from '../http/context.js';
import { retryDelay } from '../jobs/registry.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';
import { createGroup } from '../test/factories.js';
import { until } from '../test/until.js';

/** A channel that records what it is asked to send, like a Slack stand-in would. */
class RecordingSender implements TDeliverySender {
  readonly channel = 'slack' as const;
  sent: TDeliveryEnvelope[] = [];
  failNext = 0;
  permanentFor = new Set<string>();
  /** Run while sending (as Teams asks our API for its triage channel); what it says is kept. */
  during: (() => Promise<string>) | undefined;
  duringSaid: string[] = [];
  plan(facts: TDeliveryFacts) {
    const plans: TDeliveryPlan[] = [];
    if (facts.kind === 'ticket.changed' && facts.ticket)
      plans.push({
        kind: 'triage.card',
        target: 'C-TRIAGE',
        refKey: { purpose: 'triage_card', ticketId: facts.ticket.id },
      });
    if (facts.kind === 'notification.deliver' && facts.recipient && facts.notification) {
      plans.push({ kind: 'dm.notification', target: facts.recipient.user.email, refKey: null });
    }
    return plans;
  }
  async send(envelope: TDeliveryEnvelope) {
    if (this.permanentFor.has(envelope.plan.target)) throw new PermanentDeliveryError('channel_not_found');
    if (this.during) this.duringSaid.push(await this.during().catch((err: Error) => `${err.name}: ${err.message}`));
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('slack is down');
    }
    this.sent.push(envelope);
    return envelope.plan.kind === 'triage.card'
      ? {
          ref: {
            conversation: 'C-TRIAGE',
            message: (envelope.ref?.message as string | undefined) ?? `ts-${this.sent.length}`,
          },
        }
      : {};
  }
}

const testDatabase = useTestDatabase();
let database: TestDatabase;
let app: TestApp;
let second: TestApp;
const sender = new RecordingSender();
let agent: UserRow;
let alice: UserRow;

beforeAll(async () => {
  database = testDatabase.current;
  const env = { JOBS_PROCESS_EVERY: '100ms', OUTBOX_POLL_INTERVAL: '200ms' };
  app = await startTestApp({ database, env, senders: [sender] });
  // A second worker on the same database: nothing may be sent twice.
  second = await startTestApp({ database, env, senders: [sender], role: 'worker' });
  agent = await createUserWithPassword(database.db, { role: 'agent' });
  alice = await createUserWithPassword(database.db);
  await createGroup(database.db, { name: 'Desk', members: [agent.id] });
});
afterAll(async () => {
  await second.stop();
  await app.stop();
});

describe('deliveries through the outbox', () => {
  it('a new ticket becomes one triage card, updated in place (same message) as the ticket changes', async () => {
    const created = await call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
      cookie: sessionCookie(app, alice),
      body: { title: 'Card test', description: 'x' },
    });
    const id = created.body.ticket.id;
    const cards = () => sender.sent.filter((e) => e.plan.kind === 'triage.card' && e.facts.ticket?.id === id);
    await until(() => cards().length === 1);
    expect(cards()[0]!.ref).toBeNull();
    await call(app, 'POST', `/tickets/${created.body.ticket.key}/claim`, { cookie: sessionCookie(app, agent) });
    await until(() => cards().length >= 2);
    const update = cards().at(-1)!;
    expect(update.ref).toEqual({
      conversation: 'C-TRIAGE',
      message: 'ts-' + String(sender.sent.indexOf(cards()[0]!) + 1),
    });
    // Facts are read when sending: the card shows the ticket as it is now.
    expect(update.facts.ticket?.assignee?.id).toBe(agent.id);
    const refs = await database.db.select().from(messageRefs).where(eq(messageRefs.ticketId, id));
    expect(refs).toMatchObject([
      {
        provider: 'slack',
        purpose: 'triage_card',
        userId: null,
        visibility: 'internal',
        conversationId: 'C-TRIAGE',
        messageId: update.ref!.message,
      },
    ]);
  });

  it('a notification reaches its recipient with the public reply in full, once, even with two workers', async () => {
    const created = await call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
      cookie: sessionCookie(app, alice),
      body: { title: 'DM test', description: 'x' },
    });
    const long = `Please restart the router. ${'More detail. '.repeat(40)}`;
    await call(app, 'POST', `/tickets/${created.body.ticket.key}/replies`, {
      cookie: sessionCookie(app, agent),
      body: { body: long },
    });
    const dms = () =>
      sender.sent.filter((e) => e.plan.kind === 'dm.notification' && e.facts.ticket?.id === created.body.ticket.id);
    await until(() => dms().length === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(dms()).toHaveLength(1);
    expect(dms()[0]!.facts.recipient?.user.id).toBe(alice.id);
    expect(dms()[0]!.facts.event?.body).toBe(long.trim());
    expect(dms()[0]!.facts.notification?.visibility).toBe('public');
  });

  it('an internal note is never planned for a requester: their facts never carry internal content', async () => {
    const created = await call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
      cookie: sessionCookie(app, alice),
      body: { title: 'Note test', description: 'x' },
    });
    await call(app, 'PATCH', `/tickets/${created.body.ticket.key}`, {
      cookie: sessionCookie(app, agent),
      body: { assigneeId: agent.id },
    });
    const other = await createUserWithPassword(database.db, { role: 'agent' });
    await call(app, 'POST', `/tickets/${created.body.ticket.key}/notes`, {
      cookie: sessionCookie(app, other),
      body: { body: 'secret-internal-words' },
    });
    await until(() =>
      sender.sent.some((e) => e.facts.notification?.type === 'note' && e.facts.ticket?.id === created.body.ticket.id),
    );
    const toAlice = sender.sent.filter((e) => e.facts.recipient?.user.id === alice.id);
    expect(JSON.stringify(toAlice)).not.toContain('secret-internal-words');
  });

  it('retries a failed send and marks a permanent failure dead', async () => {
    sender.failNext = 1;
    const created = await call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
      cookie: sessionCookie(app, alice),
      body: { title: 'Retry test', description: 'x' },
    });
    // The failed delivery (which may not be the ticket's only card update) is retried and sent.
    const failed = () =>
      database.db
        .execute<{ status: string; attempts: number }>(
          sql`SELECT d.status, d.attempts FROM deliveries d JOIN outbox o ON o.id = d.outbox_id WHERE o.payload->>'ticketId' = ${created.body.ticket.id} AND d.kind = 'triage.card' AND d.last_error = 'slack is down'`,
        )
        .then((r) => r.rows[0]);
    await until(async () => (await failed())?.status === 'sent', 20_000);
    const row = await failed();
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });

    sender.permanentFor.add(alice.email);
    await call(app, 'POST', `/tickets/${created.body.ticket.key}/replies`, {
      cookie: sessionCookie(app, agent),
      body: { body: 'x' },
    });
    await until(
      async () => (await database.db.select().from(deliveries).where(eq(deliveries.status, 'dead'))).length > 0,
    );
    const [dead] = await database.db.select().from(deliveries).where(eq(deliveries.status, 'dead'));
    expect(dead).toMatchObject({ target: alice.email, lastError: 'channel_not_found' });
    sender.permanentFor.clear();
  });

  it('holds no transaction while a chat channel sends: a send may need a pooled connection of its own', async () => {
    // Teams asks our API for the triage channel while sending, and the API needs a pooled
    // connection for it: a send inside the delivery's transaction would hold one and wait for a
    // second (refused in tests; behind a shared pooler, a stall until its query_wait_timeout).
    sender.duringSaid = [];
    sender.during = async () => {
      const { rows } = await database.db.execute<{ n: number }>(sql`SELECT 1 AS n`);
      return `answered ${rows[0]!.n}`;
    };
    try {
      const created = await call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
        cookie: sessionCookie(app, alice),
        body: { title: 'Send without a transaction', description: 'x' },
      });
      const id = created.body.ticket.id;
      const card = async () =>
        (
          await database.db
            .select()
            .from(deliveries)
            .where(and(eq(deliveries.refPurpose, 'triage_card'), eq(deliveries.refTicketId, id)))
        )[0];
      // Recorded as sent once the send has returned and its record committed.
      await until(async () => (await card())?.status === 'sent');
      expect(sender.sent.some((e) => e.plan.kind === 'triage.card' && e.facts.ticket?.id === id)).toBe(true);
      expect(sender.duringSaid.length).toBeGreaterThan(0);
      expect(new Set(sender.duringSaid)).toEqual(new Set(['answered 1']));
      expect(await card()).toMatchObject({ status: 'sent', lastError: null, attempts: 1 });
    } finally {
      sender.during = undefined;
    }
  });

  it('relays every outbox row exactly once', async () => {
    const rows = await database.db.select().from(outbox);
    expect(rows.length).toBeGreaterThan(0);
    await until(async () => (await database.db.select().from(outbox).where(eq(outbox.status, 'pending'))).length === 0);
    const dupes = await database.db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM (SELECT outbox_id, channel, kind, target FROM deliveries GROUP BY 1,2,3,4 HAVING count(*) > 1) d`,
    );
    expect(dupes.rows[0]?.n).toBe(0);
  });

  it('honours a service’s Retry-After', () => {
    expect(retryDelay({ attempts: 5, backoffMs: 1000 }, 1, new RetryAfterError('429', 30_000))).toBe(30_000);
    expect(
      retryDelay({ attempts: 5, backoffMs: 1000, maxBackoffMs: 10_000 }, 1, new RetryAfterError('429', 30_000)),
    ).toBe(10_000);
  });
});
