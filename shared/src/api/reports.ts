import { z } from 'zod';
import { ZTicketCategory, ZTicketKey, ZTicketPriority, ZTicketStatus } from '../domain.js';
import { ZErrorCode } from '../errors.js';
import { ZUuid } from './common.js';
import { ZSlaReport } from './sla.js';
import { ZTicket } from './tickets.js';

const DAY = 86_400_000;
/** The longest range a ticket report covers. */
export const maxReportDays = 366;

/** `2026-01-31` (midnight UTC) or a full ISO 8601 date-time with an offset. */
const isoDateOrTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'must be an ISO 8601 date (2026-01-31) or date-time',
});

/**
 * `GET /api/reports/tickets`: the range defaults to the 30 days before now (or before `to`); the
 * server checks the defaulted range as well.
 */
export const ZTicketReportQuery = z
  .object({ from: isoDateOrTime.optional(), to: isoDateOrTime.optional(), groupId: ZUuid.optional() })
  .strict()
  .refine((q) => !q.from || !q.to || Date.parse(q.to) > Date.parse(q.from), {
    message: 'must be after from',
    path: ['to'],
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.to) - Date.parse(q.from) <= maxReportDays * DAY, {
    message: `the range must be at most ${maxReportDays} days`,
    path: ['to'],
  });
export type TTicketReportQuery = z.infer<typeof ZTicketReportQuery>;

/** Median and 90th percentile (linear interpolation) of a duration, in minutes, over `count` tickets. */
export const ZMinutesStats = z.object({
  count: z.number().int(),
  medianMinutes: z.number().nullable(),
  p90Minutes: z.number().nullable(),
});
export type TMinutesStats = z.infer<typeof ZMinutesStats>;

export const ZCsatSummary = z.object({
  responses: z.number().int(),
  /** Two decimals; null without ratings. */
  average: z.number().nullable(),
  /** Share of 4 and 5 ratings, in %, one decimal. */
  satisfiedPercent: z.number().nullable(),
  distribution: z.array(z.object({ rating: z.number().int(), count: z.number().int() })),
});
export type TCsatSummary = z.infer<typeof ZCsatSummary>;

/** Figures of a set of tickets created in the range: counts, wall-clock times from creation, CSAT. */
export const ZTicketReportRow = z.object({
  created: z.number().int(),
  /** Of those, not resolved or closed now. */
  open: z.number().int(),
  resolved: z.number().int(),
  firstResponse: ZMinutesStats,
  resolution: ZMinutesStats,
  csat: ZCsatSummary,
});
export type TTicketReportRow = z.infer<typeof ZTicketReportRow>;

const ZRef = z.object({ id: z.string(), name: z.string() });

export const ZBacklogBucket = z.object({
  /** `< 1 day`, `1–3 days`, `3–7 days`, `7–30 days`, `> 30 days`. */
  bucket: z.string(),
  minDays: z.number(),
  /** null for the last, open-ended bucket. */
  maxDays: z.number().nullable(),
  total: z.number().int(),
  low: z.number().int(),
  medium: z.number().int(),
  high: z.number().int(),
  urgent: z.number().int(),
});
export type TBacklogBucket = z.infer<typeof ZBacklogBucket>;

/**
 * The desk's ticket report over the tickets the caller may see. Merged duplicates are left out
 * everywhere; breakdowns and CSAT are over the tickets created in [from, to).
 */
export const ZTicketReport = z.object({
  from: z.string(),
  to: z.string(),
  groupId: z.string().nullable(),
  generatedAt: z.string(),
  /** Every UTC day of the range: tickets created that day, and tickets resolved that day. */
  volume: z.array(z.object({ day: z.string(), created: z.number().int(), resolved: z.number().int() })),
  overall: ZTicketReportRow,
  byPriority: z.array(ZTicketReportRow.extend({ priority: ZTicketPriority })),
  byGroup: z.array(ZTicketReportRow.extend({ group: ZRef.nullable() })),
  byCategory: z.array(ZTicketReportRow.extend({ category: z.string().nullable() })),
  byAssignee: z.array(ZTicketReportRow.extend({ assignee: ZRef.nullable() })),
  /** SLA compliance and business times (the SLA report, over the same tickets). */
  sla: ZSlaReport,
  /** Open tickets now, by age. */
  backlog: z.array(ZBacklogBucket),
  /** Deflection is about KB suggestions, not tickets: the deflection report for the same range. */
  deflectionReport: z.string(),
});
export type TTicketReport = z.infer<typeof ZTicketReport>;

/** A change applied to every ticket of a bulk request (the fields of PATCH /tickets/:key agents use). */
export const ZBulkTicketChange = z
  .object({
    status: ZTicketStatus.optional(),
    priority: ZTicketPriority.optional(),
    category: ZTicketCategory.nullable().optional(),
    assigneeId: ZUuid.nullable().optional(),
    groupId: ZUuid.optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'must change at least one field' });

export const ZBulkTicketClaim = z.object({ claim: z.literal(true) }).strict();

export const ZBulkTicketRequest = z
  .object({
    keys: z
      .array(ZTicketKey)
      .min(1, 'must name at least one ticket')
      .max(100, 'must name at most 100 tickets')
      .refine((keys) => new Set(keys).size === keys.length, { message: 'must not repeat a ticket' }),
    action: z.union([ZBulkTicketClaim, ZBulkTicketChange], {
      error: 'must be { claim: true } or a change of status, priority, category, assigneeId or groupId',
    }),
  })
  .strict();
export type TBulkTicketRequest = z.infer<typeof ZBulkTicketRequest>;
export type TBulkTicketAction = TBulkTicketRequest['action'];

export const ZBulkTicketResult = z.discriminatedUnion('ok', [
  z.object({ key: z.string(), ok: z.literal(true), ticket: ZTicket }),
  z.object({ key: z.string(), ok: z.literal(false), error: z.object({ code: ZErrorCode, message: z.string() }) }),
]);
export type TBulkTicketResult = z.infer<typeof ZBulkTicketResult>;

/** One result per key, in the order of the request. */
export const ZBulkTicketResponse = z.object({ results: z.array(ZBulkTicketResult) });
export type TBulkTicketResponse = z.infer<typeof ZBulkTicketResponse>;
