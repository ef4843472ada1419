import type { TTicketReport } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketCsat } from '../db/schema.js';
import type { UserRow } from '../http/context.js';
import { call, createUserWithPassword } from '../test/auth.js';
import { createGroup, createTicket } from '../test/factories.js';
import { MINUTE, as, startSlaDesk, type SlaDesk } from '../test/sla-desk.js';

let desk: SlaDesk;
let hardware: string;
let hardwareAgent: UserRow;
const policyId = '5e1a0000-0000-4000-8000-000000000002';
const at = (iso: string, plusMinutes = 0) => new Date(Date.parse(iso) + plusMinutes * MINUTE);

beforeAll(async () => {
  desk = await startSlaDesk('2026-03-01T09:00:00Z');
  const db = desk.database.db;
  hardwareAgent = await createUserWithPassword(db, { role: 'agent', name: 'Hal Hardware' });
  hardware = (await createGroup(db, { name: 'Hardware', members: [hardwareAgent.id] })).id;
  const make = (values: Parameters<typeof createTicket>[1]) =>
    createTicket(db, { requesterId: desk.requester.id, groupId: desk.groupId, ...values });
  const rate = (ticketId: string, rating: number) =>
    db.insert(ticketCsat).values({ ticketId, userId: desk.requester.id, rating });

  // In the range [Feb 1, Feb 4), Service desk: five tickets.
  const a1 = await make({
    createdAt: at('2026-02-01T10:00:00Z'),
    priority: 'high',
    category: 'network',
    assigneeId: desk.agent.id,
    status: 'resolved',
    firstRespondedAt: at('2026-02-01T10:00:00Z', 10),
    resolvedAt: at('2026-02-01T10:00:00Z', 60),
    slaPolicyId: policyId,
  });
  const a2 = await make({
    createdAt: at('2026-02-01T12:00:00Z'),
    priority: 'high',
    category: 'network',
    assigneeId: desk.agent.id,
    status: 'resolved',
    firstRespondedAt: at('2026-02-01T12:00:00Z', 20),
    resolvedAt: at('2026-02-01T12:00:00Z', 180),
    resolutionBreachedAt: at('2026-02-01T14:00:00Z'),
    slaPolicyId: policyId,
  });
  await make({
    createdAt: at('2026-02-02T09:00:00Z'),
    priority: 'low',
    category: 'hardware',
    assigneeId: desk.agent2.id,
    status: 'open',
    firstRespondedAt: at('2026-02-02T09:00:00Z', 30),
  });
  await make({ createdAt: at('2026-02-02T10:00:00Z'), priority: 'medium', status: 'new' });
  const a5 = await make({
    createdAt: at('2026-02-03T08:00:00Z'),
    priority: 'urgent',
    category: 'network',
    assigneeId: desk.agent2.id,
    status: 'resolved',
    firstRespondedAt: at('2026-02-03T08:00:00Z', 40),
    resolvedAt: at('2026-02-03T08:00:00Z', 120),
  });
  // Hardware: two tickets in the range.
  const b1 = await make({
    groupId: hardware,
    createdAt: at('2026-02-01T09:00:00Z'),
    priority: 'high',
    category: 'hardware',
    assigneeId: hardwareAgent.id,
    status: 'resolved',
    firstRespondedAt: at('2026-02-01T09:00:00Z', 5),
    resolvedAt: at('2026-02-01T09:00:00Z', 5),
    firstResponseBreachedAt: at('2026-02-01T09:00:00Z', 1),
    slaPolicyId: policyId,
  });
  await make({
    groupId: hardware,
    createdAt: at('2026-02-02T09:00:00Z'),
    priority: 'low',
    category: 'hardware',
    status: 'open',
  });
  await rate(a1.id, 5);
  await rate(a2.id, 4);
  await rate(a5.id, 2);
  await rate(b1.id, 1);
  // Left out of the range figures: a merged duplicate (with a rating), a ticket created before
  // the range (resolved inside it: counted as resolved on Feb 2), and open tickets of other days.
  const dup = await make({
    createdAt: at('2026-02-01T10:05:00Z'),
    mergedIntoId: a1.id,
    status: 'closed',
    firstRespondedAt: at('2026-02-01T10:05:00Z', 1),
  });
  await rate(dup.id, 1);
  await make({
    createdAt: at('2026-01-31T23:00:00Z'),
    status: 'resolved',
    resolvedAt: at('2026-02-02T01:00:00Z'),
  });
  // The backlog now (Mar 1, 09:00): 59 days, 2 days and 21 hours old.
  await make({ createdAt: at('2026-01-01T09:00:00Z'), status: 'open' });
  await make({ createdAt: at('2026-02-27T09:00:00Z'), priority: 'high', status: 'pending' });
  await make({ createdAt: at('2026-02-28T12:00:00Z'), status: 'new' });
});
afterAll(async () => {
  await desk.stop();
});

