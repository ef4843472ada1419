import { ZTicketListQuery, type TTicket } from '@deskmate/shared';
import { drizzle } from 'drizzle-orm/node-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTickets } from '../tickets/list.js';
import { viewerFor } from '../tickets/policy.js';
import { call } from '../test/auth.js';
import { as, openTicket, patchTicket, startSlaDesk, type SlaDesk } from '../test/sla-desk.js';

/** The at-risk and breached queues: `GET /api/tickets?sla=…`, from the same clocks the ticket shows. */
let desk: SlaDesk;

beforeAll(async () => {
  desk = await startSlaDesk('2026-01-06T10:00:00Z'); // a Tuesday morning
});
afterAll(async () => {
  await desk.stop();
});

async function list(query: string) {
  const res = await call<{ items: TTicket[]; nextCursor: string | null }>(desk.app, 'GET', `/tickets?${query}`, {
    cookie: as(desk, desk.agent),
  });
  return res;
}
const keys = async (query: string) => {
  const res = await list(query);
  expect(res.status).toBe(200);
  return res.body.items.map((t) => t.key).sort();
};

/**
 * Every ticket the agent sees, and the at-risk and breached lists: each list holds exactly the
 * tickets whose own `sla` block (presentSla) is in that state now.
 */
async function expectQueuesAgreeWithTickets() {
  const all: TTicket[] = [];
  let cursor: string | null = null;
  do {
    const res: Awaited<ReturnType<typeof list>> = await list(`limit=100${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    all.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  const breached = all.filter((t) => t.sla.firstResponseBreached || t.sla.resolutionBreached).map((t) => t.key);
  const atRisk = all.filter((t) => t.sla.atRisk).map((t) => t.key);
  expect(await keys('sla=breached&limit=100')).toEqual(breached.sort());
  expect(await keys('sla=at_risk&limit=100')).toEqual(atRisk.sort());
  expect(await keys('sla=at_risk,breached&limit=100')).toEqual([...breached, ...atRisk].sort());
}

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

  it('at the boundaries each queue lists exactly the tickets whose own SLA block is in its state', async () => {
    const at = (iso: string | null, deltaMs = 0) => {
      expect(iso).not.toBeNull();
      desk.clock.set(new Date(Date.parse(iso!) + deltaMs));
    };
    const t = await openTicket(desk, 'urgent');
    const { firstResponseWarnAt: warnAt, firstResponseDueAt: dueAt } = t.sla;

    // A second before the warning: in neither.
    at(warnAt, -1000);
    await expectQueuesAgreeWithTickets();
    expect(await keys('sla=at_risk,breached&limit=100')).not.toContain(t.key);
    // The warning time itself is at risk (warned from then on).
    at(warnAt);
    await expectQueuesAgreeWithTickets();
    expect(await keys('sla=at_risk&limit=100')).toContain(t.key);
    // Due exactly now is not yet breached, still at risk; a millisecond later it is breached.
    at(dueAt);
    await expectQueuesAgreeWithTickets();
    expect(await keys('sla=at_risk&limit=100')).toContain(t.key);
    expect(await keys('sla=breached&limit=100')).not.toContain(t.key);
    at(dueAt, 1);
    await expectQueuesAgreeWithTickets();
    expect(await keys('sla=breached&limit=100')).toContain(t.key);
    expect(await keys('sla=at_risk&limit=100')).not.toContain(t.key);
  });

  it('a stopped clock keeps the state it stopped in: paused or resolved on time is never late, a recorded breach stays', async () => {
    const onTime = await openTicket(desk, 'urgent');
    const late = await openTicket(desk, 'urgent');
    const pausedLate = await openTicket(desk, 'urgent');
    const pausedEarly = await openTicket(desk, 'urgent');
    await patchTicket(desk, onTime.key, { status: 'resolved' });
    await patchTicket(desk, pausedEarly.key, { status: 'pending' });
    desk.clock.set(new Date(Date.parse(late.sla.firstResponseDueAt!) + 60_000));
    // Resolved and paused after the due time: the change records the breach.
    await patchTicket(desk, late.key, { status: 'resolved' });
    await patchTicket(desk, pausedLate.key, { status: 'pending' });
    desk.clock.advance(30 * 24 * 3_600_000);

    await expectQueuesAgreeWithTickets();
    const breached = await keys('sla=breached&limit=100');
    expect(breached).toEqual(expect.arrayContaining([late.key, pausedLate.key]));
    expect(breached).not.toContain(onTime.key);
    expect(breached).not.toContain(pausedEarly.key);
    expect(await keys('sla=at_risk&limit=100')).not.toEqual(expect.arrayContaining([onTime.key]));
    // The console's queue lists open work only: the resolved breach is not in it, the paused one is.
    const queue = await keys('status=new,open,pending,on_hold&sla=breached&limit=100');
    expect(queue).toContain(pausedLate.key);
    expect(queue).not.toContain(late.key);
  });

  it('both states at once are one list in page order, paged without a ticket twice or missed', async () => {
    desk.clock.set('2026-04-07T10:00:00Z'); // a Tuesday morning, after the clocks of the tests above
    const a = await openTicket(desk, 'urgent');
    desk.clock.advance(5 * 60_000);
    const b = await openTicket(desk, 'urgent');
    // A second after a's due time: a is breached, b (five minutes younger) warned and not yet due.
    desk.clock.set(new Date(Date.parse(a.sla.firstResponseDueAt!) + 1000));
    await expectQueuesAgreeWithTickets();
    expect(await keys('sla=breached&limit=100')).toContain(a.key);
    expect(await keys('sla=at_risk&limit=100')).toContain(b.key);

    // In the default order and in another one (the union is merged by the page's own sort).
    for (const [sort, compare] of [
      ['-updatedAt', (x: TTicket, y: TTicket) => y.updatedAt.localeCompare(x.updatedAt) || y.id.localeCompare(x.id)],
      ['createdAt', (x: TTicket, y: TTicket) => x.createdAt.localeCompare(y.createdAt) || x.id.localeCompare(y.id)],
    ] as const) {
      const expected = [
        ...(await list(`sla=breached&limit=100&sort=${sort}`)).body.items,
        ...(await list(`sla=at_risk&limit=100&sort=${sort}`)).body.items,
      ]
        .sort(compare)
        .map((i) => i.key);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const res: Awaited<ReturnType<typeof list>> = await list(
          `sla=at_risk,breached&limit=1&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.status).toBe(200);
        paged.push(...res.body.items.map((i) => i.key));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(paged).toEqual(expected);
    }
  });

  it('an unknown state is a 400 that names the parameter', async () => {
    const res = await list('sla=late');
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('query.sla');
  });
});

