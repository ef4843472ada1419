import type { TSlaReport, TTicketPriority, TTicketReport, TTicketReportRow } from '@deskmate/shared';
import { priorityLabels } from './format';

/**
 * Chart and CSV rows from the server's reports (GET /api/reports/tickets, which embeds the SLA
 * report): the console computes no figure itself, it only shapes them for Recharts.
 */

const MINUTE = 60_000;

/** Minutes from the report as milliseconds, for `formatDuration`. */
export const minutesToMs = (minutes: number | null): number | null => (minutes === null ? null : minutes * MINUTE);

/** Milliseconds as hours with one decimal, for charts in hours. */
export const msToHours = (ms: number | null): number | null =>
  ms === null ? null : Math.round((ms / 3_600_000) * 10) / 10;

export interface TBreakdownRow {
  name: string;
  created: number;
  open: number;
  resolved: number;
  firstResponseMedianMs: number | null;
  resolutionMedianMs: number | null;
  resolutionP90Ms: number | null;
  csatAverage: number | null;
}

function breakdownRow(name: string, r: TTicketReportRow): TBreakdownRow {
  return {
    name,
    created: r.created,
    open: r.open,
    resolved: r.resolved,
    firstResponseMedianMs: minutesToMs(r.firstResponse.medianMinutes),
    resolutionMedianMs: minutesToMs(r.resolution.medianMinutes),
    resolutionP90Ms: minutesToMs(r.resolution.p90Minutes),
    csatAverage: r.csat.average,
  };
}

/** The per-category and per-agent tables and charts. */
export function breakdowns(report: TTicketReport): { byCategory: TBreakdownRow[]; byAgent: TBreakdownRow[] } {
  return {
    byCategory: report.byCategory.map((r) => breakdownRow(r.category ?? 'uncategorised', r)),
    byAgent: report.byAssignee.map((r) => breakdownRow(r.assignee?.name ?? 'Unassigned', r)),
  };
}

export interface TComplianceRow {
  name: string;
  firstResponse: number | null;
  resolution: number | null;
}

/** SLA compliance in % per priority and per group. */
export function compliance(sla: TSlaReport): { byPriority: TComplianceRow[]; byGroup: TComplianceRow[] } {
  const row = (name: string, r: TSlaReport['overall']) => ({
    name,
    firstResponse: r.firstResponse.compliancePercent,
    resolution: r.resolution.compliancePercent,
  });
  return {
    byPriority: sla.byPriority.map((r) => row(priorityLabels[r.priority], r)),
    byGroup: sla.byGroup.map((r) => row(r.group?.name ?? 'No group', r)),
  };
}

export interface TTimesRow {
  name: string;
  frMedian: number | null;
  frP90: number | null;
  resMedian: number | null;
  resP90: number | null;
}

/** Business-hours response and resolution times in hours, per priority then per group. */
export function businessTimes(sla: TSlaReport): TTimesRow[] {
  return [
    ...sla.byPriority.map((r) => ({ name: priorityLabels[r.priority], row: r })),
    ...sla.byGroup.map((r) => ({ name: r.group?.name ?? 'No group', row: r })),
  ].map(({ name, row }) => ({
    name,
    frMedian: msToHours(row.firstResponse.business.medianMs),
    frP90: msToHours(row.firstResponse.business.p90Ms),
    resMedian: msToHours(row.resolution.business.medianMs),
    resP90: msToHours(row.resolution.business.p90Ms),
  }));
}

export type TBacklogRow = { bucket: string; total: number } & Record<TTicketPriority, number>;

/** Open tickets by age, per priority. */
export const backlogRows = (report: TTicketReport): TBacklogRow[] =>
  report.backlog.map(({ bucket, total, low, medium, high, urgent }) => ({ bucket, total, low, medium, high, urgent }));
