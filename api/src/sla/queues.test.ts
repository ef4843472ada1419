import type { TTicket } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../test/auth.js';
import { as, openTicket, startSlaDesk, type SlaDesk } from '../test/sla-desk.js';

/** The at-risk and breached queues: `GET /api/tickets?sla=…`, from the same clocks the ticket shows. */
let desk: SlaDesk;

beforeAll(async () => {
  desk = await startSlaDesk('2026-01-06T10:00:00Z'); // a Tuesday morning
});
afterAll(async () => {
  await desk.stop();
});

async function list(query: string) {
  const res = await call<{ items: TTicket[] }>(desk.app, 'GET', `/tickets?${query}`, { cookie: as(desk, desk.agent) });
  return res;
}
const keys = async (query: string) => {
  const res = await list(query);
  expect(res.status).toBe(200);
  return res.body.items.map((t) => t.key).sort();
};

describe('SLA state in the ticket list', () => {
  it('a ticket is at risk from its warning time, breached from its due time, and listed by state', async () => {
    const urgent = await openTicket(desk, 'urgent');
    const low = await openTicket(desk, 'low');
    const warnAt = urgent.sla.firstResponseWarnAt;
    const dueAt = urgent.sla.firstResponseDueAt;
    expect(warnAt).not.toBeNull();
    expect(dueAt).not.toBeNull();
    expect(Date.parse(warnAt!)).toBeLessThan(Date.parse(dueAt!));
    expect(urgent.sla.atRisk).toBe(false);
    expect(await keys('sla=at_risk')).toEqual([]);

    desk.clock.set(new Date(Date.parse(warnAt!) + 1000));
    expect(await keys('sla=at_risk')).toEqual([urgent.key]);
    expect(await keys('sla=breached')).toEqual([]);
    const atRisk = (await list('sla=at_risk')).body.items[0]!;
    expect(atRisk.sla).toMatchObject({ atRisk: true, firstResponseBreached: false });

    desk.clock.set(new Date(Date.parse(dueAt!) + 1000));
    expect(await keys('sla=breached')).toEqual([urgent.key]);
    expect(await keys('sla=at_risk')).not.toContain(urgent.key);
    expect(await keys('sla=at_risk,breached')).toContain(urgent.key);
    const breached = (await list('sla=breached')).body.items[0]!;
    expect(breached.sla).toMatchObject({ atRisk: false, firstResponseBreached: true });
    // Combined with the other filters: the low-priority ticket is in neither.
    expect(await keys(`sla=at_risk,breached&priority=low`)).not.toContain(low.key);
  });

  it('a paused clock is neither at risk nor breached by the wall clock', async () => {
    const t = await openTicket(desk, 'urgent');
    const pending = await call(desk.app, 'PATCH', `/tickets/${t.key}`, {
      cookie: as(desk, desk.agent),
      body: { status: 'pending' },
    });
    expect(pending.status).toBe(200);
    desk.clock.advance(30 * 24 * 3_600_000);
    const all = (await list('sla=at_risk,breached&status=pending')).body.items.map((i) => i.key);
    expect(all).not.toContain(t.key);
  });

  it('an unknown state is a 400 that names the parameter', async () => {
    const res = await list('sla=late');
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('query.sla');
  });
});
