import { describe, expect, it } from 'vitest';
import type { TTicket } from '@deskmate/shared';
import { presentedTicket } from '../../../shared/src/test/presented';
import { inWarningWindow, isAtRisk, isBreached, slaClocks, withWarnTimes, worstClock } from './sla';

/** A ticket with no SLA due times unless the test gives them. */
const ticket = (overrides: Partial<TTicket> = {}): TTicket =>
  presentedTicket({
    id: overrides.key ?? 'id-1',
    key: 'IT-1',
    title: 'Printer jams',
    description: 'It jams',
    status: 'open',
    priority: 'medium',
    category: 'hardware',
    channel: 'web',
    requester: { id: 'r1', name: 'Alice', email: 'alice@example.com' },
    group: null,
    sla: { firstResponseDueAt: null, resolutionDueAt: null },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  });

const created = '2026-01-01T00:00:00.000Z';
const due = '2026-01-01T04:00:00.000Z'; // a 4-hour target: the warning window opens at 3h (75 %)
const at = (iso: string) => Date.parse(iso);

describe('SLA clocks in the console', () => {
  it('opens the warning window at the policy share of the target, measured from creation', () => {
    expect(inWarningWindow(created, due, at('2026-01-01T02:59:00Z'), 75)).toBe(false);
    expect(inWarningWindow(created, due, at('2026-01-01T03:00:00Z'), 75)).toBe(true);
  });

  it('calls a running clock at risk in the window and breached once the due time passes', () => {
    const t = ticket({ createdAt: created, sla: { ...ticket().sla, firstResponseDueAt: due } });
    expect(isAtRisk(t, at('2026-01-01T01:00:00Z'))).toBe(false);
    expect(isAtRisk(t, at('2026-01-01T03:30:00Z'))).toBe(true);
    expect(isBreached(t, at('2026-01-01T03:30:00Z'))).toBe(false);
    expect(isBreached(t, at('2026-01-01T04:00:01Z'))).toBe(true);
    expect(isAtRisk(t, at('2026-01-01T04:00:01Z'))).toBe(false);
  });

  it('uses the policy warning time the ticket carries instead of the estimate', () => {
    // Business hours can put the warning at 01:00 of a 4-hour wall-clock span: the estimate says 03:00.
    const sla = { ...ticket().sla, firstResponseDueAt: due, firstResponseWarnAt: '2026-01-01T01:00:00Z' };
    const t = ticket({ createdAt: created, sla });
    expect(slaClocks(t, at('2026-01-01T00:59:00Z'))[0]!.state).toBe('ok');
    expect(slaClocks(t, at('2026-01-01T01:30:00Z'))[0]!.state).toBe('at_risk');
  });

  it('trusts the server breach flag even before the due time', () => {
    const t = ticket({ sla: { ...ticket().sla, resolutionDueAt: due, resolutionBreached: true } });
    expect(isBreached(t, at('2026-01-01T00:10:00Z'))).toBe(true);
  });

  it('stops the first-response clock once answered and shows met, not a countdown', () => {
    const t = ticket({ firstRespondedAt: '2026-01-01T01:00:00Z', sla: { ...ticket().sla, firstResponseDueAt: due } });
    expect(slaClocks(t, at('2026-01-01T05:00:00Z'))[0]!.state).toBe('met');
    expect(isBreached(t, at('2026-01-01T05:00:00Z'))).toBe(false);
  });

  it('shows a paused clock as paused, never breached by the wall clock', () => {
    const t = ticket({ status: 'pending', sla: { ...ticket().sla, resolutionDueAt: due, paused: true } });
    expect(slaClocks(t, at('2026-01-01T03:30:00Z'))[1]!.state).toBe('paused');
  });

  it('shows no SLA for a ticket without due times', () => {
    expect(worstClock(ticket(), Date.now())).toBeNull();
  });

  it('a resolved ticket is never in the breached queue', () => {
    const t = ticket({
      status: 'resolved',
      resolvedAt: due,
      sla: { ...ticket().sla, resolutionDueAt: due, resolutionBreached: true },
    });
    expect(isBreached(t, at('2026-01-02T00:00:00Z'))).toBe(false);
  });

  it('picks the breached clock over one still running as the one to show', () => {
    const t = ticket({
      sla: { ...ticket().sla, firstResponseDueAt: '2026-01-01T01:00:00Z', resolutionDueAt: '2026-01-02T00:00:00Z' },
    });
    expect(worstClock(t, at('2026-01-01T02:00:00Z'))?.label).toBe('First response');
  });

  it('uses the policy warning time from the explanation when it is known', () => {
    const t = ticket({ createdAt: created, sla: { ...ticket().sla, firstResponseDueAt: due } });
    const now = at('2026-01-01T01:00:00Z');
    const clocks = withWarnTimes(slaClocks(t, now), ['2026-01-01T00:30:00Z', null], now);
    expect(clocks[0]!.state).toBe('at_risk');
  });
});

describe('stopped clocks', () => {
  it('shows a closed ticket whose target was missed as missed, not as a running breach', () => {
    const t = ticket({
      status: 'closed',
      resolvedAt: '2026-01-01T05:00:00Z',
      sla: { ...ticket().sla, resolutionDueAt: due, resolutionBreached: true },
    });
    const worst = worstClock(t, at('2026-01-10T00:00:00Z'));
    expect(worst).toMatchObject({ label: 'Resolution', state: 'breached', done: true });
    expect(isBreached(t, at('2026-01-10T00:00:00Z'))).toBe(false);
  });

  it('prefers a running clock over a missed one that has stopped', () => {
    const t = ticket({
      firstRespondedAt: '2026-01-01T05:00:00Z',
      sla: {
        ...ticket().sla,
        firstResponseDueAt: due,
        firstResponseBreached: true,
        resolutionDueAt: '2026-01-03T00:00:00Z',
      },
    });
    expect(worstClock(t, at('2026-01-01T06:00:00Z'))).toMatchObject({ label: 'Resolution', state: 'ok' });
  });
});