const report = (query: string, user: UserRow = desk.admin) =>
  call<TTicketReport>(desk.app, 'GET', `/reports/tickets?${query}`, { cookie: as(desk, user) });
const range = 'from=2026-02-01T00:00:00Z&to=2026-02-04T00:00:00Z';
const csat = (counts: number[]) => counts.map((count, i) => ({ rating: i + 1, count }));

describe('ticket report', () => {
  it('computes volume, times, CSAT, SLA and backlog over every ticket for an admin', async () => {
    const res = await report(range);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const r = res.body;
    expect(r.volume).toEqual([
      { day: '2026-02-01', created: 3, resolved: 3 },
      { day: '2026-02-02', created: 3, resolved: 1 },
      { day: '2026-02-03', created: 1, resolved: 1 },
    ]);
    expect(r.overall).toEqual({
      created: 7,
      open: 3,
      resolved: 4,
      // 5, 10, 20, 30, 40 minutes: p90 at rank 3.6 → 30 + 0.6 × 10.
      firstResponse: { count: 5, medianMinutes: 20, p90Minutes: 36 },
      // 5, 60, 120, 180 minutes: median (60 + 120) / 2; p90 at rank 2.7 → 120 + 0.7 × 60.
      resolution: { count: 4, medianMinutes: 90, p90Minutes: 162 },
      csat: { responses: 4, average: 3, satisfiedPercent: 50, distribution: csat([1, 1, 0, 1, 1]) },
    });
    expect(r.byPriority.map((p) => [p.priority, p.created])).toEqual([
      ['low', 2],
      ['medium', 1],
      ['high', 3],
      ['urgent', 1],
    ]);
    expect(r.byPriority.find((p) => p.priority === 'high')!.firstResponse).toEqual({
      count: 3,
      medianMinutes: 10,
      p90Minutes: 18,
    });
    expect(r.byGroup.map((g) => [g.group?.name, g.created, g.resolved])).toEqual([
      ['Service desk', 5, 3],
      ['Hardware', 2, 1],
    ]);
    expect(r.byCategory.map((c) => [c.category, c.created, c.csat.average])).toEqual([
      ['hardware', 3, 1],
      ['network', 3, 3.67],
      [null, 1, null],
    ]);
    expect(r.byAssignee.map((a) => [a.assignee?.name ?? null, a.created, a.csat.average])).toEqual([
      [null, 2, null],
      ['Riley Agent', 2, 2],
      ['Sam Agent', 2, 4.5],
      ['Hal Hardware', 1, 1],
    ]);
    expect(r.sla.overall.tickets).toBe(3);
    expect(r.sla.overall.firstResponse).toMatchObject({ met: 2, breached: 1, compliancePercent: 66.7 });
    expect(r.sla.overall.resolution).toMatchObject({ met: 2, breached: 1, compliancePercent: 66.7 });
    expect(r.backlog.map((b) => [b.bucket, b.total, b.low, b.medium, b.high, b.urgent])).toEqual([
      ['< 1 day', 1, 0, 1, 0, 0],
      ['1–3 days', 1, 0, 0, 1, 0],
      ['3–7 days', 0, 0, 0, 0, 0],
      ['7–30 days', 3, 2, 1, 0, 0],
      ['> 30 days', 1, 0, 1, 0, 0],
    ]);
    expect(r.deflectionReport).toBe(
      '/api/reports/deflection?from=2026-02-01T00%3A00%3A00.000Z&to=2026-02-04T00%3A00%3A00.000Z',
    );
  });

  it("shows an agent only their groups' tickets", async () => {
    const desk1 = (await report(range, desk.agent)).body;
    expect(desk1.overall).toMatchObject({
      created: 5,
      open: 2,
      resolved: 3,
      firstResponse: { count: 4, medianMinutes: 25, p90Minutes: 37 },
      resolution: { count: 3, medianMinutes: 120, p90Minutes: 168 },
      csat: { responses: 3, average: 3.67, satisfiedPercent: 66.7 },
    });
    expect(desk1.byGroup.map((g) => g.group?.name)).toEqual(['Service desk']);
    expect(desk1.sla.overall.firstResponse).toMatchObject({ met: 2, breached: 0 });
    expect(desk1.backlog.map((b) => b.total)).toEqual([1, 1, 0, 2, 1]);

    const res = await report(range, hardwareAgent);
    expect(res.status).toBe(200);
    const hw = res.body;
    expect(hw.volume.map((d) => [d.created, d.resolved])).toEqual([
      [1, 1],
      [1, 0],
      [0, 0],
    ]);
    expect(hw.overall.created).toBe(2);
    expect(hw.byGroup.map((g) => g.group?.name)).toEqual(['Hardware']);
    expect(hw.byAssignee.map((a) => a.assignee?.name ?? null)).toEqual([null, 'Hal Hardware']);
    expect(hw.sla.overall).toMatchObject({ tickets: 1, firstResponse: { met: 0, breached: 1 } });
    expect(hw.backlog.map((b) => b.total)).toEqual([0, 0, 0, 1, 0]);
    // Asking for the other group shows nothing of it.
    const other = (await report(`${range}&groupId=${desk.groupId}`, hardwareAgent)).body;
    expect(other.overall.created).toBe(0);
    expect(other.backlog.map((b) => b.total)).toEqual([0, 0, 0, 0, 0]);
  });

  it('narrows to one group, takes plain dates, and defaults to the last 30 days', async () => {
    const hw = (await report(`from=2026-02-01&to=2026-02-04&groupId=${hardware}`)).body;
    expect(hw.from).toBe('2026-02-01T00:00:00.000Z');
    expect(hw.groupId).toBe(hardware);
    expect(hw.overall.created).toBe(2);
    expect(hw.byPriority.map((p) => p.priority)).toEqual(['low', 'high']);

    const res = await report('');
    expect(res.status).toBe(200);
    expect(res.body.from).toBe('2026-01-30T09:00:00.000Z');
    expect(res.body.to).toBe('2026-03-01T09:00:00.000Z');
    expect(res.body.volume).toHaveLength(31);
    expect(res.body.overall.created).toBe(10);
  });

  it('is for agents and admins, and refuses bad ranges', async () => {
    expect((await report(range, desk.requester)).status).toBe(403);
    const backwards = await report('from=2026-02-04T00:00:00Z&to=2026-02-01T00:00:00Z');
    expect(backwards.status).toBe(400);
    expect(JSON.stringify(backwards.body)).toContain('must be after from');
    const tooLong = await report('from=2025-01-01&to=2026-02-01');
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.body)).toContain('at most 366 days');
    // Only `from`: `to` defaults to now, and the defaulted range is checked as well.
    expect((await report('from=2026-01-01T00:00:00Z')).status).toBe(200);
    expect((await report('from=2025-01-01T00:00:00Z')).status).toBe(400);
    expect((await report('to=2026-02-01T00:00:00Z&from=2026-02-01T00:00:00Z')).status).toBe(400);
    expect((await report('from=yesterday')).status).toBe(400);
    expect((await report(`${range}&groupId=nope`)).status).toBe(400);
    expect((await report(`${range}&status=open`)).status).toBe(400);
  });
});
