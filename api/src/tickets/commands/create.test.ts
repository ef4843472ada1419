import { count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, notifications, outbox, ticketEvents, tickets } from '../../db/schema.js';
import { countedDatabase } from '../../test/counted.js';
import { createGroup, createUser } from '../../test/factories.js';
import { as, getTicket, startSlaDesk, type SlaDesk } from '../../test/sla-desk.js';
import { call, createUserWithPassword, sessionCookie } from '../../test/auth.js';
import { startTestApp } from '../../test/app.js';
import type { TTicket } from '@deskmate/shared';
import { ticketColumns } from '../presenter.js';
import { ticketContext } from './context.js';
import { createTicket } from './create.js';

let desk: SlaDesk;
let roundRobinGroup: string;

beforeAll(async () => {
  desk = await startSlaDesk('2026-03-02T09:00:00Z');
  roundRobinGroup = (
    await createGroup(desk.database.db, {
      name: 'Round robin desk',
      roundRobin: true,
      members: [desk.agent.id, desk.agent2.id],
    })
  ).id;
});
afterAll(async () => {
  await desk.stop();
});

const contextOn = (db: typeof desk.database.db) =>
  ticketContext(
    { ...desk.app.runtime.services, db },
    { userId: desk.agent.id, type: 'user', channel: 'web' },
    desk.agent,
  );

const input = (title: string) => ({
  title,
  description: 'The dock does not wake the screens.',
  priority: 'high' as const,
  requesterId: desk.requester.id,
  groupId: roundRobinGroup,
});

/** Rows a create writes besides the ticket, across the tables it writes. */
async function written(): Promise<number[]> {
  const db = desk.database.db;
  return Promise.all(
    [ticketEvents, auditEvents, outbox, notifications].map(async (table) =>
      Number((await db.select({ n: count() }).from(table))[0]!.n),
    ),
  );
}

describe('creating a ticket without files (ADR 23)', () => {
  it('goes on with the row it wrote: the row it returns is the stored one, column for column', async () => {
    const row = await createTicket(await contextOn(desk.database.db), input('Dock not waking screens'));
    const [stored] = await desk.database.db.select(ticketColumns).from(tickets).where(eq(tickets.id, row.id));
    expect(stored).toEqual(row);
    // Round-robin and the SLA clocks were in it, not only the defaults.
    expect(row.assigneeId).not.toBeNull();
    expect(row.firstResponseDueAt).not.toBeNull();
    expect(row.key).toBe(`IT-${row.number}`);
    const events = await desk.database.db
      .select({ body: ticketEvents.body })
      .from(ticketEvents)
      .where(eq(ticketEvents.ticketId, row.id))
      .orderBy(ticketEvents.createdAt);
    expect(events.map((e) => e.body)).toEqual(['Ticket created', 'Assigned by round-robin']);
  });

  it('is two statements: what it reads first (number, requester, group, agent, SLA setup), then everything it writes', async () => {
    const counted = countedDatabase(desk.database.url);
    try {
      const ctx = await contextOn(counted.db);
      const before = counted.statements();
      await createTicket(ctx, input('Two statements'));
      expect(counted.statements() - before).toBe(2);
    } finally {
      await counted.close();
    }
  });

  it('writes nothing when its one write fails', async () => {
    const db = desk.database.db;
    const [last] = await db
      .select({ number: tickets.number })
      .from(tickets)
      .orderBy(sql`${tickets.number} DESC`)
      .limit(1);
    const before = await written();
    // The sequence set back: the next number is taken, and the ticket's insert fails.
    await db.execute(sql`SELECT setval('ticket_number_seq', ${last!.number - 1})`);
    try {
      const failure = await createTicket(await contextOn(db), input('Doomed by its number')).catch((err: Error) => err);
      expect((failure as Error & { cause?: { constraint?: string } }).cause?.constraint).toMatch(
        /^tickets_(key|number)_idx$/,
      );
      expect(await written()).toEqual(before);
      expect(await db.select().from(tickets).where(eq(tickets.title, 'Doomed by its number'))).toEqual([]);
    } finally {
      await db.execute(sql`SELECT setval('ticket_number_seq', (SELECT max(number) FROM tickets))`);
    }
  });
});

describe('the answer to a create', () => {
  it('shows what a read of the ticket shows, without reading it back: for someone else, round-robin', async () => {
    const res = await call<{ ticket: TTicket }>(desk.app, 'POST', '/tickets', {
      cookie: as(desk, desk.agent),
      body: input('Filed by an agent for Alice'),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const answer = res.body.ticket;
    expect(answer.requester).toMatchObject({ id: desk.requester.id, name: 'Alice' });
    expect(answer.assignee?.name).toMatch(/Agent$/);
    expect(answer.group?.name).toBe('Round robin desk');
    expect(answer).toEqual(await getTicket(desk, answer.key));
  });

  it('shows what a read shows for a requester filing their own, and refuses an inactive requester', async () => {
    const res = await call<{ ticket: TTicket }>(desk.app, 'POST', '/tickets', {
      cookie: as(desk, desk.requester),
      body: { title: 'My own', description: 'Printer jams on every page.' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.ticket).toEqual(await getTicket(desk, res.body.ticket.key));

    const gone = await createUser(desk.database.db, { role: 'requester', active: false });
    const turns = await desk.database.db.select({ n: count() }).from(tickets);
    const refused = await call(desk.app, 'POST', '/tickets', {
      cookie: as(desk, desk.agent),
      body: { ...input('For someone gone'), requesterId: gone.id },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('no such active user');
    expect(await desk.database.db.select({ n: count() }).from(tickets)).toEqual(turns);
  });
});

describe('a requester over TICKET_CREATE_LIMIT', () => {
  it("is refused in the create's one read, before it takes a number or a turn", async () => {
    const app = await startTestApp({ role: 'api', env: { TICKET_CREATE_LIMIT: '2' } });
    try {
      const db = app.database.db;
      const requester = await createUserWithPassword(db, { role: 'requester' });
      const file = (title: string) =>
        call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
          cookie: sessionCookie(app, requester),
          body: { title, description: 'The screen flickers.' },
        });
      expect((await file('First')).status).toBe(201);
      expect((await file('Second')).status).toBe(201);
      const sequence = async () =>
        (await db.execute<{ n: string }>(sql`SELECT last_value::text AS n FROM ticket_number_seq`)).rows[0]!.n;
      const before = await sequence();
      const refused = await file('Third');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await sequence()).toBe(before);
      expect(
        await db.select({ title: tickets.title }).from(tickets).where(eq(tickets.requesterId, requester.id)),
      ).toHaveLength(2);
    } finally {
      await app.stop();
    }
  });
});
