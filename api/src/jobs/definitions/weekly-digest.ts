import { z } from 'zod';
import { writeWeeklyDigests } from '../../sla/digest.js';
import { defineJob } from '../registry.js';

/**
 * The weekly digest to each agent and admin. Runs hourly and writes the week that ended at the
 * last DIGEST_WEEKDAY/DIGEST_HOUR once (outbox dedupe keys), so a late or repeated run is harmless.
 */
export const weeklyDigest = defineJob({
  name: 'reports.weekly-digest',
  payload: z.object({}).strict(),
  retry: { attempts: 3, backoffMs: 60_000 },
  concurrency: 1,
  every: () => 3_600_000,
  async handler(_payload, { db, clock, config, logger }) {
    const written = await writeWeeklyDigests(db, clock, {
      weekday: config.DIGEST_WEEKDAY,
      hour: config.DIGEST_HOUR,
      timeZone: config.DIGEST_TIME_ZONE,
    });
    if (written.length) logger.info({ digests: written.length }, 'weekly digests written');
  },
});
