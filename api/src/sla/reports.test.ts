import type { TSlaReport } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../test/auth.js';
import { createGroup, createTicket } from '../test/factories.js';
import { HOUR, MINUTE, as, startSlaDesk, type SlaDesk } from '../test/sla-desk.js';

let desk: SlaDesk;
let g1: string;
let g2: string;
const policyId = '5e1a0000-0000-4000-8000-000000000002';
const base = Date.parse('2026-01-05T09:00:00Z');

beforeAll(async () => {
  desk = await startSlaDesk('2026-03-01T09:00:00Z');
  const db = desk.database.db;
  g1 = (await createGroup(db, { name: 'Network' })).id;
  g2 = (await createGroup(db, { name: 'Hardware', members: [desk.agent2.id] })).id;
  const make = (values: Parameters<typeof createTicket>[1]) =>
    createTicket(db, { requesterId: desk.requester.id, slaPolicyId: policyId, ...values });
  // Ten high tickets in Network: first responses after 1..10 business minutes (10..100 minutes
  // elapsed), the last two late; four resolved after 1..4 business hours, the last one late.
  for (let i = 1; i <= 10; i++) {
    const createdAt = new Date(base + i * HOUR);
    await make({
      priority: 'high',
      groupId: g1,
      createdAt,
      status: i <= 4 ? 'resolved' : 'open',
      firstRespondedAt: new Date(createdAt.getTime() + i * 10 * MINUTE),
      firstResponseConsumedMs: i * MINUTE,
      firstResponseBreachedAt: i >= 9 ? createdAt : null,
      resolvedAt: i <= 4 ? new Date(createdAt.getTime() + i * 2 * HOUR) : null,
      resolutionConsumedMs: i <= 4 ? i * HOUR : 0,
      resolutionBreachedAt: i === 4 ? createdAt : null,
    });
  }
  // Two low tickets in Hardware, answered in time after 30 and 60 business minutes.
  for (const minutes of [30, 60]) {
    const createdAt = new Date(base + 2 * 86_400_000);
    await make({
      priority: 'low',
      groupId: g2,
      createdAt,
      status: 'open',
      firstRespondedAt: new Date(createdAt.getTime() + minutes * MINUTE),
      firstResponseConsumedMs: minutes * MINUTE,
    });
  }
  // Left out: one created after the range, one merged duplicate, one a clock still running in time.
  await make({
    priority: 'high',
    groupId: g1,
    createdAt: new Date('2026-02-10T09:00:00Z'),
    firstResponseBreachedAt: new Date(),
  });
  const survivor = await make({ priority: 'high', groupId: g1, createdAt: new Date(base), status: 'open' });
  await make({
    priority: 'high',
    groupId: g1,
    createdAt: new Date(base),
    mergedIntoId: survivor.id,
    firstResponseBreachedAt: new Date(base),
  });
});
afterAll(async () => {
  await desk.stop();
});

const report = (query: string, user = desk.admin) =>
  call<TSlaReport>(desk.app, 'GET', `/reports/sla?${query}`, { cookie: as(desk, user) });
const range = 'from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z';

describe('SLA report', () => {
  it('computes compliance, median and p90 by priority, by group and overall', async () => {
    const res = await report(range);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const high = res.body.byPriority.find((p) => p.priority === 'high')!;
    expect(high.tickets).toBe(11); // the ten, and the survivor of the merge (still running, in time)
    expect(high.firstResponse).toEqual({
      met: 8,
      breached: 2,
      compliancePercent: 80,
      // 1..10 minutes: median 5.5, p90 at rank 8.1 → 9.1 minutes (linear interpolation).
      business: { medianMs: 5.5 * MINUTE, p90Ms: 9.1 * MINUTE },
      elapsed: { medianMs: 55 * MINUTE, p90Ms: 91 * MINUTE },
    });
    expect(high.resolution).toEqual({
      met: 3,
      breached: 1,
      compliancePercent: 75,
      business: { medianMs: 2.5 * HOUR, p90Ms: 3.7 * HOUR },
      elapsed: { medianMs: 5 * HOUR, p90Ms: 7.4 * HOUR },
    });
    const low = res.body.byPriority.find((p) => p.priority === 'low')!;
    expect(low.firstResponse).toMatchObject({
      met: 2,
      breached: 0,
      compliancePercent: 100,
      business: { medianMs: 45 * MINUTE, p90Ms: 57 * MINUTE },
    });
    expect(low.resolution).toMatchObject({
      met: 0,
      breached: 0,
      compliancePercent: null,
      business: { medianMs: null },
    });
    // Overall: 1..10, 30 and 60 minutes: median 6.5; p90 at rank 9.9 → 10 + 0.9 × 20 = 28 minutes.
    expect(res.body.overall.tickets).toBe(13);
    expect(res.body.overall.firstResponse).toMatchObject({
      met: 10,
      breached: 2,
      compliancePercent: 83.3,
      business: { medianMs: 6.5 * MINUTE, p90Ms: 28 * MINUTE },
    });
    expect(res.body.byGroup.map((g) => [g.group?.name, g.tickets, g.firstResponse.compliancePercent]).sort()).toEqual([
      ['Hardware', 2, 100],
      ['Network', 11, 80],
    ]);
  });

  it('narrows to one group', async () => {
    const res = await report(`${range}&groupId=${g2}`);
    expect(res.status).toBe(200);
    expect(res.body.overall.tickets).toBe(2);
    expect(res.body.byPriority.map((p) => p.priority)).toEqual(['low']);
    expect(res.body.groupId).toBe(g2);
  });

  it('shows an agent the tickets of their groups only', async () => {
    // desk.agent is in neither group; agent2 is in Hardware.
    const outsider = await report(range, desk.agent);
    expect(outsider.status).toBe(200);
    expect(outsider.body.overall.tickets).toBe(0);
    const member = await report(range, desk.agent2);
    expect(member.body.overall.tickets).toBe(2);
    expect(member.body.byPriority.map((p) => p.priority)).toEqual(['low']);
    expect((await report(`${range}&groupId=${g1}`, desk.agent2)).body.overall.tickets).toBe(0);
  });

  it('is for agents and admins, and refuses a backwards range', async () => {
    expect((await report(range, desk.requester)).status).toBe(403);
    expect((await report(range, desk.admin)).status).toBe(200);
    const backwards = await report('from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z');
    expect(backwards.status).toBe(400);
    expect(JSON.stringify(backwards.body)).toContain('must be after from');
    expect((await report('from=yesterday&to=today')).status).toBe(400);
  });
});
