import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { PermanentDeliveryError, type TDeliveryPlan, type TMessageRef } from '@deskmate/shared';
import { outbox } from '../../db/schema.js';
import { deliveries, messageRefs } from '../../db/schema-delivery.js';
import { factsFor } from '../../delivery/facts.js';
import { isTransactional } from '../../email/sender.js';
import { defineJob, PermanentJobError } from '../registry.js';

/**
 * Send one planned message through its channel. Deliveries that share a ref key (one triage card,
 * one DM thread) are serialised by an advisory lock so an update never races the first post.
 * Facts are read now, so the message shows the ticket as it is when it is sent.
 */
export const deliverySend = defineJob({
  name: 'delivery.send',
  payload: z.object({ deliveryId: z.uuid() }).strict(),
  retry: { attempts: 8, backoffMs: 5_000, maxBackoffMs: 30 * 60_000 },
  concurrency: 10,
  async handler({ deliveryId }, ctx) {
    const [delivery] = await ctx.db.select().from(deliveries).where(eq(deliveries.id, deliveryId));
    if (!delivery || delivery.status !== 'pending') return;
    const sender = ctx.senders.find((s) => s.channel === delivery.channel);
    if (!sender) throw new PermanentJobError(`no sender for channel ${delivery.channel} in this process`);
    const [row] = await ctx.db.select().from(outbox).where(eq(outbox.id, delivery.outboxId));
    if (!row) throw new PermanentJobError(`outbox row ${delivery.outboxId} is gone`);
    const plan: TDeliveryPlan = { kind: delivery.kind, target: delivery.target, refKey: delivery.refKey };
    const failure = await ctx.db.transaction(async (tx) => {
      if (plan.refKey)
        await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`ref:${plan.refKey}`}, 0))`);
      const [current] = await tx
        .select({ status: deliveries.status })
        .from(deliveries)
        .where(eq(deliveries.id, deliveryId))
        .for('update');
      if (current?.status !== 'pending') return null;
      const [ref] = plan.refKey ? await tx.select().from(messageRefs).where(eq(messageRefs.refKey, plan.refKey)) : [];
      const facts = await factsFor(tx, row, ctx.clock.now());
      let result;
      try {
        const envelope = {
          id: deliveryId,
          plan,
          facts,
          ref: (ref?.ref as TMessageRef | undefined) ?? null,
          attempt: ctx.attempt,
        };
        // In this transaction where the sender can: one connection per send (see TransactionalSender).
        result = isTransactional(sender) ? await sender.sendIn(tx, envelope) : await sender.send(envelope);
      } catch (err) {
        await tx
          .update(deliveries)
          .set({
            attempts: ctx.attempt,
            lastError: (err as Error).message.slice(0, 1000),
            lastFailedAt: ctx.clock.now(),
          })
          .where(eq(deliveries.id, deliveryId));
        return err as Error;
      }
      if (plan.refKey && result.ref) {
        await tx
          .insert(messageRefs)
          .values({ refKey: plan.refKey, channel: delivery.channel, ref: result.ref })
          .onConflictDoUpdate({ target: messageRefs.refKey, set: { ref: result.ref, updatedAt: ctx.clock.now() } });
      }
      await tx
        .update(deliveries)
        .set(
          result.skipped
            ? { status: 'skipped', skipReason: result.skipped.slice(0, 1000), attempts: ctx.attempt }
            : { status: 'sent', sentAt: ctx.clock.now(), attempts: ctx.attempt },
        )
        .where(eq(deliveries.id, deliveryId));
      return null;
    });
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
