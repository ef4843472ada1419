import { count, eq } from 'drizzle-orm';
import { ZErrorBody, type TTicket } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, outbox, ticketEvents, tickets } from '../db/schema.js';
import type { UserRow } from '../http/context.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';
import { createGroup } from '../test/factories.js';
import { fileTicket } from '../test/tickets.js';

// The triage card is the desk's: a request that says it comes from there (`via: 'triage'`) is
// refused to anyone but agents, even on their own ticket, which they may still reply to and
// resolve from their own view. The bots say where a click came from; the API decides (#17).

const testDatabase = useTestDatabase();
let database: TestDatabase;
let app: TestApp;
let agent: UserRow;
let admin: UserRow;
let alice: UserRow;
let bob: UserRow;
let groupId: string;
const as = (user: UserRow) => sessionCookie(app, user);

beforeAll(async () => {
  database = testDatabase.current;
  app = await startTestApp({ database, env: { TICKET_CREATE_LIMIT: '10000' } });
  const db = database.db;
  agent = await createUserWithPassword(db, { role: 'agent', name: 'Sam Agent' });
  admin = await createUserWithPassword(db, { role: 'admin', name: 'Ada Admin' });
  alice = await createUserWithPassword(db, { role: 'requester', name: 'Alice' });
  bob = await createUserWithPassword(db, { role: 'requester', name: 'Bob' });
  groupId = (await createGroup(db, { name: 'Service desk', members: [agent.id] })).id;
});
afterAll(async () => {
  await app.stop();
});

async function open(by: UserRow): Promise<TTicket> {
  const t = await fileTicket(app, by, { title: 'Printer jams on every page', description: 'Tray 2, since Monday.' });
  await database.db.update(tickets).set({ groupId }).where(eq(tickets.id, t.id));
  return t;
}

/** Everything a triage action could write: the ticket, its timeline, the audit trail, the outbox. */
async function written(ticketId: string) {
  const [row] = await database.db.select().from(tickets).where(eq(tickets.id, ticketId));
  const [events] = await database.db.select({ n: count() }).from(ticketEvents);
  const [audit] = await database.db.select({ n: count() }).from(auditEvents);
  const [out] = await database.db.select({ n: count() }).from(outbox);
  return {
    status: row!.status,
    priority: row!.priority,
    assigneeId: row!.assigneeId,
    updatedAt: row!.updatedAt,
    events: events!.n,
    audit: audit!.n,
    outbox: out!.n,
  };
}

/** The triage card's actions, as the Slack and Teams bots ask for them. */
const triageActions = (key: string) =>
  [
    ['open a form (read the ticket)', 'GET', `/tickets/${key}?via=triage`, undefined],
    ['Reply to requester', 'POST', `/tickets/${key}/replies`, { body: 'Fixed it myself', via: 'triage' }],
    ['Resolve', 'PATCH', `/tickets/${key}`, { status: 'resolved', via: 'triage' }],
    ['Priority', 'PATCH', `/tickets/${key}`, { priority: 'urgent', via: 'triage' }],
    ['Assign', 'PATCH', `/tickets/${key}`, { assigneeId: agent.id, via: 'triage' }],
  ] as const;

describe('actions from the triage card (via: triage)', () => {
  it('refuses a requester each of them on their own ticket: 403 naming the agent role, and nothing changes', async () => {
    const t = await open(alice);
    const before = await written(t.id);
    for (const [name, method, path, body] of triageActions(t.key)) {
      const res = await call(app, method, path, { cookie: as(alice), body });
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(403);
      expect(ZErrorBody.parse(res.body).error).toEqual({
        code: 'forbidden',
        message: 'Only agents can work tickets from the triage card',
        details: { requiredRole: 'agent' },
      });
    }
    expect(await written(t.id)).toEqual(before);
  });

  it('gives a requester the same refusal for a ticket that is not theirs (nothing about it is told)', async () => {
    const t = await open(alice);
    for (const [name, method, path, body] of triageActions(t.key)) {
      const res = await call(app, method, path, { cookie: as(bob), body });
      expect(res.status, name).toBe(403);
    }
    // Without `via` the ticket is not Bob's to see at all.
    expect((await call(app, 'GET', `/tickets/${t.key}`, { cookie: as(bob) })).status).toBe(404);
  });

  it('still lets the requester reply to and resolve their own ticket from their own view (DM, portal)', async () => {
    const t = await open(alice);
    const reply = await call<{ ticket: TTicket }>(app, 'POST', `/tickets/${t.key}/replies`, {
      cookie: as(alice),
      body: { body: 'It works again after a restart' },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    const resolved = await call<{ ticket: TTicket }>(app, 'PATCH', `/tickets/${t.key}`, {
      cookie: as(alice),
      body: { status: 'resolved' },
    });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(resolved.body.ticket.status).toBe('resolved');
  });

  it('lets an agent do each of them, recorded as usual', async () => {
    const t = await open(alice);
    for (const [name, method, path, body] of triageActions(t.key)) {
      const res = await call(app, method, path, { cookie: as(agent), body });
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    }
    const after = await written(t.id);
    expect(after).toMatchObject({ status: 'resolved', priority: 'urgent', assigneeId: agent.id });
    const replies = await database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, t.id));
    expect(replies.filter((e) => e.kind === 'reply').map((e) => e.authorId)).toEqual([agent.id]);
  });

  it('lets an admin act from the triage card on a ticket they requested themselves', async () => {
    const t = await open(admin);
    const res = await call<{ ticket: TTicket }>(app, 'PATCH', `/tickets/${t.key}`, {
      cookie: as(admin),
      body: { status: 'resolved', via: 'triage' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.ticket.status).toBe('resolved');
  });

  it('an unknown via, or a via with nothing to change, is 400 and writes nothing', async () => {
    const t = await open(alice);
    const before = await written(t.id);
    const bad = [
      call(app, 'GET', `/tickets/${t.key}?via=portal`, { cookie: as(agent) }),
      call(app, 'PATCH', `/tickets/${t.key}`, { cookie: as(agent), body: { status: 'resolved', via: 'email' } }),
      call(app, 'PATCH', `/tickets/${t.key}`, { cookie: as(agent), body: { via: 'triage' } }),
      call(app, 'POST', `/tickets/${t.key}/replies`, { cookie: as(agent), body: { body: 'hi', via: 'dm' } }),
      call(app, 'POST', `/tickets/${t.key}/notes`, { cookie: as(agent), body: { body: 'hi', via: 'triage' } }),
    ];
    for (const res of await Promise.all(bad)) {
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(ZErrorBody.parse(res.body).error.code).toBe('validation_failed');
    }
    expect(await written(t.id)).toEqual(before);
  });
});
