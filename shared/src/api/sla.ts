import { z } from 'zod';
import { ticketPriorities, ZTicketCategory, ZTicketPriority } from '../domain.js';
import { ZUuid } from './common.js';

// ---------------------------------------------------------------------------------------------
// Business calendars (the arithmetic lives in api/src/sla/calendar.ts)
// ---------------------------------------------------------------------------------------------

/** Weekday keys of a calendar's weekly hours. */
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type TWeekday = (typeof weekdays)[number];

const knownZones = new Set<string>();

/** Whether the built-in ICU data knows `timeZone` (an IANA name such as `Europe/London`). */
export function isTimeZone(timeZone: string): boolean {
  if (knownZones.has(timeZone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    return false;
  }
  if (knownZones.size < 1000) knownZones.add(timeZone);
  return true;
}

const START_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const END_TIME = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** `HH:MM` as milliseconds after local midnight (`24:00` is the end of the day). */
export function timeOfDayMs(hhmm: string): number {
  return (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))) * 60_000;
}

const isWellFormed = (i: { start: string; end: string }): boolean => START_TIME.test(i.start) && END_TIME.test(i.end);

/** An opening interval of one local day, `[start, end)` on the wall clock. */
export const ZBusinessInterval = z
  .object({
    start: z.string().regex(START_TIME, 'must be a time of day as HH:MM, 00:00 to 23:59'),
    end: z.string().regex(END_TIME, 'must be a time of day as HH:MM, 00:01 to 24:00'),
  })
  .refine((i) => !isWellFormed(i) || timeOfDayMs(i.start) < timeOfDayMs(i.end), {
    message: 'end must be after start (an interval cannot cross midnight: split it at 24:00)',
    path: ['end'],
  });
export type TBusinessInterval = z.infer<typeof ZBusinessInterval>;

const ZDayHours = z.array(ZBusinessInterval).superRefine((intervals, ctx) => {
  // Malformed or reversed intervals already have their own issue; overlaps are about the rest.
  const valid = intervals.filter((i) => isWellFormed(i) && timeOfDayMs(i.start) < timeOfDayMs(i.end));
  const sorted = valid.sort((a, b) => timeOfDayMs(a.start) - timeOfDayMs(b.start));
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (timeOfDayMs(cur.start) < timeOfDayMs(prev.end)) {
      ctx.addIssue({
        code: 'custom',
        message: `${prev.start}-${prev.end} overlaps ${cur.start}-${cur.end}`,
      });
    }
  }
});

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A local calendar date such as `2026-12-25`. */
export const ZLocalDate = z
  .string()
  .regex(LOCAL_DATE, 'must be a date as YYYY-MM-DD')
  .refine((s) => {
    if (!LOCAL_DATE.test(s)) return true; // the pattern's own issue says what is wrong
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    const date = new Date(Date.UTC(2000, m - 1, d));
    date.setUTCFullYear(y);
    return date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
  }, 'is not a day of the calendar');

/**
 * When SLA clocks run: weekly opening hours on the local wall clock of `timeZone`, minus whole
 * local days off. Treat a calendar as an immutable value: the arithmetic caches its compiled form.
 */
export const ZBusinessCalendar = z.object({
  timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/London'),
  weekly: z
    .strictObject({
      mon: ZDayHours,
      tue: ZDayHours,
      wed: ZDayHours,
      thu: ZDayHours,
      fri: ZDayHours,
      sat: ZDayHours,
      sun: ZDayHours,
    })
    .refine(
      (week) => weekdays.some((day) => week[day].length > 0),
      'the week has no working hours: give at least one day an interval',
    ),
  holidays: z.array(ZLocalDate).max(20_000),
});
export type TBusinessCalendar = z.infer<typeof ZBusinessCalendar>;

// ---------------------------------------------------------------------------------------------
// Admin API: calendars and policies (GET/PUT replace the whole set)
// ---------------------------------------------------------------------------------------------

const name = z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters');

export const ZSlaCalendar = ZBusinessCalendar.extend({ id: ZUuid, name, updatedAt: z.string() });
export type TSlaCalendar = z.infer<typeof ZSlaCalendar>;

/** A calendar to keep: with `id` it replaces that calendar, without it is created. */
export const ZSlaCalendarInput = ZBusinessCalendar.extend({ id: ZUuid.optional(), name }).strict();

function uniqueBy<T>(items: T[], key: (item: T) => string | undefined, ctx: z.RefinementCtx, what: string): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    if (k === undefined) return;
    const first = seen.get(k);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['items', i], message: `${what} as items.${first}` });
    else seen.set(k, i);
  });
}

export const ZPutSlaCalendarsRequest = z
  .object({ items: z.array(ZSlaCalendarInput).min(1, 'must keep at least one calendar').max(100) })
  .strict()
  .superRefine((body, ctx) => {
    uniqueBy(body.items, (c) => c.id, ctx, 'the same id');
    uniqueBy(body.items, (c) => c.name.toLowerCase(), ctx, 'the same name');
  });
export type TPutSlaCalendarsRequest = z.infer<typeof ZPutSlaCalendarsRequest>;
export const ZSlaCalendarList = z.object({ items: z.array(ZSlaCalendar) });

/** What a breach does, besides being recorded and shown. */
export const ZSlaEscalation = z
  .object({
    /** Notify the assignee (in-app, chat, email). */
    notifyAssignee: z.boolean().default(true),
    /** Notify the members of the ticket's group. */
    notifyGroup: z.boolean().default(true),
    /** Post to the triage channel. */
    notifyTriage: z.boolean().default(true),
    /** Raise the priority one level (once per breach; never above urgent). */
    raisePriority: z.boolean().default(true),
  })
  .strict();
export type TSlaEscalation = z.infer<typeof ZSlaEscalation>;

