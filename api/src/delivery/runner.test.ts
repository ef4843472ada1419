import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { TDeliveryEnvelope, TDeliveryFacts, TDeliveryPlan, TDeliverySender } from '@deskmate/shared';
import { recordAudits } from '../audit/record.js';
import { noteDirectWrite, type DbOrTx } from '../db/client.js';
import type { TransactionalSender } from '../email/sender.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { deliveries, messageRefs } from '../db/schema-delivery.js';
import { auditEvents, outbox } from '../db/schema.js';
import { SessionConnection } from '../db/session.js';
import { silentLogger } from '../logger.js';
import { countedDatabase } from '../test/counted.js';
import { useTestDatabase } from '../test/db.js';
import { createTicket, createUser } from '../test/factories.js';
import { writeOutbox } from './outbox.js';
import { OutboxRelay } from './relay.js';
import { DeliveryRunner } from './runner.js';

/** A chat channel stand-in: one message per ticket change, to the change's key; some targets fail. */
class NoteSender implements TDeliverySender {
  readonly channel = 'slack' as const;
  sent: string[] = [];
  failing = new Set<string>();
  plan(facts: TDeliveryFacts): TDeliveryPlan[] {
    const key = (facts.payload as { key?: string }).key;
    return key ? [{ kind: 'note', target: key, refKey: null }] : [];
  }
  async send(envelope: TDeliveryEnvelope) {
    if (this.failing.has(envelope.plan.target)) throw new Error(`${envelope.plan.target} is down`);
    this.sent.push(envelope.plan.target);
    return {};
  }
}

/**
 * An email stand-in: what it writes goes into the delivery's transaction (an audit row here, as
 * the email sender writes its mail and Message-ID), and it can fail after writing.
 */
class TransactionalNoteSender implements TransactionalSender {
  readonly channel = 'email' as const;
  failing = false;
  plan(facts: TDeliveryFacts): TDeliveryPlan[] {
    const key = (facts.payload as { key?: string }).key;
    return key ? [{ kind: 'note', target: key, refKey: null }] : [];
  }
  async send(): Promise<never> {
    throw new Error('sent in the transaction only');
  }
  async sendIn(tx: DbOrTx, envelope: TDeliveryEnvelope) {
    await recordAudits(tx, { userId: null, type: 'system' }, [
      { action: 'probe.mailed', entityType: 'delivery', entityId: envelope.id },
    ]);
    if (this.failing) throw new Error('the relay said 451');
    return {};
  }
}

/**
 * An email stand-in for a batch: each payload names a thread (a ticket and a person) or none; a
 * send answers the message sent before on its thread, records the transaction it ran in, and can
 * fail in JavaScript or with a database error.
 */
class ThreadSender implements TransactionalSender {
  readonly channel = 'email' as const;
  failing = new Set<string>();
  breaking = new Set<string>();
  postponing = new Set<string>();
  postponed: string[] = [];
  sent: { target: string; answers: string | null; txid: string }[] = [];
  /** The thread (a ticket and a person) of a key's mail; none: a mail on its own. */
  threads = new Map<string, { ticketId: string; userId: string }>();
  plan(facts: TDeliveryFacts): TDeliveryPlan[] {
    const key = (facts.payload as { key?: string }).key;
    if (!key) return [];
    const thread = this.threads.get(key);
    return [{ kind: 'note', target: key, refKey: thread ? { purpose: 'email_thread', ...thread } : null }];
  }
  async send(): Promise<never> {
    throw new Error('sent in the transaction only');
  }
  async sendIn(tx: DbOrTx, envelope: TDeliveryEnvelope) {
    const target = envelope.plan.target;
    if (this.postponing.has(target)) {
      // As an email put off by preference: an outbox row written at once, nothing sent.
      await writeOutbox(
        tx,
        'ticket.changed',
        [
          {
            dedupeKey: `postponed:${target}`,
            payload: { ticketId: randomUUID(), key: `${target}-later`, action: 'ticket.updated' as const },
          },
        ],
        'skip',
      );
      noteDirectWrite(tx);
      this.postponed.push(target);
      return {};
    }
    const [{ txid }] = (await tx.execute<{ txid: string }>(sql`SELECT txid_current()::text AS txid`)).rows as [
      { txid: string },
    ];
    if (this.breaking.has(target)) await tx.execute(sql`SELECT 1 / 0`);
    await recordAudits(tx, { userId: null, type: 'system' }, [
      { action: 'probe.mailed', entityType: 'delivery', entityId: envelope.id },
    ]);
    if (this.failing.has(target)) throw new Error(`${target}: the relay said 451`);
    this.sent.push({ target, answers: envelope.ref?.message ?? null, txid });
    return { ref: { conversation: 'thread', message: `mail-${target}` } };
  }
}

