import { describe, expect, it } from 'vitest';
import type { TSlaReport, TSlaReportRow, TTicketReport, TTicketReportRow } from '@deskmate/shared';
import { backlogRows, breakdowns, businessTimes, compliance, minutesToMs, msToHours } from './stats';

const HOUR = 3_600_000;

function row(created: number, extra: Partial<TTicketReportRow> = {}): TTicketReportRow {
  return {
    created,
    open: 0,
    resolved: 0,
    firstResponse: { count: 0, medianMinutes: null, p90Minutes: null },
    resolution: { count: 0, medianMinutes: null, p90Minutes: null },
    csat: { responses: 0, average: null, satisfiedPercent: null, distribution: [] },
    ...extra,
  };
}

function slaRow(frPercent: number | null, frMedianMs: number | null): TSlaReportRow {
  const clock = (percent: number | null, medianMs: number | null) => ({
    met: 0,
    breached: 0,
    compliancePercent: percent,
    business: { medianMs, p90Ms: medianMs === null ? null : medianMs * 2 },
    elapsed: { medianMs: null, p90Ms: null },
  });
  return { tickets: 1, firstResponse: clock(frPercent, frMedianMs), resolution: clock(null, null) };
}

const sla: TSlaReport = {
  from: '2026-01-01T00:00:00.000Z',
  to: '2026-02-01T00:00:00.000Z',
  groupId: null,
  overall: slaRow(80, HOUR),
  byPriority: [{ priority: 'high', ...slaRow(75, 1.5 * HOUR) }],
  byGroup: [
    { group: { id: 'g1', name: 'Network' }, ...slaRow(90, HOUR / 4) },
    { group: null, ...slaRow(null, null) },
  ],
};

const report: TTicketReport = {
  from: sla.from,
  to: sla.to,
  groupId: null,
  generatedAt: sla.to,
  volume: [],
  overall: row(3),
  byPriority: [],
  byGroup: [],
  byCategory: [
    { category: 'network', ...row(2, { resolution: { count: 1, medianMinutes: 90, p90Minutes: 120 } }) },
    { category: null, ...row(1) },
  ],
  byAssignee: [
    {
      assignee: { id: 'u1', name: 'Sam' },
      ...row(2, { open: 1, csat: { responses: 1, average: 4, satisfiedPercent: 100, distribution: [] } }),
    },
    { assignee: null, ...row(1) },
  ],
  sla,
  backlog: [
    { bucket: '< 1 day', minDays: 0, maxDays: 1, total: 3, low: 1, medium: 0, high: 2, urgent: 0 },
    { bucket: '> 30 days', minDays: 30, maxDays: null, total: 0, low: 0, medium: 0, high: 0, urgent: 0 },
  ],
  deflectionReport: '/api/reports/deflection',
};

describe('report rows shaped from the server report', () => {
  it('converts minutes and hours', () => {
    expect(minutesToMs(1.5)).toBe(90_000);
    expect(minutesToMs(null)).toBeNull();
    expect(msToHours(1.26 * HOUR)).toBe(1.3);
    expect(msToHours(null)).toBeNull();
  });

  it('names the breakdown rows and keeps their figures', () => {
    const { byCategory, byAgent } = breakdowns(report);
    expect(byCategory.map((r) => [r.name, r.created, r.resolutionMedianMs, r.resolutionP90Ms])).toEqual([
      ['network', 2, 90 * 60_000, 120 * 60_000],
      ['uncategorised', 1, null, null],
    ]);
    expect(byAgent.map((r) => [r.name, r.open, r.csatAverage])).toEqual([
      ['Sam', 1, 4],
      ['Unassigned', 0, null],
    ]);
  });

  it('labels compliance and business times by priority and group', () => {
    expect(compliance(sla)).toEqual({
      byPriority: [{ name: 'High', firstResponse: 75, resolution: null }],
      byGroup: [
        { name: 'Network', firstResponse: 90, resolution: null },
        { name: 'No group', firstResponse: null, resolution: null },
      ],
    });
    expect(businessTimes(sla).map((r) => [r.name, r.frMedian, r.frP90, r.resMedian])).toEqual([
      ['High', 1.5, 3, null],
      ['Network', 0.3, 0.5, null],
      ['No group', null, null, null],
    ]);
  });

  it('keeps the backlog buckets and their priorities', () => {
    expect(backlogRows(report)).toEqual([
      { bucket: '< 1 day', total: 3, low: 1, medium: 0, high: 2, urgent: 0 },
      { bucket: '> 30 days', total: 0, low: 0, medium: 0, high: 0, urgent: 0 },
    ]);
  });
});
