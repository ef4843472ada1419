/**
 * The SLA clock model, as pure functions of a ticket's SLA columns (ADR 5).
 *
 * A ticket has two clocks, first response and resolution. Each keeps the business time consumed
 * in finished segments and, while it runs, the instant its current segment started; its due time
 * is "the rest of the target, in business time, from the segment's start". Every change that
 * matters (status, priority, group, category, the first agent reply, a policy or calendar edit)
 * closes the running segment at that instant — adding its business time, measured on the
 * calendar it ran on — and opens a new one under the policy that applies now. So nothing
 * consumed is lost or counted twice, whatever changes; a paused clock simply has no segment.
 *
 * - First response runs while the ticket is new or open and no agent has replied publicly.
 * - Resolution runs while the ticket is new or open.
 * - Pending and on hold pause both (due times are unknown until they resume); resolved and
 *   closed stop them, keeping the due time they had for the record; a reopen resumes them.
 * - A clock is breached when its due time passes while it runs (or when a change finds its
 *   target already used up); warned when `warningPercent` of its target is used. Both are
 *   recorded once (`…_warned_at`, `…_breached_at`) and never undone, so an action is never
 *   repeated and reports stay honest.
 */
import type { TTicketStatus } from '@deskmate/shared';
import type { tickets } from '../db/schema.js';
import { addBusinessTime, businessTimeBetween, type TBusinessCalendar } from './calendar.js';

export const clockNames = ['firstResponse', 'resolution'] as const;
export type ClockName = (typeof clockNames)[number];

/** The ticket columns the SLA engine owns. */
export const slaColumnNames = [
  'slaPolicyId',
  'slaPolicyVersion',
  'slaCalendarId',
  'slaPausedAt',
  'slaNextActionAt',
  'pendingSince',
  'pendingRemindedAt',
  'firstResponseTargetMs',
  'firstResponseConsumedMs',
  'firstResponseRunningSince',
  'firstResponseDueAt',
  'firstResponseWarnAt',
  'firstResponseWarnedAt',
  'firstResponseBreachedAt',
  'firstResponseReminded',
  'resolutionTargetMs',
  'resolutionConsumedMs',
  'resolutionRunningSince',
  'resolutionDueAt',
  'resolutionWarnAt',
  'resolutionWarnedAt',
  'resolutionBreachedAt',
  'resolutionReminded',
] as const;

type TicketSelect = typeof tickets.$inferSelect;
export type SlaColumns = Pick<TicketSelect, (typeof slaColumnNames)[number]>;

/** The SLA columns of a ticket that has never had a clock: the table's defaults. */
export const noSlaClock: SlaColumns = {
  slaPolicyId: null,
  slaPolicyVersion: null,
  slaCalendarId: null,
  slaPausedAt: null,
  slaNextActionAt: null,
  pendingSince: null,
  pendingRemindedAt: null,
  firstResponseTargetMs: null,
  firstResponseConsumedMs: 0,
  firstResponseRunningSince: null,
  firstResponseDueAt: null,
  firstResponseWarnAt: null,
  firstResponseWarnedAt: null,
  firstResponseBreachedAt: null,
  firstResponseReminded: false,
  resolutionTargetMs: null,
  resolutionConsumedMs: 0,
  resolutionRunningSince: null,
  resolutionDueAt: null,
  resolutionWarnAt: null,
  resolutionWarnedAt: null,
  resolutionBreachedAt: null,
  resolutionReminded: false,
};

/** What the clocks need to know about the ticket besides their own columns. */
export type TicketFacts = Pick<TicketSelect, 'status' | 'firstRespondedAt'>;

export interface ClockState {
  targetMs: number | null;
  consumedMs: number;
  runningSince: Date | null;
  dueAt: Date | null;
  warnAt: Date | null;
  warnedAt: Date | null;
  breachedAt: Date | null;
  reminded: boolean;
}

/** The policy that applies to a ticket now, with its calendar. */
export interface AppliedPolicy {
  id: string;
  version: number;
  calendarId: string;
  calendar: TBusinessCalendar;
  firstResponseMs: number;
  resolutionMs: number;
  warningPercent: number;
}