describe('the SLA queues read through their indexes', () => {
  it.each([
    ['breached', 'tickets_sla_breach_page_idx'],
    ['at_risk', 'tickets_sla_warn_page_idx'],
  ] as const)('the %s queue walks %s in page order, the state in the index condition', async (state, index) => {
    // The statement the API runs for the console's queue, as the database receives it.
    const statements: { sql: string; params: unknown[] }[] = [];
    const db = drizzle(desk.database.pool, { logger: { logQuery: (sql, params) => statements.push({ sql, params }) } });
    const query = ZTicketListQuery.parse({ status: 'new,open,pending,on_hold', sla: state });
    await listTickets(db, await viewerFor(db, desk.agent), query, desk.clock.now());
    const { sql, params } = statements.at(-1)!;
    const client = await desk.database.pool.connect();
    try {
      // On a test-sized table reading it all and sorting is always cheapest: without that, the plan
      // shows whether the condition as written can walk the index in page order at all (an edit
      // that no longer matches the index's expressions reads the whole desk, silently, at scale).
      await client.query('BEGIN');
      for (const off of ['seqscan', 'bitmapscan', 'sort']) await client.query(`SET LOCAL enable_${off} = off`);
      const plan = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n');
      expect(plan).toContain(`Index Scan Backward using ${index}`);
      expect(plan).toMatch(/Index Cond: .*sla_breach_at/);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });
});
