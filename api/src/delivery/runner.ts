import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import {
  PermanentDeliveryError,
  RetryAfterError,
  type TDeliveryEnvelope,
  type TDeliveryFacts,
  type TDeliveryPlan,
  type TDeliveryResult,
  type TDeliverySender,
} from '@deskmate/shared';
import type { Clock } from '../clock.js';
import { atCommit, writeScope, writeScoped, type Db, type DbOrTx } from '../db/client.js';
import { outbox } from '../db/schema.js';
import { deliveries } from '../db/schema-delivery.js';
import { LockTimeoutError, type SessionConnection } from '../db/session.js';
import { isTransactional, NeedsTransaction, type TransactionalSender } from '../email/sender.js';
import { retryDelay, type RetryPolicy } from '../jobs/registry.js';
import type { Logger } from '../logger.js';
import { BatchLoop } from './batch-loop.js';
import { FactsReader } from './facts.js';
import { lockRefKey, messageRefOf, refKeyOf, refLockName, saveMessageRef } from './message-refs.js';

type DeliveryRow = typeof deliveries.$inferSelect;
type OutboxRow = typeof outbox.$inferSelect;

/** A claimed delivery, its outbox row and the facts read for it (null: the row is gone). */
interface Claimed {
  delivery: DeliveryRow;
  row: OutboxRow | null;
  facts: TDeliveryFacts | null;
}

/** Deliveries claimed at once, by one pass. */
const BATCH = 50;
/** How long a kick waits for others to join its pass (BatchLoop). */
const COALESCE_MS = 20;
/**
 * Sends at once in one worker outside the email waves: chat, and emails sent one by one in a
 * transaction (each holds a pooled connection while it talks to SMTP).
 */
export const DELIVERY_CONCURRENCY = 10;
/**
 * Emails in one wave at most (ADR 22). A wave's sends resume together when its recipients are read
 * and each renders and builds its record before it next waits, so a wave holds the event loop that
 * long: waves of 10 left deliveries behind the creates (drain 4.9–5.8 s), waves of a whole batch
 * (50) raised the create p99 to 190–280 ms; 25 gave 3.3–3.5 s and 162–174 ms (create bench).
 */
const WAVE_SIZE = 25;
/** How a failed send is retried: 8 runs, from 5 seconds apart doubling to at most 30 minutes. */
export const deliveryRetry: RetryPolicy = { attempts: 8, backoffMs: 5_000, maxBackoffMs: 30 * 60_000 };
/** How long a send waits for the one before it on the same ref key before it is retried later. */
const REF_LOCK_WAIT_MS = 30_000;

/** What one send needs besides its delivery. */
interface Sending {
  db: Db;
  clock: Clock;
  session: SessionConnection;
  /** The run that claimed the delivery: a send goes ahead only while the claim is still its own. */
  runId: string;
  /** This delivery's attempt, 1 for the first. */
  attempt: number;
  facts: TDeliveryFacts;
}

/**
 * Sends the deliveries the outbox relay planned (ADR 20). A run claims a batch of due deliveries
 * for its channels in one statement (FOR UPDATE SKIP LOCKED, so any number of workers share the
 * table), reads the facts of the whole batch together (FactsReader), and sends them, up to ten at
 * once, each in its own transaction as before: exactly once for email, whose writes commit with
 * the delivery's status. The claim is a run id and a heartbeat on the rows, refreshed while the
 * run lasts; a worker that dies leaves claims that go stale after JOBS_LOCK_LIFETIME, and another
 * worker takes them over. A failure is kept on the row with its next due time (the retry policy's
 * backoff, or the service's Retry-After) until its attempts are spent, and then the delivery is
 * dead.
 *
 * One Agenda job per message cost more round trips than the message itself (queue, lock, claim,
 * start, release, finish): deliveries are most of the work a ticket change causes.
 */
export class DeliveryRunner {
  private timer: NodeJS.Timeout | undefined;
  private readonly loop: BatchLoop;
  private stopped = false;

  constructor(
    private readonly options: {
      db: Db;
      session: SessionConnection;
      senders: TDeliverySender[];
      clock: Clock;
      logger: Logger;
      pollMs: number;
      /** How long a claim lasts without a heartbeat (JOBS_LOCK_LIFETIME). */
      lockLifetimeMs: number;
      retry?: RetryPolicy;
    },
  ) {
    this.loop = new BatchLoop(() => this.runBatch(), {
      size: BATCH,
      coalesceMs: COALESCE_MS,
      logger: options.logger,
      name: 'delivery pass',
    });
  }

