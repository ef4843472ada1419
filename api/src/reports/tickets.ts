import { inArray, sql, type SQL } from 'drizzle-orm';
import {
  ticketPriorities,
  type TBacklogBucket,
  type TCsatSummary,
  type TTicketPriority,
  type TTicketReport,
  type TTicketReportRow,
} from '@deskmate/shared';
import type { DbOrTx } from '../db/client.js';
import { groups, users } from '../db/schema.js';
import { slaReport } from '../sla/reports.js';
import { visibleTo, type Viewer } from '../tickets/policy.js';

const DAY = 86_400_000;

/** Open tickets by age; `maxDays` is exclusive. */
const backlogBuckets = [
  { bucket: '< 1 day', minDays: 0, maxDays: 1 },
  { bucket: '1–3 days', minDays: 1, maxDays: 3 },
  { bucket: '3–7 days', minDays: 3, maxDays: 7 },
  { bucket: '7–30 days', minDays: 7, maxDays: 30 },
  { bucket: '> 30 days', minDays: 30, maxDays: null },
] as const;

export interface TicketReportRange {
  from: Date;
  to: Date;
  groupId?: string | undefined;
}

type BreakdownRow = Record<string, unknown> & {
  g_priority: number;
  g_group: number;
  g_category: number;
  g_assignee: number;
  priority: TTicketPriority | null;
  group_id: string | null;
  category: string | null;
  assignee_id: string | null;
  created: number;
  open: number;
  resolved: number;
  fr_count: number;
  fr_median: number | null;
  fr_p90: number | null;
  res_count: number;
  res_median: number | null;
  res_p90: number | null;
  csat_count: number;
  csat_sum: number;
  csat_satisfied: number;
  r1: number;
  r2: number;
  r3: number;
  r4: number;
  r5: number;
};

const minutes = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);

function csatOf(r: BreakdownRow | undefined): TCsatSummary {
  const n = r?.csat_count ?? 0;
  return {
    responses: n,
    average: n && r ? Math.round((r.csat_sum / n) * 100) / 100 : null,
    satisfiedPercent: n && r ? Math.round((r.csat_satisfied / n) * 1000) / 10 : null,
    distribution: ([1, 2, 3, 4, 5] as const).map((rating) => ({ rating, count: r?.[`r${rating}`] ?? 0 })),
  };
}

function present(r: BreakdownRow | undefined): TTicketReportRow {
  return {
    created: r?.created ?? 0,
    open: r?.open ?? 0,
    resolved: r?.resolved ?? 0,
    firstResponse: {
      count: r?.fr_count ?? 0,
      medianMinutes: minutes(r?.fr_median ?? null),
      p90Minutes: minutes(r?.fr_p90 ?? null),
    },
    resolution: {
      count: r?.res_count ?? 0,
      medianMinutes: minutes(r?.res_median ?? null),
      p90Minutes: minutes(r?.res_p90 ?? null),
    },
    csat: csatOf(r),
  };
}

/** Largest first, then by name: how the console lists breakdowns. */
const byVolume = <T extends { created: number }>(rows: T[], name: (r: T) => string) =>
  rows.sort((a, b) => b.created - a.created || name(a).localeCompare(name(b)));

/** The UTC days `YYYY-MM-DD` that [from, to) touches. */
function daysOf(from: Date, to: Date): string[] {
  const out: string[] = [];
  for (let d = Date.parse(from.toISOString().slice(0, 10)); d < to.getTime(); d += DAY) {
    out.push(new Date(d).toISOString().slice(0, 10));
  }
  return out;
}