export function readClock(row: SlaColumns, name: ClockName): ClockState {
  return name === 'firstResponse'
    ? {
        targetMs: row.firstResponseTargetMs,
        consumedMs: row.firstResponseConsumedMs,
        runningSince: row.firstResponseRunningSince,
        dueAt: row.firstResponseDueAt,
        warnAt: row.firstResponseWarnAt,
        warnedAt: row.firstResponseWarnedAt,
        breachedAt: row.firstResponseBreachedAt,
        reminded: row.firstResponseReminded,
      }
    : {
        targetMs: row.resolutionTargetMs,
        consumedMs: row.resolutionConsumedMs,
        runningSince: row.resolutionRunningSince,
        dueAt: row.resolutionDueAt,
        warnAt: row.resolutionWarnAt,
        warnedAt: row.resolutionWarnedAt,
        breachedAt: row.resolutionBreachedAt,
        reminded: row.resolutionReminded,
      };
}

export function clockColumns(name: ClockName, c: ClockState): Partial<SlaColumns> {
  return name === 'firstResponse'
    ? {
        firstResponseTargetMs: c.targetMs,
        firstResponseConsumedMs: c.consumedMs,
        firstResponseRunningSince: c.runningSince,
        firstResponseDueAt: c.dueAt,
        firstResponseWarnAt: c.warnAt,
        firstResponseWarnedAt: c.warnedAt,
        firstResponseBreachedAt: c.breachedAt,
        firstResponseReminded: c.reminded,
      }
    : {
        resolutionTargetMs: c.targetMs,
        resolutionConsumedMs: c.consumedMs,
        resolutionRunningSince: c.runningSince,
        resolutionDueAt: c.dueAt,
        resolutionWarnAt: c.warnAt,
        resolutionWarnedAt: c.warnedAt,
        resolutionBreachedAt: c.breachedAt,
        resolutionReminded: c.reminded,
      };
}

const isWorking = (status: TTicketStatus) => status === 'new' || status === 'open';
const isWaiting = (status: TTicketStatus) => status === 'pending' || status === 'on_hold';

/** Whether a clock should run for a ticket in this state. */
export function shouldRun(name: ClockName, facts: TicketFacts): boolean {
  return isWorking(facts.status) && (name === 'resolution' || facts.firstRespondedAt === null);
}

const same = (a: Date | null, b: Date | null) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

/** Close the running segment at `now`: its business time is consumed; a passed due time is a breach. */
function settle(c: ClockState, now: Date, calendar: TBusinessCalendar | null): ClockState {
  if (!c.runningSince) return c;
  const consumed = calendar ? businessTimeBetween(calendar, c.runningSince, now) : 0;
  const overdue = c.dueAt !== null && now > c.dueAt;
  return {
    ...c,
    consumedMs: c.consumedMs + consumed,
    runningSince: null,
    breachedAt: c.breachedAt ?? (overdue ? c.dueAt : null),
  };
}

/** Open a new segment at `now` (or stay stopped) under `policy`, and work out warn and due times. */
function plan(c: ClockState, name: ClockName, run: boolean, waiting: boolean, now: Date, policy: AppliedPolicy | null) {
  const targetMs = policy ? (name === 'firstResponse' ? policy.firstResponseMs : policy.resolutionMs) : null;
  let next: ClockState;
  if (!policy || targetMs === null) {
    next = { ...c, targetMs: null, runningSince: null, dueAt: null, warnAt: null };
  } else if (!run) {
    // Paused: no due time until it resumes. Stopped: the due time it had stays, for the record.
    next = { ...c, targetMs, runningSince: null, warnAt: null, dueAt: waiting ? null : c.dueAt };
  } else {
    const remaining = targetMs - c.consumedMs;
    const warnMs = Math.floor((targetMs * policy.warningPercent) / 100);
    const used = remaining <= 0;
    const dueAt = used ? (c.dueAt && c.dueAt <= now ? c.dueAt : now) : addBusinessTime(policy.calendar, now, remaining);
    next = {
      ...c,
      targetMs,
      runningSince: now,
      dueAt,
      warnAt: c.consumedMs >= warnMs ? now : addBusinessTime(policy.calendar, now, warnMs - c.consumedMs),
      // A change that leaves nothing of the target (a shorter one, a higher priority) is a breach now.
      breachedAt: c.breachedAt ?? (used ? dueAt : null),
    };
  }
  if (!same(next.dueAt, c.dueAt)) next.reminded = false;
  return next;
}

/** The next instant the sweep has something to do for this clock (warn, then breach), or null. */
export function nextAction(c: ClockState): Date | null {
  if (!c.runningSince || c.breachedAt) return null;
  return c.warnedAt ? c.dueAt : c.warnAt;
}

export function nextActionAt(clocks: Record<ClockName, ClockState>): Date | null {
  const times = clockNames.map((n) => nextAction(clocks[n])).filter((d): d is Date => d !== null);
  return times.length ? new Date(Math.min(...times.map((d) => d.getTime()))) : null;
}

