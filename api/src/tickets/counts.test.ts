import { queueDefinitions, type TQueueCounts, type TTicket } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../test/factories.js';
import { call, createUserWithPassword } from '../test/auth.js';
import { as, openTicket, patchTicket, startSlaDesk, type SlaDesk } from '../test/sla-desk.js';

/** GET /api/tickets/counts: the console's queue counts, from the queues' own list queries. */
let desk: SlaDesk;

beforeAll(async () => {
  desk = await startSlaDesk('2026-01-06T10:00:00Z'); // a Tuesday morning
});
afterAll(async () => {
  await desk.stop();
});

const counts = async (user = desk.agent) => {
  const res = await call<TQueueCounts>(desk.app, 'GET', '/tickets/counts', { cookie: as(desk, user) });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.counts;
};

/** Every ticket of a queue, paging through GET /tickets as the console does. */
async function listed(params: Readonly<Record<string, string>>, user = desk.agent): Promise<number> {
  let total = 0;
  let cursor: string | null = null;
  do {
    const query: URLSearchParams = new URLSearchParams({ ...params, limit: '100', ...(cursor ? { cursor } : {}) });
    const res: { status: number; body: { items: TTicket[]; nextCursor: string | null } } = await call<{
      items: TTicket[];
      nextCursor: string | null;
    }>(desk.app, 'GET', `/tickets?${query}`, {
      cookie: as(desk, user),
    });
    expect(res.status).toBe(200);
    total += res.body.items.length;
    cursor = res.body.nextCursor;
  } while (cursor);
  return total;
}

describe('queue counts', () => {
  it('count each queue for the person asking, as the queue lists it, and follow the clock', async () => {
    const other = (await createGroup(desk.database.db, { name: 'Facilities', members: [desk.agent2.id] })).id;
    await openTicket(desk, 'medium', { assignee: desk.agent });
    await openTicket(desk, 'low', { assignee: desk.agent });
    const urgent = await openTicket(desk, 'urgent'); // unassigned, in the agent's group
    await openTicket(desk, 'low', { groupId: other }); // another group's: not this agent's to see
    const done = await openTicket(desk, 'low', { assignee: desk.agent });
    await patchTicket(desk, done.key, { status: 'resolved' });

    expect(await counts()).toEqual({
      mine: 2,
      unassigned: 1,
      groups: 3,
      all: 4,
      'at-risk': 0,
      breached: 0,
    });
    // An admin sees every ticket: "All tickets" has no condition but visibility, and admins have none.
    expect((await counts(desk.admin)).all).toBe(5);
    // Another agent: none of these is theirs, and they see the other group's ticket.
    expect(await counts(desk.agent2)).toMatchObject({ mine: 0, unassigned: 2 });

    desk.clock.set(new Date(Date.parse(urgent.sla.firstResponseDueAt!) + 1000));
    const later = await counts();
    expect(later.breached).toBeGreaterThanOrEqual(1);
    for (const q of queueDefinitions) expect(later[q.id], q.id).toBe(await listed(q.params));
    const admin = await counts(desk.admin);
    for (const q of queueDefinitions) expect(admin[q.id], q.id).toBe(await listed(q.params, desk.admin));
  });

  it('are for agents: a requester is refused', async () => {
    const requester = await createUserWithPassword(desk.database.db, { role: 'requester' });
    const res = await call(desk.app, 'GET', '/tickets/counts', { cookie: as(desk, requester) });
    expect(res.status).toBe(403);
  });
});
