import { asc, eq } from 'drizzle-orm';
import type { TTicketSlaExplanation } from '@deskmate/shared';
import type { DbOrTx } from '../db/client.js';
import { slaCalendars, slaEscalations, slaPolicies } from '../db/schema.js';
import type { TicketRow } from '../tickets/presenter.js';
import { explainDue } from './calendar.js';
import { calendarOf } from './setup.js';
import { consumedAt, readClock, type ClockName } from './clock.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * Why a ticket is due when it is: the policy (and version) and calendar in force, each clock's
 * target, the business time consumed so far, the segment running now and the business intervals
 * the rest of the target runs through, and the SLA actions taken.
 */
export async function explainTicketSla(db: DbOrTx, t: TicketRow, now: Date): Promise<TTicketSlaExplanation> {
  const [policy] = t.slaPolicyId ? await db.select().from(slaPolicies).where(eq(slaPolicies.id, t.slaPolicyId)) : [];
  const [calendarRow] = t.slaCalendarId
    ? await db.select().from(slaCalendars).where(eq(slaCalendars.id, t.slaCalendarId))
    : [];
  const calendar = calendarRow ? calendarOf(calendarRow) : null;
  const actions = await db
    .select()
    .from(slaEscalations)
    .where(eq(slaEscalations.ticketId, t.id))
    .orderBy(asc(slaEscalations.at), asc(slaEscalations.id));

  const clock = (name: ClockName) => {
    const c = readClock(t, name);
    const consumed = consumedAt(c, now, calendar);
    const answered = name === 'firstResponse' && t.firstRespondedAt !== null;
    const state =
      c.targetMs === null ? 'none' : c.runningSince ? 'running' : t.slaPausedAt && !answered ? 'paused' : 'stopped';
    const remaining = c.targetMs === null ? null : Math.max(0, c.targetMs - consumed);
    const intervals = c.runningSince && calendar && remaining ? explainDue(calendar, now, remaining).intervals : [];
    return {
      state: state as 'running' | 'paused' | 'stopped' | 'none',
      targetMs: c.targetMs,
      consumedMs: consumed,
      remainingMs: remaining,
      runningSince: iso(c.runningSince),
      warnAt: iso(c.warnAt),
      dueAt: iso(c.dueAt),
      warnedAt: iso(c.warnedAt),
      breachedAt: iso(c.breachedAt),
      breached: c.breachedAt !== null || (c.runningSince !== null && c.dueAt !== null && now > c.dueAt),
      intervals: intervals.map((i) => ({ start: i.start.toISOString(), end: i.end.toISOString() })),
    };
  };

  return {
    ticketKey: t.key,
    policy: t.slaPolicyId
      ? {
          id: t.slaPolicyId,
          name: policy?.name ?? null,
          // The version the due times were computed with (the policy may have moved on since).
          version: t.slaPolicyVersion,
        }
      : null,
    calendar: t.slaCalendarId
      ? { id: t.slaCalendarId, name: calendarRow?.name ?? null, timeZone: calendar?.timeZone ?? null }
      : null,
    pausedSince: iso(t.slaPausedAt),
    escalationLevel: t.escalationLevel,
    firstResponse: clock('firstResponse'),
    resolution: clock('resolution'),
    actions: actions.map((a) => ({ kind: a.kind, level: a.level, at: a.at.toISOString() })),
  };
}
