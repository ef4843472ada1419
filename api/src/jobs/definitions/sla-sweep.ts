import { z } from 'zod';
import { sweepSla } from '../../sla/sweep.js';
import { defineJob } from '../registry.js';

/**
 * The SLA escalation sweep (every SLA_SWEEP_INTERVAL): warnings at the threshold, breaches,
 * escalations. Idempotent and safe on several workers: see `sweepSla`.
 */
export const slaSweep = defineJob({
  name: 'sla.sweep',
  payload: z.object({}).strict(),
  retry: { attempts: 3, backoffMs: 5_000 },
  concurrency: 1,
  every: (config) => config.SLA_SWEEP_INTERVAL,
  async handler(_payload, { db, clock, logger }) {
    const result = await sweepSla(db, clock);
    if (result.tickets) logger.info(result, 'SLA sweep acted');
  },
});
