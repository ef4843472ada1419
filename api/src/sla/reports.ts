import { inArray, sql, type SQL } from 'drizzle-orm';
import type { TSlaReport, TSlaReportRow, TTicketPriority } from '@deskmate/shared';
import { ticketPriorities } from '@deskmate/shared';
import type { DbOrTx } from '../db/client.js';
import { groups } from '../db/schema.js';

type Row = Record<string, unknown> & {
  by_priority: number;
  by_group: number;
  priority: TTicketPriority | null;
  group_id: string | null;
  tickets: number;
  fr_met: number;
  fr_breached: number;
  fr_business_median: number | null;
  fr_business_p90: number | null;
  fr_elapsed_median: number | null;
  fr_elapsed_p90: number | null;
  res_met: number;
  res_breached: number;
  res_business_median: number | null;
  res_business_p90: number | null;
  res_elapsed_median: number | null;
  res_elapsed_p90: number | null;
};

const ms = (v: number | null) => (v === null ? null : Math.round(v));
const compliance = (met: number, breached: number) =>
  met + breached === 0 ? null : Math.round((met / (met + breached)) * 1000) / 10;

function present(r: Row | undefined): TSlaReportRow {
  const n = (v: number | undefined) => v ?? 0;
  return {
    tickets: n(r?.tickets),
    firstResponse: {
      met: n(r?.fr_met),
      breached: n(r?.fr_breached),
      compliancePercent: compliance(n(r?.fr_met), n(r?.fr_breached)),
      business: { medianMs: ms(r?.fr_business_median ?? null), p90Ms: ms(r?.fr_business_p90 ?? null) },
      elapsed: { medianMs: ms(r?.fr_elapsed_median ?? null), p90Ms: ms(r?.fr_elapsed_p90 ?? null) },
    },
    resolution: {
      met: n(r?.res_met),
      breached: n(r?.res_breached),
      compliancePercent: compliance(n(r?.res_met), n(r?.res_breached)),
      business: { medianMs: ms(r?.res_business_median ?? null), p90Ms: ms(r?.res_business_p90 ?? null) },
      elapsed: { medianMs: ms(r?.res_elapsed_median ?? null), p90Ms: ms(r?.res_elapsed_p90 ?? null) },
    },
  };
}

/**
 * SLA compliance of the tickets created in [from, to) (optionally of one group), overall, by
 * priority and by group. A clock counts once decided: met when the reply (resolution) came without
 * a breach, breached when its target was missed; tickets still running and in time are not
 * counted. Times are medians and 90th percentiles (linear interpolation, `percentile_cont`) of the
 * business time the clock consumed — what the targets measure, pauses excluded — and of the
 * elapsed wall-clock time since creation. Merged duplicates and tickets without an SLA are left out.
 * `visible` narrows to the tickets a viewer may see (`visibleTo`, over the `tickets` table).
 */
export async function slaReport(
  db: DbOrTx,
  range: { from: Date; to: Date; groupId?: string | undefined; visible?: SQL | undefined },
): Promise<TSlaReport> {
  const frDone = sql.raw('first_responded_at IS NOT NULL');
  const resDone = sql.raw('resolved_at IS NOT NULL');
  const pct = (p: number, expr: string, done: ReturnType<typeof sql.raw>) =>
    sql`percentile_cont(${sql.raw(String(p))}) WITHIN GROUP (ORDER BY ${sql.raw(expr)}) FILTER (WHERE ${done})`;
  const frElapsed = 'extract(epoch FROM first_responded_at - created_at) * 1000';
  const resElapsed = 'extract(epoch FROM resolved_at - created_at) * 1000';
  const result = await db.execute<Row>(sql`
    SELECT grouping(priority) AS by_group, grouping(group_id) AS by_priority, priority, group_id,
      count(*)::int AS tickets,
      count(*) FILTER (WHERE ${frDone} AND first_response_breached_at IS NULL)::int AS fr_met,
      count(*) FILTER (WHERE first_response_breached_at IS NOT NULL)::int AS fr_breached,
      ${pct(0.5, 'first_response_consumed_ms', frDone)} AS fr_business_median,
      ${pct(0.9, 'first_response_consumed_ms', frDone)} AS fr_business_p90,
      ${pct(0.5, frElapsed, frDone)} AS fr_elapsed_median,
      ${pct(0.9, frElapsed, frDone)} AS fr_elapsed_p90,
      count(*) FILTER (WHERE ${resDone} AND resolution_breached_at IS NULL)::int AS res_met,
      count(*) FILTER (WHERE resolution_breached_at IS NOT NULL)::int AS res_breached,
      ${pct(0.5, 'resolution_consumed_ms', resDone)} AS res_business_median,
      ${pct(0.9, 'resolution_consumed_ms', resDone)} AS res_business_p90,
      ${pct(0.5, resElapsed, resDone)} AS res_elapsed_median,
      ${pct(0.9, resElapsed, resDone)} AS res_elapsed_p90
    FROM tickets
    WHERE created_at >= ${range.from} AND created_at < ${range.to}
      AND merged_into_id IS NULL AND sla_policy_id IS NOT NULL
      ${range.groupId ? sql`AND group_id = ${range.groupId}` : sql``}
      ${range.visible ? sql`AND ${range.visible}` : sql``}
    GROUP BY GROUPING SETS ((priority), (group_id), ())`);
  const rows = result.rows;
  // grouping() is 1 for a column rolled up: by priority rows roll up group_id, and so on.
  const overall = rows.find((r) => r.by_group === 1 && r.by_priority === 1);
  const priorityRows = rows.filter((r) => r.by_priority === 1 && r.by_group === 0);
  const groupRows = rows.filter((r) => r.by_group === 1 && r.by_priority === 0);
  const groupIds = groupRows.map((r) => r.group_id).filter((g): g is string => g !== null);
  const names = groupIds.length
    ? new Map(
        (await db.select({ id: groups.id, name: groups.name }).from(groups).where(inArray(groups.id, groupIds))).map(
          (g) => [g.id, g.name],
        ),
      )
    : new Map<string, string>();
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    groupId: range.groupId ?? null,
    overall: present(overall),
    byPriority: ticketPriorities
      .map((priority) => ({ priority, row: priorityRows.find((r) => r.priority === priority) }))
      .filter((p) => p.row)
      .map((p) => ({ priority: p.priority, ...present(p.row) })),
    byGroup: groupRows.map((r) => ({
      group: r.group_id ? { id: r.group_id, name: names.get(r.group_id) ?? '' } : null,
      ...present(r),
    })),
  };
}
