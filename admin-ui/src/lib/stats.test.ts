import { describe, expect, it } from 'vitest';
import { ticket } from './fixtures.test-helpers';
import { backlogAge, breakdown, complianceFromTickets, csatStats, percentile, volumeByDay } from './stats';

const HOUR = 3_600_000;

describe('report figures computed in the console', () => {
  it('interpolates percentiles like PostgreSQL percentile_cont', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5], 90)).toBe(5);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 1, 2, 3, 4, 5, 6, 7, 8, 9], 90)).toBeCloseTo(9.1);
  });

  it('counts created and resolved tickets per UTC day of the range, empty days included', () => {
    const days = volumeByDay(
      [
        ticket({ createdAt: '2026-01-01T10:00:00Z' }),
        ticket({ createdAt: '2026-01-01T23:00:00Z', resolvedAt: '2026-01-03T08:00:00Z' }),
        ticket({ createdAt: '2025-12-31T10:00:00Z' }),
      ],
      Date.parse('2026-01-01T00:00:00Z'),
      Date.parse('2026-01-04T00:00:00Z'),
    );
    expect(days).toEqual([
      { day: '2026-01-01', created: 2, resolved: 0 },
      { day: '2026-01-02', created: 0, resolved: 0 },
      { day: '2026-01-03', created: 0, resolved: 1 },
    ]);
  });

  it('buckets unresolved, unmerged tickets by age and priority', () => {
    const now = Date.parse('2026-01-10T00:00:00Z');
    const rows = backlogAge(
      [
        ticket({ createdAt: '2026-01-09T12:00:00Z', priority: 'urgent' }),
        ticket({ createdAt: '2026-01-05T00:00:00Z' }),
        ticket({ createdAt: '2025-11-01T00:00:00Z', priority: 'low' }),
        ticket({ createdAt: '2026-01-09T12:00:00Z', status: 'resolved' }),
        ticket({ createdAt: '2026-01-09T12:00:00Z', mergedIntoKey: 'IT-9' }),
      ],
      now,
    );
    expect(rows.map((r) => r.total)).toEqual([1, 0, 1, 0, 1]);
    expect(rows[0]!.urgent).toBe(1);
    expect(rows[4]!.low).toBe(1);
  });

  it('summarises CSAT with the share of 4 and 5 ratings', () => {
    const stats = csatStats([
      ticket({ csat: { rating: 5, comment: null } }),
      ticket({ csat: { rating: 4, comment: null } }),
      ticket({ csat: { rating: 1, comment: 'slow' } }),
      ticket(),
    ]);
    expect(stats).toMatchObject({ responses: 3, average: 3.33, satisfiedPercent: 66.7 });
    expect(stats.distribution.find((d) => d.rating === 1)?.count).toBe(1);
  });

  it('breaks figures down by a key with medians of response and resolution times', () => {
    const rows = breakdown(
      [
        ticket({
          category: 'network',
          firstRespondedAt: new Date(Date.parse('2026-01-01T00:00:00Z') + HOUR).toISOString(),
        }),
        ticket({
          category: 'network',
          firstRespondedAt: new Date(Date.parse('2026-01-01T00:00:00Z') + 3 * HOUR).toISOString(),
        }),
        ticket({ category: 'email', status: 'resolved', resolvedAt: '2026-01-02T00:00:00Z' }),
      ],
      (t) => t.category ?? 'none',
    );
    expect(rows[0]).toMatchObject({ name: 'network', created: 2, open: 2, resolved: 0 });
    expect(rows[0]!.firstResponse.medianMs).toBe(2 * HOUR);
    expect(rows[1]).toMatchObject({ name: 'email', resolved: 1 });
  });

  it('derives SLA compliance from decided clocks only', () => {
    const sla = ticket().sla;
    const rows = complianceFromTickets([
      ticket({
        priority: 'high',
        firstRespondedAt: '2026-01-01T01:00:00Z',
        sla: { ...sla, firstResponseDueAt: '2026-01-01T02:00:00Z' },
      }),
      ticket({
        priority: 'high',
        sla: { ...sla, firstResponseDueAt: '2026-01-01T02:00:00Z', firstResponseBreached: true },
      }),
      ticket({ priority: 'high', sla: { ...sla, firstResponseDueAt: '2026-01-01T02:00:00Z' } }),
    ]);
    expect(rows.find((r) => r.priority === 'high')).toEqual({
      priority: 'high',
      met: 1,
      breached: 1,
      compliancePercent: 50,
    });
    expect(rows.find((r) => r.priority === 'low')?.compliancePercent).toBeNull();
  });
});
