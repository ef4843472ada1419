import { eq } from 'drizzle-orm';
import { z } from 'zod';
import {
  PermanentDeliveryError,
  RetryAfterError,
  type TDeliveryEnvelope,
  type TDeliveryPlan,
  type TDeliveryResult,
  type TDeliverySender,
} from '@deskmate/shared';
import type { DbOrTx } from '../../db/client.js';
import { outbox } from '../../db/schema.js';
import { deliveries } from '../../db/schema-delivery.js';
import { LockTimeoutError } from '../../db/session.js';
import { factsFor } from '../../delivery/facts.js';
import { loadMessageRef, lockRefKey, refKeyOf, refLockName, saveMessageRef } from '../../delivery/message-refs.js';
import { isTransactional, type TransactionalSender } from '../../email/sender.js';
import { defineJob, PermanentJobError, type JobContext } from '../registry.js';

type DeliveryRow = typeof deliveries.$inferSelect;
type OutboxRow = typeof outbox.$inferSelect;

/** How long a send waits for the one before it on the same ref key before it is retried later. */
const REF_LOCK_WAIT_MS = 30_000;

/**
 * Send one planned message through its channel. Deliveries that share a ref key (one triage card,
 * one DM thread) are serialised by an advisory lock so an update never races the first post.
 * Facts are read now, so the message shows the ticket as it is when it is sent.
 *
 * Where the send happens decides what holds a pooled connection meanwhile:
 * - a transactional sender (email) sends inside the delivery's transaction: one connection per
 *   send, and its writes commit with the delivery's status;
 * - any other sender (Slack, Teams) talks to the network — and Teams asks our own API for the
 *   triage channel, which needs a pooled connection of its own — so no transaction is open while
 *   it does: the ref lock is a session lock on the process's direct connection. Through a
 *   transaction-mode pooler shared by every process, sends holding transactions while waiting on
 *   requests that wait for the pooler stalled until its query_wait_timeout (#24).
 */
export const deliverySend = defineJob({
  name: 'delivery.send',
  payload: z.object({ deliveryId: z.uuid() }).strict(),
  retry: { attempts: 8, backoffMs: 5_000, maxBackoffMs: 30 * 60_000 },
  concurrency: 10,
  async handler({ deliveryId }, ctx) {
    // The delivery and its outbox row in one read (a delivery job runs for every message sent).
    const [found] = await ctx.db
      .select({ delivery: deliveries, row: outbox })
      .from(deliveries)
      .leftJoin(outbox, eq(outbox.id, deliveries.outboxId))
      .where(eq(deliveries.id, deliveryId));
    const delivery = found?.delivery;
    if (!delivery || delivery.status !== 'pending') return;
    const sender = ctx.senders.find((s) => s.channel === delivery.channel);
    if (!sender) throw new PermanentJobError(`no sender for channel ${delivery.channel} in this process`);
    const row = found.row;
    if (!row) throw new PermanentJobError(`outbox row ${delivery.outboxId} is gone`);
    const failure = isTransactional(sender)
      ? await sendInTransaction(ctx, sender, delivery, row)
      : await sendOutsideTransaction(ctx, sender, delivery, row);
    // Failures are recorded (committed above) and then handed to the retry policy.
    if (failure instanceof PermanentDeliveryError) throw new PermanentJobError(failure.message);
    if (failure) throw failure;
  },
  onDead: async ({ deliveryId }, ctx, error) => {
    await ctx.db
      .update(deliveries)
      .set({ status: 'dead', lastError: error.message.slice(0, 1000), lastFailedAt: ctx.clock.now() })
      .where(eq(deliveries.id, deliveryId));
  },
});

const planOf = (delivery: DeliveryRow): TDeliveryPlan => ({
  kind: delivery.kind,
  target: delivery.target,
  refKey: refKeyOf({ purpose: delivery.refPurpose, ticketId: delivery.refTicketId, userId: delivery.refUserId }),
});

