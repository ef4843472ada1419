import { z } from 'zod';
import { sendDueReminders } from '../../sla/reminders.js';
import { defineJob } from '../registry.js';

/** Tell assignees SLA_REMINDER_BEFORE ahead of a due time (every SLA_SWEEP_INTERVAL); once per due time. */
export const slaDueReminders = defineJob({
  name: 'sla.due-reminders',
  payload: z.object({}).strict(),
  retry: { attempts: 3, backoffMs: 5_000 },
  concurrency: 1,
  every: (config) => config.SLA_SWEEP_INTERVAL,
  async handler(_payload, { db, clock, config, logger }) {
    const sent = await sendDueReminders(db, clock, config.SLA_REMINDER_BEFORE);
    if (sent) logger.info({ sent }, 'SLA due reminders sent');
  },
});
