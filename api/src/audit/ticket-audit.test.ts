import { and, asc, eq } from 'drizzle-orm';
import type { TTicket, TTicketAuditEvent } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, tickets } from '../db/schema.js';
import type { UserRow } from '../http/context.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';
import { createGroup } from '../test/factories.js';
import { fileTicket } from '../test/tickets.js';
import { recordAudit, systemActor } from './record.js';

const testDatabase = useTestDatabase();
let database: TestDatabase;
let app: TestApp;
let admin: UserRow;
let agent: UserRow;
let outsider: UserRow; // an agent of another group
let alice: UserRow;
let bob: UserRow;
let groupId: string;
const as = (user: UserRow) => sessionCookie(app, user);
type Page = { items: TTicketAuditEvent[]; nextCursor: string | null };

beforeAll(async () => {
  database = testDatabase.current;
  app = await startTestApp({ database });
  const db = database.db;
  admin = await createUserWithPassword(db, { role: 'admin', name: 'Ada Admin' });
  agent = await createUserWithPassword(db, { role: 'agent', name: 'Sam Agent' });
  outsider = await createUserWithPassword(db, { role: 'agent', name: 'Olly Outsider' });
  alice = await createUserWithPassword(db, { role: 'requester', name: 'Alice' });
  bob = await createUserWithPassword(db, { role: 'requester', name: 'Bob' });
  groupId = (await createGroup(db, { name: 'Service desk', members: [agent.id] })).id;
  await createGroup(db, { name: 'Facilities', members: [outsider.id] });
});
afterAll(async () => {
  await app.stop();
});

/** Alice opens a ticket, routed to the service desk (without an audit row of its own). */
async function open(title = 'Laptop will not charge'): Promise<TTicket> {
  const ticket = await fileTicket(app, alice, {
    title,
    description: 'The charger light is on but the battery stays at 3%.',
  });
  await database.db.update(tickets).set({ groupId }).where(eq(tickets.id, ticket.id));
  return ticket;
}

const rowsOf = (ticketId: string) =>
  database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityType, 'ticket'), eq(auditEvents.entityId, ticketId)))
    .orderBy(asc(auditEvents.id));

describe('GET /api/tickets/:key/audit', () => {
  it('gives the agents of the ticket its audit rows, newest first, with who did it by name and no IP', async () => {
    const t = await open();
    await open('Another ticket'); // its rows must not show up
    expect(
      (await call(app, 'PATCH', `/tickets/${t.key}`, { cookie: as(agent), body: { priority: 'high' } })).status,
    ).toBe(200);
    await recordAudit(database.db, systemActor, {
      action: 'ticket.sla_warned',
      entityType: 'ticket',
      entityId: t.id,
      before: { escalationLevel: 0 },
      after: { escalationLevel: 1 },
    });
    const [created, updated, warned] = await rowsOf(t.id);
    // The before/after values are the stored snapshots, as they are; IP and user agent are left out.
    expect(updated).toMatchObject({ before: { key: t.key, priority: 'medium' }, after: { priority: 'high' } });
    expect(updated?.ip).not.toBeNull();

    const expected: Page = {
      items: [
        {
          id: warned!.id,
          action: 'ticket.sla_warned',
          actorType: 'system',
          actor: null,
          channel: 'system',
          before: { escalationLevel: 0 },
          after: { escalationLevel: 1 },
          createdAt: warned!.createdAt.toISOString(),
        },
        {
          id: updated!.id,
          action: 'ticket.updated',
          actorType: 'user',
          actor: { id: agent.id, name: 'Sam Agent', email: agent.email },
          channel: 'web',
          before: updated!.before,
          after: updated!.after,
          createdAt: updated!.createdAt.toISOString(),
        },
        {
          id: created!.id,
          action: 'ticket.created',
          actorType: 'user',
          actor: { id: alice.id, name: 'Alice', email: alice.email },
          channel: 'web',
          before: null,
          after: created!.after,
          createdAt: created!.createdAt.toISOString(),
        },
      ],
      nextCursor: null,
    };
    for (const user of [agent, admin]) {
      const res = await call<Page>(app, 'GET', `/tickets/${t.key}/audit`, { cookie: as(user) });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(expected);
    }
  });

  it('pages back with the cursor until nextCursor is null', async () => {
    const t = await open();
    for (const priority of ['high', 'urgent', 'low'])
      await call(app, 'PATCH', `/tickets/${t.key}`, { cookie: as(agent), body: { priority } });
    const ids = (await rowsOf(t.id)).map((r) => r.id).reverse();
    expect(ids).toHaveLength(4);

    const first = await call<Page>(app, 'GET', `/tickets/${t.key}/audit?limit=3`, { cookie: as(agent) });
    expect(first.body.items.map((i) => i.id)).toEqual(ids.slice(0, 3));
    expect(first.body.nextCursor).toBe(String(ids[2]));
    const second = await call<Page>(app, 'GET', `/tickets/${t.key}/audit?limit=3&cursor=${first.body.nextCursor}`, {
      cookie: as(agent),
    });
    expect(second.body).toMatchObject({ nextCursor: null });
    expect(second.body.items.map((i) => [i.id, i.action])).toEqual([[ids[3], 'ticket.created']]);
  });

  it('refuses requesters (403, even their own ticket) and agents who may not see it (404, like every ticket route)', async () => {
    const t = await open();
    for (const requester of [alice, bob]) {
      const res = await call(app, 'GET', `/tickets/${t.key}/audit`, { cookie: as(requester) });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({
        error: { code: 'forbidden', message: 'Only agents can do this', details: { requiredRole: 'agent' } },
      });
    }
    const hidden = await call(app, 'GET', `/tickets/${t.key}/audit`, { cookie: as(outsider) });
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual({ error: { code: 'not_found', message: 'Ticket not found' } });
    const unknown = await call(app, 'GET', '/tickets/IT-999999/audit', { cookie: as(admin) });
    expect(unknown.body).toEqual(hidden.body);
  });

  it('refuses an agent of another group who only watches the ticket (403): watching is not working it', async () => {
    const t = await open();
    const watch = await call(app, 'POST', `/tickets/${t.key}/watchers`, {
      cookie: as(alice),
      body: { userId: outsider.id },
    });
    expect(watch.status).toBe(200);
    expect((await call(app, 'GET', `/tickets/${t.key}`, { cookie: as(outsider) })).status).toBe(200);
    const res = await call(app, 'GET', `/tickets/${t.key}/audit`, { cookie: as(outsider) });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: { code: 'forbidden', message: 'Only agents working this ticket can read its audit trail' },
    });
  });

  it('answers bad input with 400: a forged cursor, a limit out of range, an unknown parameter, a malformed key', async () => {
    const t = await open();
    for (const q of ['cursor=abc', 'cursor=-1', 'cursor=1e5', 'limit=0', 'limit=101', 'entity=user']) {
      const res = await call<{ error: { code: string; message: string } }>(app, 'GET', `/tickets/${t.key}/audit?${q}`, {
        cookie: as(agent),
      });
      expect(res.status, q).toBe(400);
      expect(res.body.error.code, q).toBe('validation_failed');
    }
    const cursor = await call(app, 'GET', `/tickets/${t.key}/audit?cursor=abc`, { cookie: as(agent) });
    expect(cursor.body).toMatchObject({
      error: { message: 'Invalid query.cursor: use the nextCursor of a previous page' },
    });
    expect((await call(app, 'GET', '/tickets/robert;drop/audit', { cookie: as(agent) })).status).toBe(400);
  });
});