const LIFETIME_MS = 60_000;
const BACKOFF_MS = 10 * 60_000;
const db = useTestDatabase();
let session: SessionConnection;
let sender: NoteSender;

const runner = (senders: TDeliverySender[] = [sender]) =>
  new DeliveryRunner({
    db: db.current.db,
    session,
    senders,
    clock: systemClock,
    logger: silentLogger(),
    pollMs: 60_000,
    lockLifetimeMs: LIFETIME_MS,
    retry: { attempts: 2, backoffMs: BACKOFF_MS },
  });

/** Ticket changes written and relayed: one pending delivery each, to its key. */
async function planned(keys: string[], senders: TDeliverySender[] = [sender]): Promise<void> {
  await writeOutbox(
    db.current.db,
    'ticket.changed',
    keys.map((key) => ({
      dedupeKey: `runner:${key}`,
      payload: { ticketId: randomUUID(), key, action: 'ticket.updated' as const },
    })),
    'skip',
  );
  const relay = new OutboxRelay({
    session,
    db: db.current.db,
    senders,
    clock: systemClock,
    logger: silentLogger(),
    pollMs: 60_000,
  });
  while ((await relay.relayBatch()) > 0);
}

const deliveryTo = async (target: string) =>
  (await db.current.db.select().from(deliveries).where(eq(deliveries.target, target)))[0]!;

/** Seconds from the database's now to a delivery's due time. */
const dueInSeconds = async (target: string) =>
  Number(
    (
      await db.current.db.execute<{ s: number }>(
        sql`SELECT extract(epoch FROM next_attempt_at - now()) AS s FROM deliveries WHERE target = ${target}`,
      )
    ).rows[0]!.s,
  );

beforeAll(async () => {
  session = new SessionConnection(db.current.url, silentLogger(), 'runner-test');
  await session.start();
});
afterAll(async () => {
  await session.stop();
});
beforeEach(async () => {
  sender = new NoteSender();
  await db.current.db.delete(deliveries);
  await db.current.db.delete(outbox);
});

