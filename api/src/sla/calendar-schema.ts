import { z } from 'zod';
import { isTimeZone } from './time-zone.js';

/** Weekday keys of a calendar's weekly hours. */
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type TWeekday = (typeof weekdays)[number];

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

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const allDay = [{ start: '00:00', end: '24:00' }];
const nineToFive = [{ start: '09:00', end: '17:00' }];

/** Open around the clock, every day, in UTC: business time is elapsed time. */
export const ALWAYS_OPEN: TBusinessCalendar = deepFreeze({
  timeZone: 'UTC',
  weekly: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
  holidays: [],
});

/** Monday to Friday, 09:00 to 17:00, London time, no holidays. */
export const DEFAULT_CALENDAR: TBusinessCalendar = deepFreeze({
  timeZone: 'Europe/London',
  weekly: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive, sat: [], sun: [] },
  holidays: [],
});
