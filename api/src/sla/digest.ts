import { and, eq, inArray, sql } from 'drizzle-orm';
import { isAdmin, type TWeekday } from '@deskmate/shared';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { users } from '../db/schema.js';
import { writeOutbox } from '../delivery/outbox.js';
import { zoneOffsets } from './time-zone.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const jsWeekday: Record<TWeekday, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

export interface DigestSchedule {
  weekday: TWeekday;
  /** Local hour of the day (0-23) in `timeZone`. */
  hour: number;
  timeZone: string;
}

export interface DigestStats {
  opened: number;
  resolved: number;
  breached: number;
  atRisk: number;
  csat: { count: number; average: number | null };
}

export interface Digest extends DigestStats {
  userId: string;
  /** agent: the tickets assigned to them; desk: every ticket (admins). */
  scope: 'agent' | 'desk';
  from: string;
  to: string;
}

/** The most recent digest time at or before `now` (that weekday, that hour, on the local clock). */
export function lastDigestTime(now: Date, schedule: DigestSchedule): Date {
  const zone = zoneOffsets(schedule.timeZone);
  const localNow = now.getTime() + zone.spanAt(now.getTime()).offset;
  const today = Math.floor(localNow / DAY);
  for (let back = 0; back <= 7; back++) {
    const day = today - back;
    if ((((day + 4) % 7) + 7) % 7 !== jsWeekday[schedule.weekday]) continue;
    const local = day * DAY + schedule.hour * HOUR;
    // Local wall time to UTC: the offset in force then (taken at a first guess, then corrected).
    const guess = local - zone.spanAt(local).offset;
    const utc = local - zone.spanAt(guess).offset;
    if (utc <= now.getTime()) return new Date(utc);
  }
  throw new Error('unreachable: every week has the weekday');
}

type Row = Record<string, unknown> & {
  assignee_id: string | null;
  total: number;
  opened: number;
  resolved: number;
  breached: number;
  at_risk: number;
  csat_count: number;
  csat_avg: number | null;
};

/**
 * The weekly digest: for the week before the last digest time, each active agent gets their
 * numbers (tickets assigned to them) and each admin the desk's: opened, resolved, breached, at
 * risk now (warned, running, not breached), CSAT. Written to the outbox with the dedupe key
 * `digest:<user>:<week end>`, so the job may run hourly on any number of workers and each
 * digest is written once; a run after downtime catches up on the week just ended.
 */
export async function writeWeeklyDigests(db: Db, clock: Clock, schedule: DigestSchedule): Promise<Digest[]> {
  const now = clock.now();
  const to = lastDigestTime(now, schedule);
  const from = new Date(to.getTime() - 7 * DAY);
  const inWeek = (column: string) => sql`(${sql.raw(column)} >= ${from} AND ${sql.raw(column)} < ${to})`;
  const atRisk = sql.raw(
    `(status IN ('new','open','pending','on_hold') AND (` +
      `(first_response_warned_at IS NOT NULL AND first_response_breached_at IS NULL AND first_response_running_since IS NOT NULL) OR ` +
      `(resolution_warned_at IS NOT NULL AND resolution_breached_at IS NULL AND resolution_running_since IS NOT NULL)))`,
  );
  const breached = sql`(${inWeek('first_response_breached_at')} OR ${inWeek('resolution_breached_at')})`;
  const query = sql`
    SELECT t.assignee_id, grouping(t.assignee_id) AS total,
      count(*) FILTER (WHERE ${inWeek('t.created_at')})::int AS opened,
      count(*) FILTER (WHERE ${inWeek('t.resolved_at')})::int AS resolved,
      count(*) FILTER (WHERE ${breached})::int AS breached,
      count(*) FILTER (WHERE ${atRisk})::int AS at_risk,
      count(c.rating) FILTER (WHERE ${inWeek('c.created_at')})::int AS csat_count,
      (avg(c.rating) FILTER (WHERE ${inWeek('c.created_at')}))::float AS csat_avg
    FROM tickets t LEFT JOIN ticket_csat c ON c.ticket_id = t.id
    WHERE ${inWeek('t.created_at')} OR ${inWeek('t.resolved_at')} OR ${breached} OR ${atRisk} OR ${inWeek('c.created_at')}
    GROUP BY GROUPING SETS ((t.assignee_id), ())`;
  const rows = (await db.execute<Row>(query)).rows;
  const desk = rows.find((r) => r.total === 1);
  const byAgent = new Map(rows.filter((r) => r.total === 0 && r.assignee_id).map((r) => [r.assignee_id!, r]));
  const people = await db
    .select({ id: users.id, role: users.role })
    .from(users)
    .where(and(eq(users.active, true), inArray(users.role, ['agent', 'admin'])));
  const stats = (r: Row | undefined): DigestStats => ({
    opened: r?.opened ?? 0,
    resolved: r?.resolved ?? 0,
    breached: r?.breached ?? 0,
    atRisk: r?.at_risk ?? 0,
    csat: {
      count: r?.csat_count ?? 0,
      average: r?.csat_avg === null || r?.csat_avg === undefined ? null : Math.round(r.csat_avg * 100) / 100,
    },
  });
  const digests: Digest[] = people.map((p) => ({
    userId: p.id,
    scope: isAdmin(p) ? 'desk' : 'agent',
    from: from.toISOString(),
    to: to.toISOString(),
    ...stats(isAdmin(p) ? desk : byAgent.get(p.id)),
  }));
  if (!digests.length) return [];
  const written = await writeOutbox(
    db,
    'digest.weekly',
    digests.map((d) => ({ dedupeKey: `digest:${d.userId}:${d.to}`, payload: { ...d } })),
    'skip',
  );
  const fresh = new Set(written.map((w) => w.dedupeKey));
  return digests.filter((d) => fresh.has(`digest:${d.userId}:${d.to}`));
}