describe('the delivery runner', () => {
  it('sends what is due once; a failure waits out its backoff, and its last attempt is dead', async () => {
    await planned(['IT-1', 'IT-2']);
    sender.failing.add('IT-2');
    const run = runner();
    expect(await run.runBatch()).toBe(2);
    expect(sender.sent).toEqual(['IT-1']);
    expect(await deliveryTo('IT-1')).toMatchObject({ status: 'sent', attempts: 1, runId: null });
    expect(await deliveryTo('IT-2')).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'IT-2 is down',
      runId: null,
    });
    // Due again after the policy's backoff, not before: the next pass leaves it.
    expect(await dueInSeconds('IT-2')).toBeGreaterThan(BACKOFF_MS / 1000 - 30);
    expect(await dueInSeconds('IT-2')).toBeLessThanOrEqual(BACKOFF_MS / 1000);
    expect(await run.runBatch()).toBe(0);

    // The backoff has passed: its second and last attempt fails too.
    await db.current.db
      .update(deliveries)
      .set({ nextAttemptAt: sql`now()` })
      .where(eq(deliveries.target, 'IT-2'));
    expect(await run.runBatch()).toBe(1);
    expect(await deliveryTo('IT-2')).toMatchObject({ status: 'dead', attempts: 2, lastError: 'IT-2 is down' });
    expect(sender.sent).toEqual(['IT-1']);
  });

  it("leaves a live run's claim alone, and takes over one its worker stopped refreshing", async () => {
    await planned(['IT-3']);
    const otherRun = randomUUID();
    await db.current.db
      .update(deliveries)
      .set({ runId: otherRun, runSeenAt: sql`now()` })
      .where(eq(deliveries.target, 'IT-3'));
    expect(await runner().runBatch()).toBe(0);
    expect(sender.sent).toEqual([]);

    // Its worker died: no heartbeat for longer than the lifetime.
    await db.current.db
      .update(deliveries)
      .set({ runSeenAt: sql`now() - ${LIFETIME_MS + 1000} * interval '1 millisecond'` })
      .where(eq(deliveries.target, 'IT-3'));
    expect(await runner().runBatch()).toBe(1);
    expect(sender.sent).toEqual(['IT-3']);
    expect(await deliveryTo('IT-3')).toMatchObject({ status: 'sent', runId: null });
  });

  it('sends every delivery once when two workers claim at the same time', async () => {
    const keys = Array.from({ length: 80 }, (_, i) => `IT-${100 + i}`);
    await planned(keys);
    const [a, b] = [runner(), runner()];
    const drain = async (run: DeliveryRunner) => {
      let total = 0;
      for (let n = await run.runBatch(); n > 0; n = await run.runBatch()) total += n;
      return total;
    };
    const [byA, byB] = await Promise.all([drain(a), drain(b)]);
    expect(byA + byB).toBe(keys.length);
    expect(byA).toBeGreaterThan(0);
    expect(byB).toBeGreaterThan(0);
    expect([...sender.sent].sort()).toEqual([...keys].sort());
  });

  it('sends a batch of emails in one transaction; one that fails keeps nothing it wrote, the others all of it', async () => {
    const email = new ThreadSender();
    const keys = ['IT-21', 'IT-22', 'IT-23', 'IT-24', 'IT-25'];
    await planned(keys, [email]);
    email.failing.add('IT-23');
    expect(await runner([email]).runBatch()).toBe(5);
    expect(email.sent.map((s) => s.target).sort()).toEqual(['IT-21', 'IT-22', 'IT-24', 'IT-25']);
    expect(new Set(email.sent.map((s) => s.txid)).size).toBe(1);
    for (const key of keys) {
      const delivery = await deliveryTo(key);
      const audits = await db.current.db.select().from(auditEvents).where(eq(auditEvents.entityId, delivery.id));
      if (key === 'IT-23') {
        expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastError: 'IT-23: the relay said 451' });
        expect(audits).toHaveLength(0);
      } else {
        expect(delivery).toMatchObject({ status: 'sent', attempts: 1, runId: null });
        expect(audits).toHaveLength(1);
      }
    }
  });

  it('sends a wave of emails in the same number of statements whatever its size', async () => {
    // max: 1, so that a send of the stand-in waits on nothing but its own transaction.
    const counted = countedDatabase(db.current.url);
    try {
      const statementsFor = async (keys: string[]) => {
        await planned(keys, [new ThreadSender()]);
        const email = new ThreadSender();
        const run = new DeliveryRunner({
          db: counted.db,
          session,
          senders: [email],
          clock: systemClock,
          logger: silentLogger(),
          pollMs: 60_000,
          lockLifetimeMs: LIFETIME_MS,
        });
        const before = counted.statements();
        expect(await run.runBatch()).toBe(keys.length);
        expect(email.sent).toHaveLength(keys.length);
        // The stand-in's own query (its transaction id) is one per send: not the runner's.
        return counted.statements() - before - keys.length;
      };
      const two = await statementsFor(['IT-51', 'IT-52']);
      const eight = await statementsFor(['IT-61', 'IT-62', 'IT-63', 'IT-64', 'IT-65', 'IT-66', 'IT-67', 'IT-68']);
      expect(eight).toBe(two);
    } finally {
      await counted.close();
    }
  });

  it('a database error in one send: the mails that went out are recorded sent all the same, the others retried', async () => {
    const email = new ThreadSender();
    const keys = ['IT-31', 'IT-32', 'IT-33'];
    await planned(keys, [email]);
    email.breaking.add('IT-32');
    expect(await runner([email]).runBatch()).toBe(3);
    expect(email.sent.map((s) => s.target).sort()).toEqual(['IT-31', 'IT-33']);
    for (const key of ['IT-31', 'IT-33']) {
      const delivery = await deliveryTo(key);
      expect(delivery).toMatchObject({ status: 'sent', attempts: 1, runId: null });
      expect(await db.current.db.select().from(auditEvents).where(eq(auditEvents.entityId, delivery.id))).toHaveLength(
        1,
      );
    }
    const broken = await deliveryTo('IT-32');
    expect(broken).toMatchObject({ status: 'pending', attempts: 1 });
    expect(broken.lastError).toMatch(/^Failed query: SELECT 1 \/ 0/);
    expect(await db.current.db.select().from(auditEvents).where(eq(auditEvents.entityId, broken.id))).toHaveLength(0);
    // Only the one that failed is sent on its retry.
    email.breaking.clear();
    await db.current.db
      .update(deliveries)
      .set({ nextAttemptAt: sql`now()` })
      .where(eq(deliveries.target, 'IT-32'));
    expect(await runner([email]).runBatch()).toBe(1);
    expect(email.sent.map((s) => s.target).sort()).toEqual(['IT-31', 'IT-32', 'IT-33']);
  });

  it('after a database error, a send that wrote at once (postponed) is retried, not recorded without its writes', async () => {
    const email = new ThreadSender();
    await planned(['IT-71', 'IT-72', 'IT-73'], [email]);
    email.breaking.add('IT-72');
    email.postponing.add('IT-73');
    expect(await runner([email]).runBatch()).toBe(3);
    expect(await deliveryTo('IT-71')).toMatchObject({ status: 'sent' });
    // It went through (postponed), but the wave's error took its outbox row: so it is retried.
    expect(email.postponed).toEqual(['IT-73']);
    expect(await deliveryTo('IT-73')).toMatchObject({ status: 'pending', attempts: 1 });
    const postponedRows = () => db.current.db.select().from(outbox).where(eq(outbox.dedupeKey, 'postponed:IT-73'));
    expect(await postponedRows()).toHaveLength(0);
    // Tried again on its own, it is postponed for real.
    email.breaking.clear();
    await db.current.db
      .update(deliveries)
      .set({ nextAttemptAt: sql`now()` })
      .where(eq(deliveries.target, 'IT-73'));
    await db.current.db.update(deliveries).set({ status: 'dead' }).where(eq(deliveries.target, 'IT-72'));
    expect(await runner([email]).runBatch()).toBe(1);
    expect(await deliveryTo('IT-73')).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await postponedRows()).toHaveLength(1);
  });

  it('mails of one thread claimed together go out one after another, each answering the one before', async () => {
    const email = new ThreadSender();
    const requester = await createUser(db.current.db);
    const ticket = await createTicket(db.current.db, { requesterId: requester.id });
    const thread = { ticketId: ticket.id, userId: requester.id };
    const keys = ['IT-41', 'IT-42', 'IT-43', 'IT-44'];
    // Three in one thread, one on its own.
    for (const key of ['IT-41', 'IT-42', 'IT-44']) email.threads.set(key, thread);
    await planned(keys, [email]);
    expect(await runner([email]).runBatch()).toBe(4);
    const answers = Object.fromEntries(email.sent.map((s) => [s.target, s.answers]));
    expect(answers).toEqual({ 'IT-41': null, 'IT-42': 'mail-IT-41', 'IT-43': null, 'IT-44': 'mail-IT-42' });
    // The lone one shared the first wave's transaction; each later mail of the thread had its own.
    const txOf = Object.fromEntries(email.sent.map((s) => [s.target, s.txid]));
    expect(txOf['IT-43']).toBe(txOf['IT-41']);
    expect(new Set([txOf['IT-41'], txOf['IT-42'], txOf['IT-44']]).size).toBe(3);
    const [ref] = await db.current.db.select().from(messageRefs).where(eq(messageRefs.ticketId, ticket.id));
    expect(ref).toMatchObject({
      provider: 'email',
      purpose: 'email_thread',
      userId: requester.id,
      messageId: 'mail-IT-44',
    });
  });

  it('keeps nothing an email send wrote when it fails, and all of it when it is sent', async () => {
    const email = new TransactionalNoteSender();
    await planned(['IT-7'], [email]);
    const delivery = await deliveryTo('IT-7');
    const written = async () =>
      (await db.current.db.select().from(auditEvents).where(eq(auditEvents.entityId, delivery.id))).length;
    email.failing = true;
    expect(await runner([email]).runBatch()).toBe(1);
    expect(await written()).toBe(0);
    expect(await deliveryTo('IT-7')).toMatchObject({ status: 'pending', attempts: 1, lastError: 'the relay said 451' });

    email.failing = false;
    await db.current.db
      .update(deliveries)
      .set({ nextAttemptAt: sql`now()` })
      .where(eq(deliveries.target, 'IT-7'));
    expect(await runner([email]).runBatch()).toBe(1);
    expect(await written()).toBe(1);
    expect(await deliveryTo('IT-7')).toMatchObject({ status: 'sent', attempts: 2, runId: null });
  });
});