/** The envelope of a delivery still pending, or null when another run got to it first. */
async function envelopeFor(
  db: DbOrTx,
  ctx: JobContext,
  sender: TDeliverySender,
  delivery: DeliveryRow,
  row: OutboxRow,
  lockRow: boolean,
): Promise<TDeliveryEnvelope | null> {
  const plan = planOf(delivery);
  const status = db.select({ status: deliveries.status }).from(deliveries).where(eq(deliveries.id, delivery.id));
  const [current] = lockRow ? await status.for('update') : await status;
  if (current?.status !== 'pending') return null;
  const ref = plan.refKey ? await loadMessageRef(db, sender.channel, plan.refKey) : null;
  const facts = await factsFor(db, row, ctx.clock.now());
  return { id: delivery.id, plan, facts, ref, attempt: ctx.attempt };
}

async function recordFailure(db: DbOrTx, ctx: JobContext, deliveryId: string, err: Error): Promise<void> {
  await db
    .update(deliveries)
    .set({ attempts: ctx.attempt, lastError: err.message.slice(0, 1000), lastFailedAt: ctx.clock.now() })
    .where(eq(deliveries.id, deliveryId));
}

async function recordSent(
  db: DbOrTx,
  ctx: JobContext,
  sender: TDeliverySender,
  delivery: DeliveryRow,
  result: TDeliveryResult,
): Promise<void> {
  const refKey = planOf(delivery).refKey;
  if (refKey && result.ref) await saveMessageRef(db, sender.channel, refKey, result.ref, ctx.clock.now());
  await db
    .update(deliveries)
    .set(
      result.skipped
        ? { status: 'skipped', skipReason: result.skipped.slice(0, 1000), attempts: ctx.attempt }
        : { status: 'sent', sentAt: ctx.clock.now(), attempts: ctx.attempt },
    )
    .where(eq(deliveries.id, delivery.id));
}

/** Email: in this transaction, ref lock and all (see TransactionalSender). */
async function sendInTransaction(
  ctx: JobContext,
  sender: TransactionalSender,
  delivery: DeliveryRow,
  row: OutboxRow,
): Promise<Error | null> {
  const refKey = planOf(delivery).refKey;
  return ctx.db.transaction(async (tx) => {
    if (refKey) await lockRefKey(tx, sender.channel, refKey);
    const envelope = await envelopeFor(tx, ctx, sender, delivery, row, true);
    if (!envelope) return null;
    let result;
    try {
      result = await sender.sendIn(tx, envelope);
    } catch (err) {
      await recordFailure(tx, ctx, delivery.id, err as Error);
      return err as Error;
    }
    await recordSent(tx, ctx, sender, delivery, result);
    return null;
  });
}

/**
 * Slack, Teams: under a session lock (the ref key's, or the delivery's own when it has none, so
 * two runs of one delivery never send together), each read and write a transaction of its own,
 * and none open while the sender waits on the network.
 */
async function sendOutsideTransaction(
  ctx: JobContext,
  sender: TDeliverySender,
  delivery: DeliveryRow,
  row: OutboxRow,
): Promise<Error | null> {
  if (!ctx.session) throw new Error('delivery.send needs the session connection for its lock');
  const refKey = planOf(delivery).refKey;
  const key = refKey ? refLockName(sender.channel, refKey) : `delivery:${delivery.id}`;
  try {
    return await ctx.session.withLockWaiting(
      key,
      async () => {
        const envelope = await envelopeFor(ctx.db, ctx, sender, delivery, row, false);
        if (!envelope) return null;
        let result;
        try {
          result = await sender.send(envelope);
        } catch (err) {
          await recordFailure(ctx.db, ctx, delivery.id, err as Error);
          return err as Error;
        }
        await ctx.db.transaction((tx) => recordSent(tx, ctx, sender, delivery, result));
        return null;
      },
      REF_LOCK_WAIT_MS,
    );
  } catch (err) {
    // The message before it on this ref is still being sent: try again in a while.
    if (err instanceof LockTimeoutError) throw new RetryAfterError(err.message, 5_000);
    throw err;
  }
}
