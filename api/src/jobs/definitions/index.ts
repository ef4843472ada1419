import { classifierRetrain } from './classifier-retrain.js';
import { inboundProcess } from './inbound-process.js';
import { passwordResetMail } from './password-reset-mail.js';
import { purgeExpired } from './purge-expired.js';
import { slaDueReminders } from './sla-due-reminders.js';
import { slaSweep } from './sla-sweep.js';
import { staleTickets } from './stale-tickets.js';
import { weeklyDigest } from './weekly-digest.js';

/** Every job Deskmate knows, by name. Add a definition file and list it here. */
export const jobDefinitions = {
  [purgeExpired.name]: purgeExpired,
  [slaSweep.name]: slaSweep,
  [slaDueReminders.name]: slaDueReminders,
  [staleTickets.name]: staleTickets,
  [weeklyDigest.name]: weeklyDigest,
  [inboundProcess.name]: inboundProcess,
  [passwordResetMail.name]: passwordResetMail,
  [classifierRetrain.name]: classifierRetrain,
} as const;

export type JobDefinitions = typeof jobDefinitions;
export type JobName = keyof JobDefinitions;
