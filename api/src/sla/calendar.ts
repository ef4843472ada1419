/**
 * Business-time arithmetic for SLA clocks: pure functions of a calendar and instants.
 *
 * The rule, across daylight-saving changes and everywhere else: an instant is business time
 * when a wall clock in the calendar's time zone, at that instant, shows a date that is not a
 * holiday and a time of day inside one of that weekday's intervals. Consequences:
 * - Hours are wall-clock hours: Mon-Fri 09:00-17:00 is 8 business hours every weekday, including
 *   the Monday after a change (and a Sunday of the change, if Sunday has daytime hours).
 * - An interval that spans a change counts the real time that elapses: 00:00-04:00 is 3 hours on
 *   a spring-forward night and 5 on a fall-back night; an always-open day is 23 or 25 hours.
 * - A wall time that does not exist (02:30 on a spring-forward night in Europe) is never shown, so
 *   an interval starting then opens when the clocks jump (03:00); one ending then closes at the jump.
 * - A wall time that happens twice (01:30 on a November night in New York) counts both times: an
 *   interval 01:30-04:00 is open from the first 01:30, closed while the clocks show 01:00-01:30
 *   again, and open from the second 01:30, which is 3 real hours.
 * Intervals are half-open: a clock at 17:00 sharp is closed, one at 09:00 sharp is open.
 */
import { type TBusinessCalendar, ZBusinessCalendar, timeOfDayMs, weekdays } from './calendar-schema.js';
import { type ZoneOffsets, zoneOffsets } from './time-zone.js';

export * from './calendar-schema.js';

const DAY = 86_400_000;
/** A calendar closed for longer than this (holidays back to back) is a configuration error. */
const MAX_CLOSED_MS = 3660 * DAY;
/** No due time, and no measured span, reaches further than about a century. */
const MAX_HORIZON_MS = 36_525 * DAY;
/** Instants with four-digit years, the range of the calendar's YYYY-MM-DD holidays. */
const MIN_INSTANT = Date.UTC(1000, 0, 1);
const MAX_INSTANT = Date.UTC(9999, 11, 31);

/** The calendar cannot produce the business time asked for (e.g. closed for ten years). */
export class BusinessCalendarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BusinessCalendarError';
  }
}

/** A stretch of business time, `[start, end)`. */
export interface TBusinessSpan {
  start: Date;
  end: Date;
}

/** A due time and the business time that makes it up, for showing why something is due then. */
export interface TDueExplanation {
  due: Date;
  /** The business intervals consumed, in order, touching ones merged; empty for a zero duration. */
  intervals: TBusinessSpan[];
}

interface CompiledCalendar {
  zone: ZoneOffsets;
  /** Opening intervals by JS weekday (0 = Sunday), as ms after local midnight, sorted, merged. */
  week: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
  /** Holidays as local day numbers (days since 1970-01-01 on the wall-clock calendar). */
  holidays: ReadonlySet<number>;
}

const compiledByObject = new WeakMap<TBusinessCalendar, CompiledCalendar>();
const compiledByValue = new Map<string, CompiledCalendar>();
const MAX_COMPILED = 1000;

/** Validate and compile once per calendar object (or equal value): the SLA sweep calls us a lot. */
function compile(calendar: TBusinessCalendar): CompiledCalendar {
  const byObject = compiledByObject.get(calendar);
  if (byObject) return byObject;
  const key = JSON.stringify(calendar);
  let compiled = compiledByValue.get(key);
  if (!compiled) {
    const valid = ZBusinessCalendar.parse(calendar);
    const jsOrder = ['sun', ...weekdays.slice(0, 6)] as const;
    compiled = {
      zone: zoneOffsets(valid.timeZone),
      week: jsOrder.map((day) => mergeIntervals(valid.weekly[day])),
      holidays: new Set(valid.holidays.map((d) => Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10)) / DAY)),
    };
    if (compiledByValue.size >= MAX_COMPILED) compiledByValue.clear();
    compiledByValue.set(key, compiled);
  }
  compiledByObject.set(calendar, compiled);
  return compiled;
}