/**
 * The SLA columns after a change at `now`. `previousCalendar` is the calendar the running
 * segments ran on (the ticket's `sla_calendar_id`); `policy` the one that applies from now on.
 */
export function advanceSla(
  row: SlaColumns,
  facts: TicketFacts,
  now: Date,
  previousCalendar: TBusinessCalendar | null,
  policy: AppliedPolicy | null,
): SlaColumns {
  const waiting = isWaiting(facts.status);
  const clocks = {} as Record<ClockName, ClockState>;
  for (const name of clockNames) {
    const settled = settle(readClock(row, name), now, previousCalendar ?? policy?.calendar ?? null);
    clocks[name] = plan(settled, name, shouldRun(name, facts), waiting, now, policy);
  }
  const pending = facts.status === 'pending';
  return {
    slaPolicyId: policy?.id ?? null,
    slaPolicyVersion: policy?.version ?? null,
    slaCalendarId: policy?.calendarId ?? null,
    slaPausedAt: waiting ? (row.slaPausedAt ?? now) : null,
    pendingSince: pending ? (row.pendingSince ?? now) : null,
    pendingRemindedAt: pending ? row.pendingRemindedAt : null,
    slaNextActionAt: nextActionAt(clocks),
    // Together the two clocks' columns are all the rest.
    ...clockColumns('firstResponse', clocks.firstResponse),
    ...clockColumns('resolution', clocks.resolution),
  } as SlaColumns;
}

/** The columns of `next` that differ from `row` (dates by value). */
export function changedColumns(row: SlaColumns, next: SlaColumns): Partial<SlaColumns> {
  const out: Partial<Record<keyof SlaColumns, unknown>> = {};
  for (const key of slaColumnNames) {
    const a = row[key];
    const b = next[key];
    const equal = a instanceof Date || b instanceof Date ? same(a as Date | null, b as Date | null) : a === b;
    if (!equal) out[key] = b;
  }
  return out as Partial<SlaColumns>;
}

export type SlaActionKind = `${'first_response' | 'resolution'}_${'warning' | 'breach'}`;

export const clockKind = (name: ClockName): 'first_response' | 'resolution' =>
  name === 'firstResponse' ? 'first_response' : 'resolution';

/** What the sweep must do for this ticket at `now`: a breach if a running clock is overdue, else a warning. */
export function dueActions(row: SlaColumns, now: Date): { clock: ClockName; kind: SlaActionKind; at: Date }[] {
  const actions: { clock: ClockName; kind: SlaActionKind; at: Date }[] = [];
  for (const name of clockNames) {
    const c = readClock(row, name);
    if (!c.runningSince || c.breachedAt) continue;
    if (c.dueAt && c.dueAt < now) actions.push({ clock: name, kind: `${clockKind(name)}_breach`, at: c.dueAt });
    else if (!c.warnedAt && c.warnAt && c.warnAt < now)
      actions.push({ clock: name, kind: `${clockKind(name)}_warning`, at: c.warnAt });
  }
  return actions;
}

/** Business time consumed by a clock as of `now` (the running segment included). */
export function consumedAt(c: ClockState, now: Date, calendar: TBusinessCalendar | null): number {
  if (!c.runningSince || !calendar) return c.consumedMs;
  return c.consumedMs + businessTimeBetween(calendar, c.runningSince, now);
}

/** The `sla` block of the ticket JSON: due times, breach against the running clock at `now`, pause. */
export function presentSla(row: SlaColumns & Pick<TicketSelect, 'escalationLevel'>, now: Date) {
  const breached = (c: ClockState) =>
    c.breachedAt !== null || (c.runningSince !== null && c.dueAt !== null && now > c.dueAt);
  const fr = readClock(row, 'firstResponse');
  const res = readClock(row, 'resolution');
  // Only a running clock warns: a stopped one (paused, answered, resolved) keeps its warn time unused.
  const atRisk = (c: ClockState) => !breached(c) && c.runningSince !== null && c.warnAt !== null && now >= c.warnAt;
  return {
    firstResponseDueAt: fr.dueAt?.toISOString() ?? null,
    resolutionDueAt: res.dueAt?.toISOString() ?? null,
    firstResponseWarnAt: fr.runningSince ? (fr.warnAt?.toISOString() ?? null) : null,
    resolutionWarnAt: res.runningSince ? (res.warnAt?.toISOString() ?? null) : null,
    firstResponseBreached: breached(fr),
    resolutionBreached: breached(res),
    atRisk: (atRisk(fr) || atRisk(res)) && !breached(fr) && !breached(res),
    paused: row.slaPausedAt !== null,
    escalationLevel: row.escalationLevel,
  };
}
