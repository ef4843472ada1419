import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { inboundEvents } from '../../db/schema.js';
import { defineJob, PermanentJobError } from '../registry.js';

/**
 * Act on one recorded chat request (see recordInbox) through its channel's handler: the work after
 * the ack, done by a job so that it survives a crash. The payload is dropped once acted on; a
 * request that failed keeps it, with the error, until the purge (the console's Integrations page
 * counts them).
 */
export const inboundProcess = defineJob({
  name: 'inbound.process',
  payload: z.object({ id: z.number().int().positive() }).strict(),
  // Not retried: a listener that failed has told the person so ("try again"), and running it again
  // could repeat a step that did take effect (a wizard answer, a ticket). A worker that died
  // mid-run is another matter: its lock expires and the run is taken over (ADR 8).
  retry: { attempts: 1, backoffMs: 2_000 },
  concurrency: 8,
  async handler({ id }, ctx) {
    const [row] = await ctx.db
      .select({
        provider: inboundEvents.provider,
        payload: inboundEvents.payload,
        processedAt: inboundEvents.processedAt,
        failedAt: inboundEvents.failedAt,
      })
      .from(inboundEvents)
      .where(eq(inboundEvents.id, id));
    if (!row?.payload || row.processedAt || row.failedAt) return;
    const handler = ctx.inbound.find((h) => h.provider === row.provider);
    if (!handler) throw new PermanentJobError(`no inbound handler for ${row.provider} in this process`);
    try {
      await handler.handle(row.payload as Record<string, unknown>, { attempt: ctx.attempt });
    } catch (err) {
      await ctx.db
        .update(inboundEvents)
        .set({ lastError: (err as Error).message.slice(0, 1000) })
        .where(eq(inboundEvents.id, id));
      throw err;
    }
    await ctx.db
      .update(inboundEvents)
      .set({ processedAt: ctx.clock.now(), payload: null, lastError: null })
      .where(eq(inboundEvents.id, id));
  },
  onDead: async ({ id }, ctx, error) => {
    await ctx.db
      .update(inboundEvents)
      .set({ failedAt: ctx.clock.now(), lastError: error.message.slice(0, 1000) })
      .where(eq(inboundEvents.id, id));
  },
});
