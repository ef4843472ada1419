import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { TDeliveryEnvelope, TDeliveryFacts, TDeliveryPlan, TDeliverySender } from '@deskmate/shared';
import { recordAudits } from '../audit/record.js';
import pg from 'pg';
import { isWriteScope, type DbOrTx } from '../db/client.js';
import { NeedsTransaction, type TransactionalSender } from '../email/sender.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { deliveries, messageRefs } from '../db/schema-delivery.js';
import { auditEvents, outbox } from '../db/schema.js';
import { SessionConnection } from '../db/session.js';
import { silentLogger } from '../logger.js';
import { countedDatabase } from '../test/counted.js';
import { useTestDatabase } from '../test/db.js';
import { createTicket, createUser } from '../test/factories.js';
import { until } from '../test/until.js';
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
  holding = new Map<string, Promise<void>>();
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
    // The relay takes its time answering this one.
    await this.holding.get(envelope.plan.target);
    return {};
  }
}

/**
 * An email stand-in for waves: a payload's key names a thread (a ticket and a person) or none; a
 * send answers the message sent before on its thread and writes an audit row as its record. Keys
 * in `postponing` are put off as a preference would: an outbox row written at once, which needs
 * a transaction of its own (NeedsTransaction on a wave's handle).
 */
class ThreadSender implements TransactionalSender {
  readonly channel = 'email' as const;
  threads = new Map<string, { ticketId: string; userId: string }>();
  postponing = new Set<string>();
  sent: { target: string; answers: string | null; inWave: boolean }[] = [];
  started = new Set<string>();
  holding = new Map<string, Promise<void>>();
  plan(facts: TDeliveryFacts): TDeliveryPlan[] {
    const key = (facts.payload as { key?: string }).key;
    if (!key) return [];
    const thread = this.threads.get(key);
    return [{ kind: 'note', target: key, refKey: thread ? { purpose: 'email_thread', ...thread } : null }];
  }
  async send(): Promise<never> {
    throw new Error('sent through sendIn only');
  }
  async sendIn(db: DbOrTx, envelope: TDeliveryEnvelope) {
    const target = envelope.plan.target;
    const inWave = isWriteScope(db);
    this.started.add(target);
    if (this.postponing.has(target)) {
      if (inWave) throw new NeedsTransaction('postponed');
      await writeOutbox(
        db,
        'ticket.changed',
        [
          {
            dedupeKey: `postponed:${target}`,
            payload: { ticketId: randomUUID(), key: `${target}-later`, action: 'ticket.updated' as const },
          },
        ],
        'skip',
      );
      return {};
    }
    await recordAudits(db, { userId: null, type: 'system' }, [
      { action: 'probe.mailed', entityType: 'delivery', entityId: envelope.id },
    ]);
    await this.holding.get(target);
    this.sent.push({ target, answers: envelope.ref?.message ?? null, inWave });
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

  it('records each email as sent as soon as it goes out, while others of the batch still wait (a crash repeats none)', async () => {
    const email = new TransactionalNoteSender();
    await planned(['IT-91', 'IT-92'], [email]);
    let release!: () => void;
    email.holding.set('IT-92', new Promise<void>((resolve) => (release = resolve)));
    const run = runner([email]).runBatch();
    await until(async () => (await deliveryTo('IT-91')).status === 'sent', 10_000, 'IT-91 recorded as sent');
    expect(await deliveryTo('IT-92')).toMatchObject({ status: 'pending' });
    release();
    expect(await run).toBe(2);
    expect(await deliveryTo('IT-92')).toMatchObject({ status: 'sent' });
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

describe('email waves (ADR 22)', () => {
  const auditsOf = async (target: string) =>
    db.current.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.entityId, (await deliveryTo(target)).id));

  it('mails of one thread claimed together go out one after another, each answering the one before', async () => {
    const email = new ThreadSender();
    const requester = await createUser(db.current.db);
    const ticket = await createTicket(db.current.db, { requesterId: requester.id });
    const thread = { ticketId: ticket.id, userId: requester.id };
    for (const key of ['IT-41', 'IT-42', 'IT-44']) email.threads.set(key, thread);
    await planned(['IT-41', 'IT-42', 'IT-43', 'IT-44'], [email]);
    expect(await runner([email]).runBatch()).toBe(4);
    expect(Object.fromEntries(email.sent.map((s) => [s.target, s.answers]))).toEqual({
      'IT-41': null,
      'IT-42': 'mail-IT-41',
      'IT-43': null,
      'IT-44': 'mail-IT-42',
    });
    expect(email.sent.every((s) => s.inWave)).toBe(true);
    const [ref] = await db.current.db.select().from(messageRefs).where(eq(messageRefs.ticketId, ticket.id));
    expect(ref).toMatchObject({ provider: 'email', userId: requester.id, messageId: 'mail-IT-44' });
    for (const key of ['IT-41', 'IT-42', 'IT-43', 'IT-44']) {
      expect(await deliveryTo(key)).toMatchObject({ status: 'sent', attempts: 1, runId: null });
      expect(await auditsOf(key)).toHaveLength(1);
    }
  });

  it('records each mail of a wave in one statement of its own: the statements grow by one per mail', async () => {
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
        return counted.statements() - before;
      };
      const two = await statementsFor(['IT-51', 'IT-52']);
      const eight = await statementsFor(['IT-61', 'IT-62', 'IT-63', 'IT-64', 'IT-65', 'IT-66', 'IT-67', 'IT-68']);
      // One transaction per mail was six statements each (BEGIN, lock, read, recipient, write, COMMIT).
      expect(eight - two).toBe(6);
    } finally {
      await counted.close();
    }
  });

  it('a send that must write at once (postponed) goes in a transaction of its own, once, after its wave', async () => {
    const email = new ThreadSender();
    await planned(['IT-71', 'IT-72'], [email]);
    email.postponing.add('IT-72');
    expect(await runner([email]).runBatch()).toBe(2);
    expect(email.sent).toEqual([{ target: 'IT-71', answers: null, inWave: true }]);
    expect(await deliveryTo('IT-72')).toMatchObject({ status: 'sent', attempts: 1, runId: null });
    expect(await db.current.db.select().from(outbox).where(eq(outbox.dedupeKey, 'postponed:IT-72'))).toHaveLength(1);
  });

  it('a thread another process is sending on waits for it, while the rest of the wave goes', async () => {
    const email = new ThreadSender();
    const requester = await createUser(db.current.db);
    const ticket = await createTicket(db.current.db, { requesterId: requester.id });
    email.threads.set('IT-81', { ticketId: ticket.id, userId: requester.id });
    await planned(['IT-81', 'IT-82'], [email]);
    // Another worker holds the thread's lock, as a transaction of the per-mail path would.
    const other = new pg.Client({ connectionString: db.current.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `ref:email:email_thread:${ticket.id}:${requester.id}`,
      ]);
      const run = runner([email]).runBatch();
      await until(async () => (await deliveryTo('IT-82')).status === 'sent', 10_000, 'IT-82 sent');
      expect(await deliveryTo('IT-81')).toMatchObject({ status: 'pending' });
      await other.query('COMMIT');
      expect(await run).toBe(2);
    } finally {
      await other.end();
    }
    expect(await deliveryTo('IT-81')).toMatchObject({ status: 'sent', attempts: 1 });
    expect(email.sent.map((s) => [s.target, s.inWave])).toEqual([
      ['IT-82', true],
      ['IT-81', false],
    ]);
  });

  it('a claim another worker took over while the relay answered is not marked sent by the run that lost it', async () => {
    const email = new ThreadSender();
    await planned(['IT-85'], [email]);
    let release!: () => void;
    email.holding.set('IT-85', new Promise<void>((resolve) => (release = resolve)));
    const run = runner([email]).runBatch();
    await until(async () => email.started.has('IT-85'), 10_000, 'IT-85 waiting on the relay');
    const takenBy = randomUUID();
    await db.current.db.update(deliveries).set({ runId: takenBy }).where(eq(deliveries.target, 'IT-85'));
    release();
    await run;
    expect(await deliveryTo('IT-85')).toMatchObject({ status: 'pending', runId: takenBy, attempts: 0 });
  });
});
