import { z } from 'zod';
import { processStaleTickets } from '../../sla/stale.js';
import { defineJob } from '../registry.js';

/**
 * Daily: close tickets resolved STALE_RESOLVED_CLOSE_DAYS ago; remind requesters who have not
 * replied for STALE_PENDING_REMINDER_DAYS, and resolve STALE_PENDING_RESOLVE_DAYS after that.
 */
export const staleTickets = defineJob({
  name: 'tickets.stale',
  payload: z.object({}).strict(),
  retry: { attempts: 3, backoffMs: 60_000 },
  concurrency: 1,
  every: () => 24 * 3_600_000,
  async handler(_payload, { db, clock, config, logger }) {
    const result = await processStaleTickets(db, clock, {
      closeResolvedAfterDays: config.STALE_RESOLVED_CLOSE_DAYS,
      remindPendingAfterDays: config.STALE_PENDING_REMINDER_DAYS,
      resolvePendingAfterDays: config.STALE_PENDING_RESOLVE_DAYS,
    });
    logger.info(result, 'stale tickets processed');
  },
});