function mergeIntervals(intervals: TBusinessCalendar['weekly']['mon']): Array<readonly [number, number]> {
  const sorted = intervals
    .map((i) => [timeOfDayMs(i.start), timeOfDayMs(i.end)] as [number, number])
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** JS weekday (0 = Sunday) of a local day number; 1970-01-01 was a Thursday. */
const weekdayOf = (day: number): number => (((day + 4) % 7) + 7) % 7;

/**
 * Visit the business intervals within [from, to), in order, as UTC ms; stop when `visit` returns
 * false. Between two offset changes the wall clock is UTC plus a constant, so each local day's
 * intervals are plain additions; at a change the remaining part of a day is redone with the new
 * offset, which is what makes the wall-clock rule hold through gaps and repeated hours.
 */
function walk(cal: CompiledCalendar, from: number, to: number, visit: (start: number, end: number) => boolean): void {
  let cursor = from;
  let lastOpen = from;
  while (cursor < to) {
    const span = cal.zone.spanAt(cursor);
    const until = Math.min(span.until, to);
    for (let day = Math.floor((cursor + span.offset) / DAY); ; day++) {
      const midnight = day * DAY - span.offset;
      if (midnight >= until) break;
      if (midnight - lastOpen > MAX_CLOSED_MS) {
        throw new BusinessCalendarError(
          `The calendar (${cal.zone.timeZone}) has no business hours for ten years after ${new Date(lastOpen).toISOString()}: check its holidays`,
        );
      }
      if (cal.holidays.has(day)) continue;
      for (const [open, close] of cal.week[weekdayOf(day)]!) {
        const start = Math.max(midnight + open, cursor);
        const end = Math.min(midnight + close, until);
        if (start < end) {
          lastOpen = end;
          if (!visit(start, end)) return;
        }
      }
    }
    cursor = until;
  }
}

function toInstant(date: Date, name: string): number {
  const t = date.getTime();
  if (!Number.isFinite(t)) throw new RangeError(`${name} is not a valid date`);
  if (t < MIN_INSTANT || t > MAX_INSTANT) throw new RangeError(`${name} must be between the years 1000 and 9999`);
  return t;
}

function checkDuration(durationMs: number): void {
  if (!Number.isSafeInteger(durationMs) || durationMs < 0) {
    throw new RangeError(`durationMs must be a whole number of milliseconds, 0 or more (got ${durationMs})`);
  }
  if (durationMs > MAX_HORIZON_MS) throw new RangeError('durationMs must be at most about a century');
}

/** Walk business time from `start` until `durationMs` of it has elapsed; return where that is. */
function consume(cal: CompiledCalendar, from: number, durationMs: number, onInterval?: (s: number, e: number) => void) {
  let remaining = durationMs;
  let due: number | undefined;
  walk(cal, from, from + MAX_HORIZON_MS, (start, end) => {
    if (remaining <= end - start) {
      due = start + remaining;
      if (remaining > 0) onInterval?.(start, due);
      return false;
    }
    onInterval?.(start, end);
    remaining -= end - start;
    return true;
  });
  if (due === undefined) {
    throw new RangeError(
      `${durationMs} ms of business time end more than a century after ${new Date(from).toISOString()}`,
    );
  }
  return due;
}

/**
 * The instant at which `durationMs` of business time has elapsed after `start`; outside business
 * hours counting begins at the next opening. A duration that ends exactly at a closing returns the
 * closing (17:00), not the next opening; a zero duration returns the next business instant.
 */
export function addBusinessTime(calendar: TBusinessCalendar, start: Date, durationMs: number): Date {
  checkDuration(durationMs);
  return new Date(consume(compile(calendar), toInstant(start, 'start'), durationMs));
}

/** Business milliseconds in [from, to); 0 when `to` is not after `from`. */
export function businessTimeBetween(calendar: TBusinessCalendar, from: Date, to: Date): number {
  const a = toInstant(from, 'from');
  const b = toInstant(to, 'to');
  if (b <= a) return 0;
  if (b - a > MAX_HORIZON_MS) throw new RangeError('from and to must be at most about a century apart');
  let total = 0;
  walk(compile(calendar), a, b, (start, end) => {
    total += end - start;
    return true;
  });
  return total;
}

/** Whether the calendar is open at `at` (see the rule at the top of this file). */
export function isBusinessTime(calendar: TBusinessCalendar, at: Date): boolean {
  const cal = compile(calendar);
  const t = toInstant(at, 'at');
  const { offset } = cal.zone.spanAt(t);
  const day = Math.floor((t + offset) / DAY);
  if (cal.holidays.has(day)) return false;
  const timeOfDay = t + offset - day * DAY;
  return cal.week[weekdayOf(day)]!.some(([open, close]) => open <= timeOfDay && timeOfDay < close);
}

/** `at` itself if it is business time, otherwise the next opening. */
export function nextBusinessInstant(calendar: TBusinessCalendar, at: Date): Date {
  return new Date(consume(compile(calendar), toInstant(at, 'at'), 0));
}

/** `addBusinessTime` with the business intervals that make up the duration. */
export function explainDue(calendar: TBusinessCalendar, start: Date, durationMs: number): TDueExplanation {
  checkDuration(durationMs);
  const intervals: Array<[number, number]> = [];
  const due = consume(compile(calendar), toInstant(start, 'start'), durationMs, (s, e) => {
    const last = intervals[intervals.length - 1];
    if (last && last[1] === s) last[1] = e;
    else intervals.push([s, e]);
  });
  return { due: new Date(due), intervals: intervals.map(([s, e]) => ({ start: new Date(s), end: new Date(e) })) };
}