  start(): void {
    // New deliveries come from this process's relay (it kicks), retries fall due, and other
    // workers die: the poll finds those.
    this.timer = setInterval(() => this.kick(), this.options.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Run a pass soon (see BatchLoop: deliveries planned meanwhile go in the same batch). */
  kick(): void {
    if (!this.stopped && this.options.senders.length) this.loop.kick();
  }

  /** Claim and send one batch; returns how many deliveries it claimed. */
  async runBatch(): Promise<number> {
    const { db, clock, lockLifetimeMs } = this.options;
    const runId = randomUUID();
    const claimed = await this.claim(runId);
    if (!claimed.length) return 0;
    const heartbeat = setInterval(
      () => {
        db.update(deliveries)
          .set({ runSeenAt: sql`now()` })
          .where(and(eq(deliveries.runId, runId), eq(deliveries.status, 'pending')))
          .catch((err: unknown) =>
            this.options.logger.warn({ err: (err as Error).message }, 'delivery claim not refreshed'),
          );
      },
      Math.max(Math.floor(lockLifetimeMs / 3), 100),
    );
    heartbeat.unref();
    try {
      const reader = new FactsReader(db, clock.now());
      const facts = await Promise.all(claimed.map(({ row }) => (row ? reader.facts(row) : null)));
      const items = claimed.map(({ delivery, row }, i) => ({ delivery, row, facts: facts[i] ?? null }));
      // Email goes in waves (sendWaves); chat, and what has lost its outbox row, one by one.
      const waved = new Map<TransactionalSender, Claimed[]>();
      const alone: Claimed[] = [];
      for (const item of items) {
        const sender = this.senderOf(item.delivery);
        if (sender && isTransactional(sender) && item.row && item.facts)
          waved.set(sender, [...(waved.get(sender) ?? []), item]);
        else alone.push(item);
      }
      await Promise.all([
        ...[...waved].map(([sender, group]) => this.sendWaves(sender, group, runId)),
        this.deliverEach(alone, runId),
      ]);
    } finally {
      clearInterval(heartbeat);
      // Stopping: what this run claimed and did not start is free for another worker at once.
      if (this.stopped)
        await db
          .update(deliveries)
          .set({ runId: null, runSeenAt: null })
          .where(and(eq(deliveries.runId, runId), eq(deliveries.status, 'pending')))
          .catch(() => undefined);
    }
    return claimed.length;
  }

  /**
   * Due pending deliveries of this process's channels that no live run holds, oldest due first,
   * with their outbox rows: one statement to claim, one to read.
   */
  private async claim(runId: string): Promise<{ delivery: DeliveryRow; row: OutboxRow | null }[]> {
    const { db, senders, lockLifetimeMs } = this.options;
    const channels = `{${senders.map((s) => s.channel).join(',')}}`;
    const ids = await db.execute<{ id: string }>(sql`
      UPDATE deliveries SET run_id = ${runId}, run_seen_at = now()
       WHERE id IN (
         SELECT id FROM deliveries
          WHERE status = 'pending' AND next_attempt_at <= now() AND channel = ANY(${channels}::text[])
            AND (run_id IS NULL OR run_seen_at < now() - ${lockLifetimeMs} * interval '1 millisecond')
          ORDER BY next_attempt_at, created_at
          LIMIT ${BATCH}
          FOR UPDATE SKIP LOCKED)
      RETURNING id`);
    if (!ids.rows.length) return [];
    return db
      .select({ delivery: deliveries, row: outbox })
      .from(deliveries)
      .leftJoin(outbox, eq(outbox.id, deliveries.outboxId))
      .where(
        inArray(
          deliveries.id,
          ids.rows.map((r) => r.id),
        ),
      )
      .orderBy(asc(deliveries.nextAttemptAt), asc(deliveries.createdAt));
  }

  private senderOf(delivery: DeliveryRow): TDeliverySender | undefined {
    return this.options.senders.find((s) => s.channel === delivery.channel);
  }

  /** Send these one by one, up to DELIVERY_CONCURRENCY at once. */
  private async deliverEach(items: Claimed[], runId: string): Promise<void> {
    let next = 0;
    const lane = async () => {
      while (next < items.length && !this.stopped) await this.deliver(items[next++]!, runId);
    };
    await Promise.all(Array.from({ length: Math.min(DELIVERY_CONCURRENCY, items.length) }, lane));
  }

  /** Send one claimed delivery on its own, and record how it went. */
  private async deliver({ delivery, row, facts }: Claimed, runId: string): Promise<void> {
    const { db, clock, session } = this.options;
    const attempt = delivery.attempts + 1;
    let failure: Error | null;
    try {
      const sender = this.senderOf(delivery);
      if (!sender) throw new PermanentDeliveryError(`no sender for channel ${delivery.channel} in this process`);
      if (!row || !facts) throw new PermanentDeliveryError(`outbox row ${delivery.outboxId} is gone`);
      const sending: Sending = { db, clock, session, runId, attempt, facts };
      failure = isTransactional(sender)
        ? await sendInTransaction(sending, sender, delivery)
        : await sendOutsideTransaction(sending, sender, delivery);
    } catch (err) {
      failure = err as Error;
    }
    if (failure) await this.failed(delivery, runId, failure);
  }

  /**
   * The email deliveries of a batch, in waves (ADR 22). A wave holds at most one delivery per ref
   * key (a ticket's thread to one person), so the second mail of a thread goes in the next wave
   * and answers the first; and at most WAVE_SIZE. Its sends run at once (SMTP itself opens at most
   * SMTP_CONCURRENCY connections): each wave costs round trips in turn, so a batch goes in few.
   */
  private async sendWaves(sender: TransactionalSender, items: Claimed[], runId: string): Promise<void> {
    const waves: Claimed[][] = [];
    const lastWaveOf = new Map<string, number>();
    for (const item of items) {
      const key = lockKeyOf(sender, item.delivery);
      let w = (lastWaveOf.get(key) ?? -1) + 1;
      while ((waves[w]?.length ?? 0) >= WAVE_SIZE) w++;
      (waves[w] ??= []).push(item);
      lastWaveOf.set(key, w);
    }
    for (const wave of waves) {
      if (this.stopped) return;
      await this.sendWave(sender, wave, runId);
    }
  }

  /**
   * One wave, with no transaction open while the relay answers: its ref keys' session locks taken
   * and its deliveries read in a statement each (and its recipients, by the sender, in one), the
   * mails sent at once, and each recorded as soon as the relay accepts it — what its send wrote
   * and its status, in ONE statement (`writeScoped`), on condition the claim is still this run's.
   * A send that fails writes nothing and is recorded as failed. What cannot go this way is sent
   * after the wave in a transaction of its own, as before: a thread another process is sending
   * on (its lock taken), or a send that must write at once (NeedsTransaction: an email put off
   * by preference, a digest).
   */
  private async sendWave(sender: TransactionalSender, wave: Claimed[], runId: string): Promise<void> {
    const { db, clock, session, logger } = this.options;
    const keys = wave.map((item) => lockKeyOf(sender, item.delivery));
    const held = await session.tryLockMany(keys).catch((err: unknown) => {
      logger.warn({ err: (err as Error).message }, 'emails sent one by one: no session locks');
      return new Set<string>();
    });
    const mine = wave.filter((_, i) => held.has(keys[i]!));
    const alone = wave.filter((_, i) => !held.has(keys[i]!));
    const failures = new Map<DeliveryRow, Error>();
    try {
      const envelopes = mine.length
        ? await envelopesFor(
            db,
            sender,
            mine.map((item) => item.delivery),
            runId,
          )
        : new Map<string, Omit<TDeliveryEnvelope, 'facts' | 'attempt'>>();
      // Their reads share a handle, so that the sender reads their recipients together.
      const reads = Object.create(db) as Db;
      await Promise.all(
        mine.map(async (item) => {
          const { delivery, facts } = item;
          const found = envelopes.get(delivery.id);
          // Sent or taken over since it was claimed: not this run's to send.
          if (!found || !facts) return;
          const attempt = delivery.attempts + 1;
          const scope = writeScope(reads);
          let result: TDeliveryResult;
          try {
            result = await sender.sendIn(scope, { ...found, facts, attempt });
          } catch (err) {
            if (err instanceof NeedsTransaction) alone.push(item);
            else failures.set(delivery, err as Error);
            return;
          }
          try {
            await recordSent(scope, { db, clock, session, runId, attempt, facts }, sender, delivery, result);
            await writeScoped(scope);
          } catch (err) {
            // It went out but is not recorded: retried, as when a send's commit failed.
            failures.set(delivery, err as Error);
          }
        }),
      );
    } catch (err) {
      for (const { delivery } of mine) if (!failures.has(delivery)) failures.set(delivery, err as Error);
    } finally {
      await session.unlockMany(held);
    }
    for (const [delivery, failure] of failures) await this.failed(delivery, runId, failure);
    await this.deliverEach(alone, runId);
  }

  /** Record a failed send, and log it. */
  private async failed(delivery: DeliveryRow, runId: string, failure: Error): Promise<void> {
    const attempt = delivery.attempts + 1;
    const log = this.options.logger.child({ deliveryId: delivery.id, channel: delivery.channel, attempt });
    try {
      const dead = await this.recordFailure(delivery.id, runId, attempt, failure);
      if (dead) log.error({ err: failure.message }, 'delivery is dead: retries exhausted or the failure is permanent');
      else log.warn({ err: failure.message }, 'delivery failed; it will be retried');
    } catch (err) {
      // The claim goes stale and the delivery is taken up again.
      log.warn({ err: (err as Error).message, failure: failure.message }, 'could not record a failed delivery');
    }
  }

  /** Keep why it failed, and when to try again (or that it never will: dead). Returns whether it is dead. */
  private async recordFailure(deliveryId: string, runId: string, attempt: number, err: Error): Promise<boolean> {
    const delay =
      err instanceof PermanentDeliveryError ? null : retryDelay(this.options.retry ?? deliveryRetry, attempt, err);
    await this.options.db
      .update(deliveries)
      .set({
        attempts: attempt,
        lastError: err.message.slice(0, 1000),
        lastFailedAt: this.options.clock.now(),
        runId: null,
        runSeenAt: null,
        ...(delay === null ? { status: 'dead' } : { nextAttemptAt: sql`now() + ${delay} * interval '1 millisecond'` }),
      })
      .where(and(eq(deliveries.id, deliveryId), eq(deliveries.runId, runId), eq(deliveries.status, 'pending')));
    return delay === null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.loop.stop();
  }
}

const planOf = (delivery: DeliveryRow): TDeliveryPlan => ({
  kind: delivery.kind,
  target: delivery.target,
  refKey: refKeyOf({ purpose: delivery.refPurpose, ticketId: delivery.refTicketId, userId: delivery.refUserId }),
});

/** The lock under which a delivery's sends take turns: its ref key's, or its own when it has none. */
const lockKeyOf = (sender: TDeliverySender, delivery: DeliveryRow): string => {
  const refKey = planOf(delivery).refKey;
  return refKey ? refLockName(sender.channel, refKey) : `delivery:${delivery.id}`;
};

/** The envelope of a delivery still pending and still this run's, or null when it is not (`envelopesFor`). */
async function envelopeFor(
  db: DbOrTx,
  sending: Sending,
  sender: TDeliverySender,
  delivery: DeliveryRow,
  lockRow: boolean,
): Promise<TDeliveryEnvelope | null> {
  const found = (await envelopesFor(db, sender, [delivery], sending.runId, lockRow)).get(delivery.id);
  return found ? { ...found, facts: sending.facts, attempt: sending.attempt } : null;
}

/**
 * The envelopes of deliveries still pending and still this run's (the others are left out), each
 * with the message sent before on its ref key: one statement, their rows locked with `lockRows`
 * (in a transaction). The caller holds their ref keys' locks already, so its snapshot has
 * whatever the previous holders wrote.
 */
async function envelopesFor(
  db: DbOrTx,
  sender: TDeliverySender,
  wave: DeliveryRow[],
  runId: string,
  lockRows = false,
): Promise<Map<string, Omit<TDeliveryEnvelope, 'facts' | 'attempt'>>> {
  // A ref is a triage card (no person) or a thread to a person: one branch each, so that each can
  // use its partial unique index.
  const { rows } = await db.execute<{
    id: string;
    status: string;
    run_id: string | null;
    conversation_id: string | null;
    message_id: string | null;
    data: Record<string, unknown> | null;
  }>(sql`
    SELECT d.id, d.status, d.run_id, r.conversation_id, r.message_id, r.data
      FROM deliveries d
      LEFT JOIN LATERAL (
        SELECT m.conversation_id, m.message_id, m.data FROM message_refs m
         WHERE m.provider = ${sender.channel} AND m.purpose = d.ref_purpose AND m.ticket_id = d.ref_ticket_id
           AND m.user_id = d.ref_user_id
        UNION ALL
        SELECT m.conversation_id, m.message_id, m.data FROM message_refs m
         WHERE m.provider = ${sender.channel} AND m.purpose = d.ref_purpose AND m.ticket_id = d.ref_ticket_id
           AND m.user_id IS NULL AND d.ref_user_id IS NULL
      ) r ON true
     WHERE d.id = ANY(${`{${wave.map((d) => d.id).join(',')}}`}::uuid[])
     ${lockRows ? sql`FOR UPDATE OF d` : sql``}`);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const envelopes = new Map<string, Omit<TDeliveryEnvelope, 'facts' | 'attempt'>>();
  for (const delivery of wave) {
    const current = byId.get(delivery.id);
    if (current?.status !== 'pending' || current.run_id !== runId) continue;
    const plan = planOf(delivery);
    const ref = plan.refKey
      ? messageRefOf({ conversation: current.conversation_id, message: current.message_id, data: current.data })
      : null;
    envelopes.set(delivery.id, { id: delivery.id, plan, ref });
  }
  return envelopes;
}

async function recordSent(
  db: DbOrTx,
  sending: Sending,
  sender: TDeliverySender,
  delivery: DeliveryRow,
  result: TDeliveryResult,
): Promise<void> {
  const refKey = planOf(delivery).refKey;
  const now = sending.clock.now();
  if (refKey && result.ref) await saveMessageRef(db, sender.channel, refKey, result.ref, now);
  const outcome = {
    ...(result.skipped
      ? { status: 'skipped', skipReason: result.skipped.slice(0, 1000) }
      : { status: 'sent', sentAt: now }),
    attempts: sending.attempt,
    runId: null,
    runSeenAt: null,
  };
  // With the send's other writes, at the end: on condition the claim is still this run's (in a
  // transaction the row is locked, and it is; in a wave it is unless the run's heartbeat failed
  // for JOBS_LOCK_LIFETIME and another worker took the delivery over).
  await atCommit(db, `delivery:${delivery.id}`, [outcome], ([set]) =>
    db
      .update(deliveries)
      .set(set!)
      .where(
        and(eq(deliveries.id, delivery.id), eq(deliveries.runId, sending.runId), eq(deliveries.status, 'pending')),
      ),
  );
}

/**
 * Email: in one transaction, ref lock and all (see TransactionalSender): the row lock and its
 * status make the send happen once, and what the sender writes commits with the status.
 */
async function sendInTransaction(
  sending: Sending,
  sender: TransactionalSender,
  delivery: DeliveryRow,
): Promise<Error | null> {
  const refKey = planOf(delivery).refKey;
  try {
    return await sending.db.transaction(async (tx) => {
      if (refKey) await lockRefKey(tx, sender.channel, refKey);
      const envelope = await envelopeFor(tx, sending, sender, delivery, true);
      if (!envelope) return null;
      let result;
      try {
        result = await sender.sendIn(tx, envelope);
      } catch (err) {
        // Nothing the send wrote may stay: the transaction rolls back, and the runner records why.
        throw new SendFailed(err as Error);
      }
      await recordSent(tx, sending, sender, delivery, result);
      return null;
    });
  } catch (err) {
    if (err instanceof SendFailed) return err.failure;
    throw err;
  }
}

/** A transactional send that failed: thrown to roll its transaction back, then returned. */
class SendFailed extends Error {
  constructor(readonly failure: Error) {
    super(failure.message);
  }
}

/**
 * Slack, Teams: under a session lock (the ref key's, or the delivery's own when it has none, so
 * two runs of one delivery never send together), each read and write a transaction of its own,
 * and none open while the sender waits on the network: Teams asks our own API for the triage
 * channel, which needs a pooled connection of its own, and through a transaction-mode pooler
 * shared by every process, sends holding transactions while waiting on requests that wait for
 * the pooler stalled until its query_wait_timeout (#24).
 */
async function sendOutsideTransaction(
  sending: Sending,
  sender: TDeliverySender,
  delivery: DeliveryRow,
): Promise<Error | null> {
  try {
    return await sending.session.withLockWaiting(
      lockKeyOf(sender, delivery),
      async () => {
        const envelope = await envelopeFor(sending.db, sending, sender, delivery, false);
        if (!envelope) return null;
        let result;
        try {
          result = await sender.send(envelope);
        } catch (err) {
          return err as Error;
        }
        await sending.db.transaction((tx) => recordSent(tx, sending, sender, delivery, result));
        return null;
      },
      REF_LOCK_WAIT_MS,
    );
  } catch (err) {
    // The message before it on this ref is still being sent: try again in a while.
    if (err instanceof LockTimeoutError) return new RetryAfterError(err.message, 5_000);
    throw err;
  }
}
