import { eq, sql } from 'drizzle-orm';
import { ZSlaEscalation, type TSlaEscalation, type TTicketPriority } from '@deskmate/shared';
import { rowFromJson, type DbOrTx } from '../db/client.js';
import { slaCalendars, slaPolicies } from '../db/schema.js';
import type { TBusinessCalendar } from './calendar.js';
import type { AppliedPolicy } from './clock.js';

export type PolicyRow = typeof slaPolicies.$inferSelect;
export type CalendarRow = typeof slaCalendars.$inferSelect;

export interface SlaCalendar {
  id: string;
  name: string;
  /** One object per calendar and setup: the arithmetic caches its compiled form per object. */
  calendar: TBusinessCalendar;
}

/** The active policies and every calendar, loaded once per transaction (both tables are small). */
export interface SlaSetup {
  policies: PolicyRow[];
  calendars: Map<string, SlaCalendar>;
}

export function calendarOf(row: CalendarRow): TBusinessCalendar {
  return {
    timeZone: row.timeZone,
    weekly: row.weekly as TBusinessCalendar['weekly'],
    holidays: row.holidays as string[],
  };
}

export async function loadSlaSetup(db: DbOrTx): Promise<SlaSetup> {
  const [policies, calendars] = await Promise.all([
    db.select().from(slaPolicies).where(eq(slaPolicies.active, true)),
    db.select().from(slaCalendars),
  ]);
  return {
    policies,
    calendars: new Map(calendars.map((c) => [c.id, { id: c.id, name: c.name, calendar: calendarOf(c) }])),
  };
}

function setupOf(rows: { policy: PolicyRow; calendar: CalendarRow | null }[]): SlaSetup {
  const calendars = new Map<string, SlaCalendar>();
  for (const { calendar: c } of rows)
    if (c && !calendars.has(c.id)) calendars.set(c.id, { id: c.id, name: c.name, calendar: calendarOf(c) });
  return { policies: rows.map((r) => r.policy), calendars };
}

/**
 * The setup as a ticket that has no clock yet needs it — the active policies and their calendars
 * (no earlier calendar to measure past time on) — as one JSON value: a column of a create's one read.
 */
export const slaSetupForNewJson = sql<SlaSetupJson>`(
  SELECT coalesce(json_agg(json_build_object('policy', row_to_json(p), 'calendar', row_to_json(c))), '[]'::json)
    FROM ${slaPolicies} p LEFT JOIN ${slaCalendars} c ON c.id = p.calendar_id
   WHERE p.active)`;
export type SlaSetupJson = { policy: Record<string, unknown>; calendar: Record<string, unknown> | null }[];

/** The setup from `slaSetupForNewJson`'s value, each column mapped as the driver would. */
export function slaSetupFromJson(json: SlaSetupJson): SlaSetup {
  return setupOf(
    json.map(({ policy, calendar }) => ({
      policy: rowFromJson(slaPolicies, policy),
      calendar: calendar ? rowFromJson(slaCalendars, calendar) : null,
    })),
  );
}

export interface PolicyScope {
  priority: TTicketPriority;
  groupId: string | null;
  category: string | null;
}

/**
 * The policy for a ticket: of the active policies for its priority whose group and category (when
 * set) match, the most specific — group and category, then group, then category, then neither.
 */
export function resolvePolicy(setup: SlaSetup, scope: PolicyScope): PolicyRow | null {
  let best: PolicyRow | null = null;
  let bestScore = -1;
  for (const p of setup.policies) {
    if (p.priority !== scope.priority) continue;
    if (p.groupId !== null && p.groupId !== scope.groupId) continue;
    if (p.category !== null && p.category !== scope.category) continue;
    const score = (p.groupId !== null ? 2 : 0) + (p.category !== null ? 1 : 0);
    if (score > bestScore) {
      best = p;
      bestScore = score;
    }
  }
  return best;
}

export function appliedPolicy(setup: SlaSetup, scope: PolicyScope): AppliedPolicy | null {
  const p = resolvePolicy(setup, scope);
  const calendar = p ? setup.calendars.get(p.calendarId) : undefined;
  if (!p || !calendar) return null;
  return {
    id: p.id,
    version: p.version,
    calendarId: p.calendarId,
    calendar: calendar.calendar,
    firstResponseMs: p.firstResponseMinutes * 60_000,
    resolutionMs: p.resolutionMinutes * 60_000,
    warningPercent: p.warningPercent,
  };
}

export function escalationOf(policy: PolicyRow | undefined): TSlaEscalation {
  return ZSlaEscalation.parse(policy?.escalation ?? {});
}
