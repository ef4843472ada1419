import { z } from 'zod';

const DAY = 86_400_000;
/** The longest range the classifier agreement report covers. */
export const maxClassifierReportDays = 366;

const isoDateOrTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'must be an ISO 8601 date (2026-01-31) or date-time',
});

/** `GET /api/reports/classifier`: the range defaults to the 12 weeks before now (or before `to`). */
export const ZClassifierReportQuery = z
  .object({ from: isoDateOrTime.optional(), to: isoDateOrTime.optional() })
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.to) > Date.parse(q.from), {
    message: 'must be after from',
    path: ['to'],
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.to) - Date.parse(q.from) <= maxClassifierReportDays * DAY, {
    message: `the range must be at most ${maxClassifierReportDays} days`,
    path: ['to'],
  });
export type TClassifierReportQuery = z.infer<typeof ZClassifierReportQuery>;

/**
 * Tickets classified in a period (a priority or category set by the classifier), and of those,
 * how many an agent corrected (a field the classifier set was changed to another value within the
 * correction window). Agreement = (classified − corrected) / classified; null with no ticket.
 */
export const ZClassifierAgreement = z.object({
  classified: z.number().int(),
  corrected: z.number().int(),
  agreement: z.number().nullable(),
  priority: z.object({ classified: z.number().int(), corrected: z.number().int(), agreement: z.number().nullable() }),
  category: z.object({ classified: z.number().int(), corrected: z.number().int(), agreement: z.number().nullable() }),
});
export type TClassifierAgreement = z.infer<typeof ZClassifierAgreement>;

export const ZClassifierModelInfo = z.object({
  version: z.number().int(),
  trainedAt: z.string(),
  /** Corrected tickets it learnt from, besides the shipped examples. */
  corrections: z.number().int(),
  reason: z.enum(['schedule', 'manual']),
});

/** How often the classifier agreed with the agents, week by week (weeks start on Monday, UTC). */
export const ZClassifierReport = z.object({
  from: z.string(),
  to: z.string(),
  /** Days after filing during which an agent's change counts as a correction. */
  correctionWindowDays: z.number().int(),
  weeks: z.array(ZClassifierAgreement.extend({ weekStart: z.string() })),
  overall: ZClassifierAgreement,
  /** Labelled examples kept from corrections, to train on. */
  corrections: z.number().int(),
  /** The model in use; null while the shipped one is (nothing retrained yet). */
  model: ZClassifierModelInfo.nullable(),
});
export type TClassifierReport = z.infer<typeof ZClassifierReport>;

/** `POST /api/admin/classifier/retrain`: the job is queued; it stores nothing when nothing changed. */
export const ZClassifierRetrainResponse = z.object({ jobId: z.string().nullable() });