async function namesOf(db: DbOrTx, table: typeof groups | typeof users, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.select({ id: table.id, name: table.name }).from(table).where(inArray(table.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/**
 * The desk's ticket report, computed in PostgreSQL over the tickets the viewer may see (admins
 * all, agents those of their groups, assigned to them or not yet routed; see `visibleTo`):
 * volume per UTC day; counts, first-response and resolution times (wall clock from creation,
 * median and p90 by `percentile_cont`) and CSAT of the tickets created in [from, to), overall and
 * by priority, group, category and assignee; SLA compliance (the SLA report over the same
 * tickets); the open backlog by age now. Merged duplicates are left out: they are one request.
 */
export async function ticketReport(
  db: DbOrTx,
  viewer: Viewer,
  range: TicketReportRange,
  now: Date,
): Promise<Omit<TTicketReport, 'deflectionReport'>> {
  const visible = visibleTo(viewer);
  const scope = sql`tickets.merged_into_id IS NULL
    ${range.groupId ? sql`AND tickets.group_id = ${range.groupId}` : sql``}
    ${visible ? sql`AND ${visible}` : sql``}`;
  const created = sql`tickets.created_at >= ${range.from} AND tickets.created_at < ${range.to}`;
  // greatest() skips NULLs, so the FILTER keeps tickets without a response (resolution) out.
  const pct = (p: number, expr: SQL, column: SQL) =>
    sql`(percentile_cont(${sql.raw(String(p))}) WITHIN GROUP (ORDER BY ${expr}) FILTER (WHERE ${column} IS NOT NULL))::float8`;
  const frAt = sql`tickets.first_responded_at`;
  const resAt = sql`tickets.resolved_at`;
  const frMinutes = sql`greatest(0, extract(epoch FROM ${frAt} - tickets.created_at) / 60)`;
  const resMinutes = sql`greatest(0, extract(epoch FROM ${resAt} - tickets.created_at) / 60)`;

  const breakdown = await db.execute<BreakdownRow>(sql`
    SELECT grouping(tickets.priority) AS g_priority, grouping(tickets.group_id) AS g_group,
      grouping(tickets.category) AS g_category, grouping(tickets.assignee_id) AS g_assignee,
      tickets.priority, tickets.group_id, tickets.category, tickets.assignee_id,
      count(*)::int AS created,
      count(*) FILTER (WHERE tickets.status NOT IN ('resolved', 'closed'))::int AS open,
      count(tickets.resolved_at)::int AS resolved,
      count(tickets.first_responded_at)::int AS fr_count,
      ${pct(0.5, frMinutes, frAt)} AS fr_median,
      ${pct(0.9, frMinutes, frAt)} AS fr_p90,
      count(tickets.resolved_at)::int AS res_count,
      ${pct(0.5, resMinutes, resAt)} AS res_median,
      ${pct(0.9, resMinutes, resAt)} AS res_p90,
      count(c.rating)::int AS csat_count,
      coalesce(sum(c.rating), 0)::int AS csat_sum,
      count(*) FILTER (WHERE c.rating >= 4)::int AS csat_satisfied,
      count(*) FILTER (WHERE c.rating = 1)::int AS r1,
      count(*) FILTER (WHERE c.rating = 2)::int AS r2,
      count(*) FILTER (WHERE c.rating = 3)::int AS r3,
      count(*) FILTER (WHERE c.rating = 4)::int AS r4,
      count(*) FILTER (WHERE c.rating = 5)::int AS r5
    FROM tickets LEFT JOIN ticket_csat c ON c.ticket_id = tickets.id
    WHERE ${created} AND ${scope}
    GROUP BY GROUPING SETS ((), (tickets.priority), (tickets.group_id), (tickets.category), (tickets.assignee_id))`);

  const volume = await db.execute<{ kind: 'created' | 'resolved'; day: string; n: number }>(sql`
    SELECT 'created' AS kind, to_char(tickets.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS n
    FROM tickets WHERE ${created} AND ${scope} GROUP BY 2
    UNION ALL
    SELECT 'resolved', to_char(tickets.resolved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), count(*)::int
    FROM tickets
    WHERE tickets.resolved_at >= ${range.from} AND tickets.resolved_at < ${range.to} AND ${scope}
    GROUP BY 2`);

  const ageCase = sql.join(
    backlogBuckets
      .filter((b) => b.maxDays !== null)
      .map(
        (b, i) =>
          sql`WHEN tickets.created_at > ${new Date(now.getTime() - b.maxDays! * DAY)} THEN ${sql.raw(String(i))}`,
      ),
    sql` `,
  );
  const backlog = await db.execute<{ bucket: number; priority: TTicketPriority; n: number }>(sql`
    SELECT (CASE ${ageCase} ELSE ${sql.raw(String(backlogBuckets.length - 1))} END)::int AS bucket, tickets.priority, count(*)::int AS n
    FROM tickets
    WHERE tickets.status NOT IN ('resolved', 'closed') AND ${scope}
    GROUP BY 1, 2`);

  const sla = await slaReport(db, { ...range, visible });

  const rows = breakdown.rows;
  // grouping() is 1 for a column rolled up: the row of one breakdown rolls up the other three.
  const setOf = (r: BreakdownRow) => [r.g_priority, r.g_group, r.g_category, r.g_assignee].join('');
  const overall = rows.find((r) => setOf(r) === '1111');
  const priorityRows = rows.filter((r) => setOf(r) === '0111');
  const groupRows = rows.filter((r) => setOf(r) === '1011');
  const categoryRows = rows.filter((r) => setOf(r) === '1101');
  const assigneeRows = rows.filter((r) => setOf(r) === '1110');
  const groupNames = await namesOf(
    db,
    groups,
    groupRows.flatMap((r) => (r.group_id ? [r.group_id] : [])),
  );
  const userNames = await namesOf(
    db,
    users,
    assigneeRows.flatMap((r) => (r.assignee_id ? [r.assignee_id] : [])),
  );

  const days = new Map(daysOf(range.from, range.to).map((day) => [day, { day, created: 0, resolved: 0 }]));
  for (const v of volume.rows) {
    const day = days.get(v.day);
    if (day) day[v.kind] = v.n;
  }

  const ages: TBacklogBucket[] = backlogBuckets.map((b) => ({ ...b, total: 0, low: 0, medium: 0, high: 0, urgent: 0 }));
  for (const b of backlog.rows) {
    const bucket = ages[b.bucket]!;
    bucket[b.priority] += b.n;
    bucket.total += b.n;
  }

  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    groupId: range.groupId ?? null,
    generatedAt: now.toISOString(),
    volume: [...days.values()],
    overall: present(overall),
    byPriority: ticketPriorities.flatMap((priority) => {
      const row = priorityRows.find((r) => r.priority === priority);
      return row ? [{ priority, ...present(row) }] : [];
    }),
    byGroup: byVolume(
      groupRows.map((r) => ({
        group: r.group_id ? { id: r.group_id, name: groupNames.get(r.group_id) ?? '' } : null,
        ...present(r),
      })),
      (r) => r.group?.name ?? '',
    ),
    byCategory: byVolume(
      categoryRows.map((r) => ({ category: r.category, ...present(r) })),
      (r) => r.category ?? '',
    ),
    byAssignee: byVolume(
      assigneeRows.map((r) => ({
        assignee: r.assignee_id ? { id: r.assignee_id, name: userNames.get(r.assignee_id) ?? '' } : null,
        ...present(r),
      })),
      (r) => r.assignee?.name ?? '',
    ),
    sla,
    backlog: ages,
  };
}