/** A year of business minutes is the most a target may be. */
const minutes = z.number().int('must be a whole number of minutes').min(1).max(525_600);

const ZSlaPolicyFields = z.object({
  name,
  priority: ZTicketPriority,
  /** Narrow the policy to one group (null: any group). */
  groupId: ZUuid.nullable().default(null),
  /** Narrow the policy to one category (null: any category). */
  category: ZTicketCategory.nullable().default(null),
  calendarId: ZUuid,
  /** Business minutes to the first public reply by an agent. */
  firstResponseMinutes: minutes,
  /** Business minutes to resolution. */
  resolutionMinutes: minutes,
  /** Warn when this share of a target is used (1-99 %). */
  warningPercent: z.number().int().min(1).max(99).default(75),
  escalation: ZSlaEscalation.default({
    notifyAssignee: true,
    notifyGroup: true,
    notifyTriage: true,
    raisePriority: true,
  }),
});

export const ZSlaPolicy = ZSlaPolicyFields.extend({ id: ZUuid, version: z.number().int(), updatedAt: z.string() });
export type TSlaPolicy = z.infer<typeof ZSlaPolicy>;

/** A policy to keep: with `id` it replaces that policy (its version goes up), without it is created. */
export const ZSlaPolicyInput = ZSlaPolicyFields.extend({ id: ZUuid.optional() })
  .strict()
  .refine((p) => p.firstResponseMinutes <= p.resolutionMinutes, {
    message: 'must not be longer than resolutionMinutes',
    path: ['firstResponseMinutes'],
  });

export const ZPutSlaPoliciesRequest = z
  .object({ items: z.array(ZSlaPolicyInput).min(1).max(500) })
  .strict()
  .superRefine((body, ctx) => {
    uniqueBy(body.items, (p) => p.id, ctx, 'the same id');
    uniqueBy(
      body.items,
      (p) => `${p.priority}/${p.groupId ?? '*'}/${p.category ?? '*'}`,
      ctx,
      'the same priority, group and category',
    );
    for (const priority of ticketPriorities) {
      if (!body.items.some((p) => p.priority === priority && p.groupId === null && p.category === null)) {
        ctx.addIssue({
          code: 'custom',
          path: ['items'],
          message: `needs a policy for ${priority} priority with no group and no category (the fallback)`,
        });
      }
    }
  });
export type TPutSlaPoliciesRequest = z.infer<typeof ZPutSlaPoliciesRequest>;
export const ZSlaPolicyList = z.object({ items: z.array(ZSlaPolicy) });

// ---------------------------------------------------------------------------------------------
// A ticket's SLA explained
// ---------------------------------------------------------------------------------------------

export const ZSlaClockExplanation = z.object({
  /** running; paused (pending, on hold, resolved); stopped (answered or closed); none (no SLA). */
  state: z.enum(['running', 'paused', 'stopped', 'none']),
  targetMs: z.number().nullable(),
  /** Business time used so far, the running segment included. */
  consumedMs: z.number(),
  remainingMs: z.number().nullable(),
  runningSince: z.string().nullable(),
  warnAt: z.string().nullable(),
  dueAt: z.string().nullable(),
  warnedAt: z.string().nullable(),
  breachedAt: z.string().nullable(),
  breached: z.boolean(),
  /** The business intervals the remaining time runs through, up to the due time. */
  intervals: z.array(z.object({ start: z.string(), end: z.string() })),
});

export const ZTicketSlaExplanation = z.object({
  ticketKey: z.string(),
  policy: z.object({ id: z.string(), name: z.string().nullable(), version: z.number().nullable() }).nullable(),
  calendar: z.object({ id: z.string(), name: z.string().nullable(), timeZone: z.string().nullable() }).nullable(),
  pausedSince: z.string().nullable(),
  escalationLevel: z.number().int(),
  firstResponse: ZSlaClockExplanation,
  resolution: ZSlaClockExplanation,
  actions: z.array(z.object({ kind: z.string(), level: z.number().int(), at: z.string() })),
});
export type TTicketSlaExplanation = z.infer<typeof ZTicketSlaExplanation>;

// ---------------------------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------------------------

const isoDate = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });

export const ZSlaReportQuery = z
  .object({ from: isoDate, to: isoDate, groupId: ZUuid.optional() })
  .strict()
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { message: 'must be after from', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 400 * 86_400_000, {
    message: 'the range must be at most 400 days',
    path: ['to'],
  });
export type TSlaReportQuery = z.infer<typeof ZSlaReportQuery>;

const ZDurationStats = z.object({ medianMs: z.number().nullable(), p90Ms: z.number().nullable() });

export const ZSlaClockReport = z.object({
  met: z.number().int(),
  breached: z.number().int(),
  /** met / (met + breached), in %, one decimal; null when no ticket was decided. */
  compliancePercent: z.number().nullable(),
  /** Business time to the response (or resolution), pauses excluded: what the targets measure. */
  business: ZDurationStats,
  /** Wall-clock time from creation. */
  elapsed: ZDurationStats,
});

export const ZSlaReportRow = z.object({
  tickets: z.number().int(),
  firstResponse: ZSlaClockReport,
  resolution: ZSlaClockReport,
});
export type TSlaReportRow = z.infer<typeof ZSlaReportRow>;

export const ZSlaReport = z.object({
  from: z.string(),
  to: z.string(),
  groupId: z.string().nullable(),
  overall: ZSlaReportRow,
  byPriority: z.array(ZSlaReportRow.extend({ priority: ZTicketPriority })),
  byGroup: z.array(ZSlaReportRow.extend({ group: z.object({ id: z.string(), name: z.string() }).nullable() })),
});
export type TSlaReport = z.infer<typeof ZSlaReport>;
