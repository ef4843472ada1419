import { and, count, eq, sql } from 'drizzle-orm';
import { ticketStatuses, ZErrorBody, ZTicket, type TTicket, type TTicketStatus } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, notifications, outbox, ticketEvents, tickets } from '../db/schema.js';
import { attachments } from '../db/schema-attachments.js';
import { apiRoutes } from '../http/api.js';
import type { UserRow } from '../http/context.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';
import { createGroup } from '../test/factories.js';
import { until } from '../test/until.js';
import { transitions } from './status.js';

const testDatabase = useTestDatabase();
let database: TestDatabase;
let app: TestApp;
let admin: UserRow;
let agent: UserRow;
let agent2: UserRow;
let outsider: UserRow; // an agent of another group
let alice: UserRow;
let bob: UserRow;
let groupId: string;
const as = (user: UserRow) => sessionCookie(app, user);

beforeAll(async () => {
  database = testDatabase.current;
  app = await startTestApp({ database, env: { TICKET_CREATE_LIMIT: '10000' } });
  const db = database.db;
  admin = await createUserWithPassword(db, { role: 'admin' });
  agent = await createUserWithPassword(db, { role: 'agent', name: 'Sam Agent' });
  agent2 = await createUserWithPassword(db, { role: 'agent', name: 'Riley Agent' });
  outsider = await createUserWithPassword(db, { role: 'agent', name: 'Olly Outsider' });
  alice = await createUserWithPassword(db, { role: 'requester', name: 'Alice' });
  bob = await createUserWithPassword(db, { role: 'requester', name: 'Bob' });
  groupId = (await createGroup(db, { name: 'Service desk', members: [agent.id, agent2.id] })).id;
  await createGroup(db, { name: 'Facilities', members: [outsider.id] });
});
afterAll(async () => {
  await app.stop();
});

async function open(by: UserRow = alice, extra: Record<string, unknown> = {}): Promise<TTicket> {
  const res = await call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
    cookie: as(by),
    body: {
      title: 'Laptop will not charge',
      description: 'The charger light is on but the battery stays at 3%.',
      ...extra,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  if (by.role === 'requester' && !extra.groupId) {
    // Route it to the service desk like the desk's default group would.
    await database.db.update(tickets).set({ groupId }).where(eq(tickets.id, res.body.ticket.id));
  }
  return res.body.ticket;
}

const auditOf = (ticketId: string, action: string) =>
  database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityId, ticketId), eq(auditEvents.action, action)));

async function counts() {
  const [t] = await database.db.select({ n: count() }).from(tickets);
  const [e] = await database.db.select({ n: count() }).from(ticketEvents);
  const [a] = await database.db.select({ n: count() }).from(auditEvents);
  return { tickets: t!.n, events: e!.n, audit: a!.n };
}

describe('creating tickets', () => {
  it('gives a key like IT-1042, status new, the requester, a created event and an audit row', async () => {
    const t = await open();
    expect(ZTicket.parse(t).key).toMatch(/^IT-\d{4,}$/);
    expect(t).toMatchObject({ status: 'new', priority: 'medium', requester: { id: alice.id }, channel: 'web' });
    const [audit] = await auditOf(t.id, 'ticket.created');
    expect(audit).toMatchObject({ actorId: alice.id, before: null, after: { key: t.key, status: 'new' } });
    const [change] = await database.db
      .select()
      .from(outbox)
      .where(sql`${outbox.payload}->>'ticketId' = ${t.id}`);
    expect(change?.kind).toBe('ticket.changed');
  });

  it('lets agents file for someone else and refuses that to requesters', async () => {
    const byAgent = await call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
      cookie: as(agent),
      body: { title: 'Phone for Bob', description: 'Needs a new phone', requesterId: bob.id, groupId },
    });
    expect(byAgent.status).toBe(201);
    expect(byAgent.body.ticket.requester.id).toBe(bob.id);
    const byRequester = await call(app, 'POST', '/tickets', {
      cookie: as(alice),
      body: { title: 'Phone for Bob', description: 'x', requesterId: bob.id },
    });
    expect(byRequester.status).toBe(403);
  });

  it('limits how many tickets one requester opens in 10 minutes (agents are not limited)', async () => {
    const limited = await startTestApp({ database, env: { TICKET_CREATE_LIMIT: '3' } });
    try {
      const requester = await createUserWithPassword(database.db);
      const make = (u: UserRow) =>
        call(limited, 'POST', '/tickets', {
          cookie: sessionCookie(limited, u),
          body: { title: 'Rate me', description: 'x' },
        });
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await make(requester)).status);
      expect(statuses).toEqual([201, 201, 201, 429]);
      for (let i = 0; i < 4; i++) expect((await make(agent)).status).toBe(201);
    } finally {
      await limited.stop();
    }
  });

  it('uses the configured key prefix', async () => {
    const other = await startTestApp({ database, env: { TICKET_KEY_PREFIX: 'HELP' } });
    try {
      const res = await call<{ ticket: TTicket }>(other, 'POST', '/tickets', {
        cookie: sessionCookie(other, alice),
        body: { title: 'Prefix test', description: 'x' },
      });
      expect(res.body.ticket.key).toMatch(/^HELP-\d+$/);
    } finally {
      await other.stop();
    }
  });
});

describe('the status machine', () => {
  const cases: [TTicketStatus, TTicketStatus, boolean][] = [];
  for (const from of ticketStatuses)
    for (const to of ticketStatuses)
      if (from !== to && to !== 'new') cases.push([from, to, transitions[from].includes(to)]);
  cases.push(['open', 'new', false]);

  it.each(cases)('%s → %s allowed for an agent: %s', async (from, to, allowed) => {
    const t = await open();
    await database.db.update(tickets).set({ status: from }).where(eq(tickets.id, t.id));
    const res = await call<{ ticket: TTicket }>(app, 'PATCH', `/tickets/${t.key}`, {
      cookie: as(agent),
      body: { status: to },
    });
    if (allowed) {
      expect(res.status).toBe(200);
      expect(res.body.ticket.status).toBe(to);
      if (to === 'resolved') expect(res.body.ticket.resolvedAt).not.toBeNull();
      if (to === 'closed') expect(res.body.ticket.closedAt).not.toBeNull();
      const [audit] = await auditOf(t.id, 'ticket.updated');
      expect(audit).toMatchObject({ before: { status: from }, after: { status: to } });
    } else {
      expect(res.status).toBe(409);
      expect(ZErrorBody.parse(res.body).error.message).toMatch(/cannot go from/);
      const [row] = await database.db.select({ status: tickets.status }).from(tickets).where(eq(tickets.id, t.id));
      expect(row?.status).toBe(from);
    }
  });

  it('lets a requester resolve their ticket but not put it on hold', async () => {
    const t = await open();
    expect(
      (await call(app, 'PATCH', `/tickets/${t.key}`, { cookie: as(alice), body: { status: 'on_hold' } })).status,
    ).toBe(403);
    expect(
      (await call(app, 'PATCH', `/tickets/${t.key}`, { cookie: as(alice), body: { status: 'resolved' } })).status,
    ).toBe(200);
  });

  it('a requester reply reopens a pending or resolved ticket, but not a closed one', async () => {
    for (const status of ['pending', 'resolved'] as const) {
      const t = await open();
      await call(app, 'PATCH', `/tickets/${t.key}`, { cookie: as(agent), body: { status } });
      const reply = await call<{ ticket: TTicket }>(app, 'POST', `/tickets/${t.key}/replies`, {
        cookie: as(alice),
        body: { body: 'Still broken, sorry!' },
      });
      expect(reply.status).toBe(201);
      expect(reply.body.ticket.status).toBe('open');
    }
    const closed = await open();
    await call(app, 'PATCH', `/tickets/${closed.key}`, { cookie: as(agent), body: { status: 'closed' } });
    const late = await call(app, 'POST', `/tickets/${closed.key}/replies`, {
      cookie: as(alice),
      body: { body: 'Hello?' },
    });
    expect(late.status).toBe(409);
  });

  it('reopen: the requester reopens a resolved ticket; only agents reopen a closed one', async () => {
    const t = await open();
    await call(app, 'PATCH', `/tickets/${t.key}`, { cookie: as(agent), body: { status: 'resolved' } });
    expect(
      (await call<{ ticket: TTicket }>(app, 'POST', `/tickets/${t.key}/reopen`, { cookie: as(alice) })).body.ticket
        .status,
    ).toBe('open');
    await call(app, 'PATCH', `/tickets/${t.key}`, { cookie: as(agent), body: { status: 'closed' } });
    expect((await call(app, 'POST', `/tickets/${t.key}/reopen`, { cookie: as(alice) })).status).toBe(403);
    const reopened = await call<{ ticket: TTicket }>(app, 'POST', `/tickets/${t.key}/reopen`, { cookie: as(agent) });
    expect(reopened.body.ticket).toMatchObject({ status: 'open', resolvedAt: null, closedAt: null });
  });
});

describe('claiming', () => {
  it('20 parallel claims: one winner, 19 × 409 naming the winner, one audit row', async () => {
    const t = await open();
    const agents = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const a = await createUserWithPassword(database.db, { role: 'agent', name: `Claimer ${i}` });
        await database.db.execute(sql`INSERT INTO group_members (group_id, user_id) VALUES (${groupId}, ${a.id})`);
        return a;
      }),
    );
    const results = await Promise.all(
      agents.map((a) => call<{ ticket: TTicket }>(app, 'POST', `/tickets/${t.key}/claim`, { cookie: as(a) })),
    );
    const winners = results.filter((r) => r.status === 200);
    const losers = results.filter((r) => r.status === 409);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(19);
    const winner = winners[0]!.body.ticket.assignee!;
    for (const l of losers)
      expect(ZErrorBody.parse(l.body).error.message).toContain(`already claimed by ${winner.name}`);
    expect(await auditOf(t.id, 'ticket.claimed')).toHaveLength(1);
    expect(winners[0]!.body.ticket.status).toBe('open');
  });

  it('a second claim by the same agent is rejected and one audit row exists', async () => {
    const t = await open();
    expect((await call(app, 'POST', `/tickets/${t.key}/claim`, { cookie: as(agent) })).status).toBe(200);
    const again = await call(app, 'POST', `/tickets/${t.key}/claim`, { cookie: as(agent) });
    expect(again.status).toBe(409);
    expect(await auditOf(t.id, 'ticket.claimed')).toHaveLength(1);
  });

  it('requesters and agents of other groups cannot claim', async () => {
    const t = await open();
    expect((await call(app, 'POST', `/tickets/${t.key}/claim`, { cookie: as(alice) })).status).toBe(403);
    expect((await call(app, 'POST', `/tickets/${t.key}/claim`, { cookie: as(outsider) })).status).toBe(404);
  });
});

describe('round-robin assignment', () => {
  it('spreads 30 tickets created in parallel over 3 agents as 10 ± 1, skipping away and deactivated agents', async () => {
    const members = await Promise.all(
      Array.from({ length: 5 }, (_, i) => createUserWithPassword(database.db, { role: 'agent', name: `RR ${i}` })),
    );
    const rr = await createGroup(database.db, {
      name: 'Round robin',
      roundRobin: true,
      members: members.map((m) => m.id),
    });
    await call(app, 'PATCH', `/auth/me`, { cookie: as(members[3]!), body: { away: true } });
    await call(app, 'POST', `/users/${members[4]!.id}/deactivate`, { cookie: as(admin) });
    const made = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
          cookie: as(admin),
          body: { title: `Parallel ${i}`, description: 'x', groupId: rr.id },
        }),
      ),
    );
    expect(made.every((r) => r.status === 201)).toBe(true);
    // Each key is its own number's, numbers all distinct, under concurrency.
    const stored = await database.db
      .select({ number: tickets.number, key: tickets.key })
      .from(tickets)
      .where(sql`${tickets.id} IN ${made.map((r) => r.body.ticket.id)}`);
    expect(stored.every((t) => t.key === `IT-${t.number}`)).toBe(true);
    expect(new Set(stored.map((t) => t.number)).size).toBe(30);
    const perAgent = new Map<string, number>();
    for (const r of made) perAgent.set(r.body.ticket.assignee!.id, (perAgent.get(r.body.ticket.assignee!.id) ?? 0) + 1);
    expect([...perAgent.keys()].sort()).toEqual([members[0]!.id, members[1]!.id, members[2]!.id].sort());
    for (const n of perAgent.values()) expect(Math.abs(n - 10)).toBeLessThanOrEqual(1);
    // Each agent is told of their own tickets, once each; the away and deactivated ones of none.
    const told = await database.db
      .select({ userId: notifications.userId, n: count() })
      .from(notifications)
      .where(
        and(eq(notifications.type, 'assigned'), sql`${notifications.ticketId} IN ${made.map((r) => r.body.ticket.id)}`),
      )
      .groupBy(notifications.userId);
    expect(new Map(told.map((t) => [t.userId, t.n]))).toEqual(perAgent);
    // Each timeline: created, then assigned, in that order (written together at commit).
    const events = await database.db
      .select({ ticketId: ticketEvents.ticketId, body: ticketEvents.body, data: ticketEvents.data })
      .from(ticketEvents)
      .where(sql`${ticketEvents.ticketId} IN ${made.map((r) => r.body.ticket.id)}`)
      .orderBy(ticketEvents.ticketId, ticketEvents.createdAt);
    for (const r of made) {
      const mine = events.filter((e) => e.ticketId === r.body.ticket.id);
      expect(mine.map((e) => e.body)).toEqual(['Ticket created', 'Assigned by round-robin']);
      expect(mine[1]!.data).toEqual({ type: 'assigned', to: r.body.ticket.assignee!.id });
    }
  });

  it('a create held up inside its transaction does not hold up the next create in its group', async () => {
    const members = await Promise.all(
      Array.from({ length: 2 }, (_, i) => createUserWithPassword(database.db, { role: 'agent', name: `Held ${i}` })),
    );
    const rr = await createGroup(database.db, { name: 'Held up', roundRobin: true, members: members.map((m) => m.id) });
    // The first create attaches an upload whose row another transaction holds: it waits inside
    // its own transaction, after it has taken its round-robin turn.
    const [file] = await database.db
      .insert(attachments)
      .values({
        source: 'upload',
        uploaderId: admin.id,
        filename: 'held.txt',
        contentType: 'text/plain',
        size: 4,
        sha256: 'held',
        content: Buffer.from('held'),
      })
      .returning({ id: attachments.id });
    const holder = await database.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM attachments WHERE id = $1 FOR UPDATE', [file!.id]);
      const first = call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
        cookie: as(admin),
        body: { title: 'Held', description: 'x', groupId: rr.id, attachmentIds: [file!.id] },
      });
      let firstDone = false;
      void first.then(() => (firstDone = true));
      await until(async () => {
        const waiting = await database.pool.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'update "attachments"%'`,
        );
        return waiting.rows[0].n === 1;
      });
      const second = await call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
        cookie: as(admin),
        body: { title: 'Not held', description: 'x', groupId: rr.id },
      });
      expect(second.status).toBe(201);
      expect(firstDone).toBe(false);
      await holder.query('COMMIT');
      const done = await first;
      expect(done.status).toBe(201);
      // Each took its own turn: one ticket per agent.
      expect([done.body.ticket.assignee!.id, second.body.ticket.assignee!.id].sort()).toEqual(
        members.map((m) => m.id).sort(),
      );
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
  });

  it('leaves tickets unassigned in a group with round-robin off', async () => {
    const t = await open(admin, { groupId });
    expect(t.assignee).toBeNull();
  });
});

describe('replies, notes, watchers, merge, CSAT', () => {
  it('an agent’s first public reply stops the first-response clock and opens a new ticket', async () => {
    const t = await open();
    const res = await call<{ ticket: TTicket; event: { kind: string; visibility: string } }>(
      app,
      'POST',
      `/tickets/${t.key}/replies`,
      { cookie: as(agent), body: { body: 'On it.' } },
    );
    expect(res.body.event).toMatchObject({ kind: 'reply', visibility: 'public' });
    expect(res.body.ticket.firstRespondedAt).not.toBeNull();
    expect(res.body.ticket.status).toBe('open');
  });

  it('notes are agents-only and always internal; a mention notifies the mentioned agent', async () => {
    const t = await open();
    expect(
      (await call(app, 'POST', `/tickets/${t.key}/notes`, { cookie: as(alice), body: { body: 'sneaky' } })).status,
    ).toBe(403);
    const note = await call<{ event: { visibility: string } }>(app, 'POST', `/tickets/${t.key}/notes`, {
      cookie: as(agent),
      body: { body: `@${agent2.email} can you check the charger?` },
    });
    expect(note.body.event.visibility).toBe('internal');
    const [n] = await database.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, agent2.id), eq(notifications.type, 'mention')));
    expect(n?.title).toContain(t.key);
  });

  it('watchers: the requester adds a colleague, who then sees the ticket; an outsider cannot add themselves', async () => {
    const t = await open();
    expect((await call(app, 'GET', `/tickets/${t.key}`, { cookie: as(bob) })).status).toBe(404);
    expect((await call(app, 'POST', `/tickets/${t.key}/watchers`, { cookie: as(bob), body: {} })).status).toBe(404);
    const add = await call<{ ticket: TTicket }>(app, 'POST', `/tickets/${t.key}/watchers`, {
      cookie: as(alice),
      body: { userId: bob.id },
    });
    expect(add.body.ticket.watchers.map((w) => w.id)).toEqual([bob.id]);
    expect((await call(app, 'GET', `/tickets/${t.key}`, { cookie: as(bob) })).status).toBe(200);
    const list = await call<{ items: TTicket[] }>(app, 'GET', '/tickets?watching=me', { cookie: as(bob) });
    expect(list.body.items.map((i) => i.key)).toContain(t.key);
    expect((await call(app, 'DELETE', `/tickets/${t.key}/watchers/${bob.id}`, { cookie: as(bob) })).status).toBe(200);
    expect((await call(app, 'GET', `/tickets/${t.key}`, { cookie: as(bob) })).status).toBe(404);
  });

  it('merges a duplicate: it is closed, points at the survivor, its requester watches the survivor', async () => {
    const survivor = await open(alice);
    const dup = await open(bob);
    const res = await call<{ ticket: TTicket }>(app, 'POST', `/tickets/${dup.key}/merge`, {
      cookie: as(agent),
      body: { intoKey: survivor.key },
    });
    expect(res.status).toBe(200);
    expect(res.body.ticket).toMatchObject({ status: 'closed', mergedIntoKey: survivor.key });
    const s = await call<{ ticket: TTicket }>(app, 'GET', `/tickets/${survivor.key}`, { cookie: as(bob) });
    expect(s.body.ticket.watchers.map((w) => w.id)).toContain(bob.id);
    expect(
      (await call(app, 'POST', `/tickets/${dup.key}/merge`, { cookie: as(agent), body: { intoKey: survivor.key } }))
        .status,
    ).toBe(409);
    expect(
      (
        await call(app, 'POST', `/tickets/${survivor.key}/merge`, {
          cookie: as(agent),
          body: { intoKey: survivor.key },
        })
      ).status,
    ).toBe(409);
    expect(
      (await call(app, 'POST', `/tickets/${dup.key}/replies`, { cookie: as(bob), body: { body: 'hi' } })).status,
    ).toBe(409);
    expect(await auditOf(dup.id, 'ticket.merged')).toHaveLength(1);
  });

  it('CSAT: the requester rates a resolved ticket once, 1–5', async () => {
    const t = await open();
    expect((await call(app, 'POST', `/tickets/${t.key}/csat`, { cookie: as(alice), body: { rating: 5 } })).status).toBe(
      409,
    );
    await call(app, 'PATCH', `/tickets/${t.key}`, { cookie: as(agent), body: { status: 'resolved' } });
    expect((await call(app, 'POST', `/tickets/${t.key}/csat`, { cookie: as(agent), body: { rating: 5 } })).status).toBe(
      403,
    );
    expect((await call(app, 'POST', `/tickets/${t.key}/csat`, { cookie: as(alice), body: { rating: 6 } })).status).toBe(
      400,
    );
    const rated = await call<{ ticket: TTicket }>(app, 'POST', `/tickets/${t.key}/csat`, {
      cookie: as(alice),
      body: { rating: 4, comment: 'Quick, thanks' },
    });
    expect(rated.status).toBe(201);
    expect(rated.body.ticket.csat).toEqual({ rating: 4, comment: 'Quick, thanks' });
    expect((await call(app, 'POST', `/tickets/${t.key}/csat`, { cookie: as(alice), body: { rating: 1 } })).status).toBe(
      409,
    );
  });

  it('priority and category changes are agents-only, internal, audited and kept as classifier feedback', async () => {
    const t = await open(alice, { priority: 'medium', category: 'other' });
    expect(
      (await call(app, 'PATCH', `/tickets/${t.key}`, { cookie: as(alice), body: { priority: 'urgent' } })).status,
    ).toBe(403);
    const res = await call<{ ticket: TTicket }>(app, 'PATCH', `/tickets/${t.key}`, {
      cookie: as(agent),
      body: { priority: 'high', category: 'hardware' },
    });
    expect(res.body.ticket).toMatchObject({ priority: 'high', category: 'hardware' });
    const [audit] = await auditOf(t.id, 'ticket.updated');
    expect(audit).toMatchObject({
      before: { priority: 'medium', category: 'other' },
      after: { priority: 'high', category: 'hardware' },
    });
    const feedback = await database.db.execute<{ field: string; corrected: string }>(
      sql`SELECT field, corrected FROM classifier_feedback WHERE ticket_id = ${t.id} ORDER BY field`,
    );
    expect(feedback.rows).toEqual([
      { field: 'category', corrected: 'hardware' },
      { field: 'priority', corrected: 'high' },
    ]);
  });

  it('assignment notifies the new and the previous assignee', async () => {
    const t = await open();
    await call(app, 'PATCH', `/tickets/${t.key}`, { cookie: as(agent), body: { assigneeId: agent2.id } });
    await call(app, 'PATCH', `/tickets/${t.key}`, { cookie: as(agent), body: { assigneeId: agent.id } });
    const types = async (u: UserRow) =>
      (
        await database.db
          .select()
          .from(notifications)
          .where(and(eq(notifications.userId, u.id), eq(notifications.ticketId, t.id)))
      )
        .map((n) => n.type)
        .sort();
    expect(await types(agent2)).toEqual(['assigned', 'unassigned']);
    expect(await types(agent)).toEqual([]); // not for their own action
    expect(
      (await call(app, 'PATCH', `/tickets/${t.key}`, { cookie: as(agent), body: { assigneeId: alice.id } })).status,
    ).toBe(400);
  });
});

describe('a priority change with a reason', () => {
  it('keeps the reason with the change, internal like it; a reason alone is a 400 that changes nothing', async () => {
    const t = await open();
    const res = await call<{ ticket: TTicket }>(app, 'PATCH', `/tickets/${t.key}`, {
      cookie: as(agent),
      body: { priority: 'urgent', reason: 'The CEO is travelling tomorrow' },
    });
    expect(res.status).toBe(200);
    expect(res.body.ticket.priority).toBe('urgent');
    const events = await database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, t.id));
    const change = events.find((e) => (e.data as { type?: string }).type === 'priority_changed');
    expect(change).toMatchObject({
      visibility: 'internal',
      body: `Priority changed from ${t.priority} to urgent: The CEO is travelling tomorrow`,
      data: { reason: 'The CEO is travelling tomorrow' },
    });
    const alone = await call(app, 'PATCH', `/tickets/${t.key}`, {
      cookie: as(agent),
      body: { reason: 'just because' },
    });
    expect(alone.status).toBe(400);
    expect(ZErrorBody.parse(alone.body).error.code).toBe('validation_failed');
    const withStatus = await call(app, 'PATCH', `/tickets/${t.key}`, {
      cookie: as(agent),
      body: { status: 'pending', reason: 'not for this' },
    });
    expect(withStatus.status).toBe(400);
    const timeline = await call<{ items: { body: string }[] }>(app, 'GET', `/tickets/${t.key}/timeline`, {
      cookie: as(alice),
    });
    expect(JSON.stringify(timeline.body)).not.toContain('The CEO is travelling');
  });
});

describe('requester isolation: internal content never reaches a requester, on any read path', () => {
  let t: TTicket;
  const secret = 'zebracorn-internal-marker';
  beforeAll(async () => {
    t = await open();
    await call(app, 'POST', `/tickets/${t.key}/replies`, {
      cookie: as(agent),
      body: { body: 'Public answer about the charger' },
    });
    await call(app, 'POST', `/tickets/${t.key}/notes`, {
      cookie: as(agent),
      body: { body: `${secret} — the asset is out of warranty` },
    });
    await call(app, 'PATCH', `/tickets/${t.key}`, { cookie: as(agent), body: { priority: 'low' } }); // an internal system event
  });

  it('detail', async () => {
    const res = await call(app, 'GET', `/tickets/${t.key}`, { cookie: as(alice) });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain(secret);
  });

  it('timeline: the requester sees public events only; the agent sees the note', async () => {
    const mine = await call<{ items: { kind: string; visibility: string; body: string }[] }>(
      app,
      'GET',
      `/tickets/${t.key}/timeline`,
      { cookie: as(alice) },
    );
    expect(mine.body.items.every((e) => e.visibility === 'public')).toBe(true);
    expect(JSON.stringify(mine.body)).not.toContain(secret);
    expect(mine.body.items.some((e) => e.body.includes('Public answer'))).toBe(true);
    const agents = await call<{ items: { body: string }[] }>(app, 'GET', `/tickets/${t.key}/timeline`, {
      cookie: as(agent),
    });
    expect(agents.body.items.some((e) => e.body.includes(secret))).toBe(true);
  });

  it('list and search: internal text matches nothing, for anyone', async () => {
    const list = await call(app, 'GET', '/tickets', { cookie: as(alice) });
    expect(JSON.stringify(list.body)).not.toContain(secret);
    const search = await call<{ items: TTicket[] }>(app, 'GET', `/tickets?q=${secret}`, { cookie: as(alice) });
    expect(search.body.items).toEqual([]);
    const publicSearch = await call<{ items: TTicket[] }>(app, 'GET', '/tickets?q=charger%20answer', {
      cookie: as(alice),
    });
    expect(publicSearch.body.items.map((i) => i.key)).toContain(t.key);
  });

  it('notifications: the requester got one for the public reply and none for the note', async () => {
    const res = await call<{ items: { type: string; body: string; ticketKey: string }[] }>(
      app,
      'GET',
      '/notifications',
      { cookie: as(alice) },
    );
    const forTicket = res.body.items.filter((n) => n.ticketKey === t.key);
    expect(forTicket.map((n) => n.type)).toContain('reply');
    expect(JSON.stringify(res.body)).not.toContain(secret);
    const rows = await database.db.select().from(notifications).where(eq(notifications.userId, alice.id));
    expect(rows.every((r) => (r.data as { visibility: string }).visibility === 'public')).toBe(true);
  });

  it('the chat threads that mirror the conversation are fed public events only (replies, status changes)', async () => {
    const rows = await database.db.select().from(outbox).where(eq(outbox.kind, 'ticket.event'));
    const mine = rows.filter((r) => (r.payload as { ticketId: string }).ticketId === t.id);
    const events = await database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, t.id));
    const mirrored = events.filter((e) =>
      mine.some((r) => (r.payload as { eventIds: string[] }).eventIds.includes(e.id)),
    );
    // The agent's reply also moved the ticket from New to Open: a public status change.
    expect(mirrored.map((e) => e.body).sort()).toEqual([
      'Public answer about the charger',
      'Status changed from New to Open',
    ]);
    expect(JSON.stringify(mine)).not.toContain(secret);
    // The note and the priority change (internal) exist, and are not among them.
    expect(events.filter((e) => e.visibility === 'internal').length).toBeGreaterThanOrEqual(2);
  });

  it('the outbox never holds a delivery of internal content to a requester', async () => {
    const rows = await database.db.select().from(outbox).where(eq(outbox.kind, 'notification.deliver'));
    const toAlice = rows.filter((r) => (r.payload as { userId: string }).userId === alice.id);
    expect(toAlice.length).toBeGreaterThan(0);
    expect(toAlice.every((r) => (r.payload as { visibility: string }).visibility === 'public')).toBe(true);
  });
});

describe('attachments follow the visibility of the event they belong to', () => {
  let t: TTicket;
  let files: { ticket: string; reply: string; note: string };
  type Listed = { items: { id: string; filename: string }[] };
  const download = (id: string, user: UserRow) =>
    app.fetch(`/api/tickets/${t.key}/attachments/${id}`, { headers: { cookie: as(user) } });
  const listed = async (user: UserRow) =>
    (await call<Listed>(app, 'GET', `/tickets/${t.key}/attachments`, { cookie: as(user) })).body.items
      .map((i) => i.filename)
      .sort();

  beforeAll(async () => {
    t = await open();
    const reply = await call<{ event: { id: string } }>(app, 'POST', `/tickets/${t.key}/replies`, {
      cookie: as(agent),
      body: { body: 'Here is the driver' },
    });
    const note = await call<{ event: { id: string } }>(app, 'POST', `/tickets/${t.key}/notes`, {
      cookie: as(agent),
      body: { body: 'Internal: the asset register extract' },
    });
    expect(reply.body.event.id).toBeTruthy();
    expect(note.body.event.id).toBeTruthy();
    // What email intake stores: the opening mail's file (no event), a reply's and an internal note's.
    const row = (filename: string, eventId: string | null) => ({
      source: 'email' as const,
      ticketId: t.id,
      eventId,
      filename,
      contentType: 'text/plain',
      size: filename.length,
      sha256: filename,
      content: Buffer.from(filename),
    });
    const rows = await database.db
      .insert(attachments)
      .values([
        row('photo-of-charger.txt', null),
        row('driver.txt', reply.body.event.id),
        row('asset-register.txt', note.body.event.id),
      ])
      .returning({ id: attachments.id });
    files = { ticket: rows[0]!.id, reply: rows[1]!.id, note: rows[2]!.id };
  });

  it('the requester lists the ticket’s and the public reply’s files, never the internal note’s', async () => {
    expect(await listed(alice)).toEqual(['driver.txt', 'photo-of-charger.txt']);
    expect(await listed(agent)).toEqual(['asset-register.txt', 'driver.txt', 'photo-of-charger.txt']);
  });

  it('the requester downloads public files; an internal note’s file is 404 (not 403), for the agent 200', async () => {
    const pub = await download(files.reply, alice);
    expect(pub.status).toBe(200);
    expect(await pub.text()).toBe('driver.txt');
    expect((await download(files.ticket, alice)).status).toBe(200);
    const internal = await download(files.note, alice);
    expect(internal.status).toBe(404);
    expect(ZErrorBody.parse(await internal.json()).error.code).toBe('not_found');
    expect((await download(files.note, agent)).status).toBe(200);
  });

  it('a watcher who does not work the ticket (a requester, or an agent of another group) sees public files only', async () => {
    for (const watcher of [bob, outsider]) {
      const add = await call(app, 'POST', `/tickets/${t.key}/watchers`, {
        cookie: as(alice),
        body: { userId: watcher.id },
      });
      expect(add.status, JSON.stringify(add.body)).toBe(200);
      expect(await listed(watcher)).toEqual(['driver.txt', 'photo-of-charger.txt']);
      expect((await download(files.note, watcher)).status).toBe(404);
      expect((await download(files.reply, watcher)).status).toBe(200);
      await call(app, 'DELETE', `/tickets/${t.key}/watchers/${watcher.id}`, { cookie: as(alice) });
    }
  });

  it('someone who may not see the ticket gets 404 for every file, and a file of another ticket is 404', async () => {
    for (const id of Object.values(files)) expect((await download(id, bob)).status).toBe(404);
    const other = await open(bob);
    const res = await app.fetch(`/api/tickets/${other.key}/attachments/${files.reply}`, {
      headers: { cookie: as(bob) },
    });
    expect(res.status).toBe(404);
  });
});

/** A 1x1 PNG. */
const png = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201b7e2d5a60000000049454e44ae426082',
  'hex',
);

describe('IDOR: every ticket route answers 404 to someone who may not see the ticket (walked from the route table)', () => {
  const ticketRoutes = apiRoutes.filter((r) => r.path.startsWith('/tickets/:key'));
  let t: TTicket;
  let fileId: string;
  beforeAll(async () => {
    t = await open(alice);
    // An image, so that its preview route answers its owner too.
    const [file] = await database.db
      .insert(attachments)
      .values({
        source: 'upload',
        uploaderId: alice.id,
        ticketId: t.id,
        filename: 'a.png',
        contentType: 'image/png',
        size: png.length,
        sha256: 'walk',
        content: png,
      })
      .returning({ id: attachments.id });
    fileId = file!.id;
  });

  it('covers the ticket routes', () => {
    expect(ticketRoutes.length).toBeGreaterThanOrEqual(10);
  });

  it.each(ticketRoutes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('%s', async (_name, route) => {
    const base = route.path.replace(':key', t.key).replace(':userId', alice.id).replace(':id', fileId);
    // Uploading a file names the event it is for: a well-formed request, so only the ticket can refuse it.
    const queries: Record<string, string> = {
      'post /tickets/:key/attachments': `?event=${fileId}&filename=a.txt`,
    };
    const path = `${base}${queries[`${route.method} ${route.path}`] ?? ''}`;
    const bodies: Record<string, unknown> = {
      '/tickets/:key': { title: 'Hijacked title' },
      '/tickets/:key/replies': { body: 'hi' },
      '/tickets/:key/notes': { body: 'hi' },
      '/tickets/:key/merge': { intoKey: 'IT-1' },
      '/tickets/:key/watchers': {},
      '/tickets/:key/csat': { rating: 1 },
    };
    const body = route.method === 'get' || route.method === 'delete' ? undefined : (bodies[route.path] ?? {});
    for (const intruder of [bob, outsider]) {
      const res = await call(app, route.method.toUpperCase(), path, { cookie: as(intruder), body });
      if (route.access === 'agent' && intruder.role === 'requester') expect(res.status).toBe(403);
      else expect(res.status, `${intruder.name}: ${JSON.stringify(res.body)}`).toBe(404);
    }
    const [row] = await database.db.select({ title: tickets.title }).from(tickets).where(eq(tickets.id, t.id));
    expect(row?.title).not.toBe('Hijacked title');
    // The same read answers those it is for (the requester, or an admin for agents' routes): the
    // 404s above are about who asks.
    if (route.method === 'get') {
      const own = await app.fetch(`/api${path}`, { headers: { cookie: as(route.access === 'agent' ? admin : alice) } });
      expect(own.status, `${route.path} for those it is for`).toBe(200);
    }
  });

  it('an unknown key is 404 and a malformed one 400', async () => {
    expect((await call(app, 'GET', '/tickets/IT-999999', { cookie: as(admin) })).status).toBe(404);
    expect((await call(app, 'GET', '/tickets/robert;drop', { cookie: as(admin) })).status).toBe(400);
  });
});

describe('lists: filters, sort and cursor pages', () => {
  it('pages through every visible ticket once with a cursor, in order', async () => {
    for (let i = 0; i < 7; i++) await open(bob);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { items: TTicket[]; nextCursor: string | null } } = await call(
        app,
        'GET',
        `/tickets?requester=me&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        { cookie: as(bob) },
      );
      seen.push(...res.body.items.map((i) => i.key));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    const all = await database.db.select({ key: tickets.key }).from(tickets).where(eq(tickets.requesterId, bob.id));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(all.map((r) => r.key).sort());
  });

  it('filters by status, priority, assignee and sorts by priority', async () => {
    const urgent = await open(alice, { priority: 'urgent' });
    const res = await call<{ items: TTicket[] }>(
      app,
      'GET',
      '/tickets?priority=urgent,high&sort=-priority&assignee=none',
      { cookie: as(agent) },
    );
    expect(res.body.items.map((i) => i.key)).toContain(urgent.key);
    expect(res.body.items.every((i) => ['urgent', 'high'].includes(i.priority) && i.assignee === null)).toBe(true);
    const order = res.body.items.map((i) => i.priority);
    expect([...order].sort((a, b) => (a === b ? 0 : a === 'urgent' ? -1 : 1))).toEqual(order);
  });

  it('refuses unknown filters, bad values and forged cursors with 400', async () => {
    for (const q of ['status=flying', 'sort=title', 'limit=1000', 'nope=1', 'cursor=abc', 'assignee=bob']) {
      const res = await call(app, 'GET', `/tickets?${q}`, { cookie: as(agent) });
      expect(res.status, q).toBe(400);
    }
  });
});

describe('bad input gets a 4xx in the one error shape and writes nothing', () => {
  it.each([
    ['unknown fields', { title: 'Valid title', description: 'x', hacked: true }],
    ['wrong types', { title: 42, description: ['x'] }],
    ['a missing description', { title: 'Valid title' }],
    ['an unknown category', { title: 'Valid title', description: 'x', category: 'coffee' }],
    ['a huge title', { title: 'x'.repeat(5000), description: 'x' }],
  ])('%s', async (_name, body) => {
    const before = await counts();
    const res = await call(app, 'POST', '/tickets', { cookie: as(alice), body });
    expect(res.status).toBe(400);
    ZErrorBody.parse(res.body);
    expect(await counts()).toEqual(before);
  });

  it('a body over 1 MB is 413 and writes nothing', async () => {
    const before = await counts();
    const res = await call(app, 'POST', '/tickets', {
      cookie: as(alice),
      rawBody: JSON.stringify({ title: 'Big', description: 'x'.repeat(1_100_000) }),
    });
    expect(res.status).toBe(413);
    expect(await counts()).toEqual(before);
  });

  it('a PATCH with nothing to change, or an unknown field, is 400 and writes nothing', async () => {
    const t = await open();
    const before = await counts();
    expect((await call(app, 'PATCH', `/tickets/${t.key}`, { cookie: as(agent), body: {} })).status).toBe(400);
    expect(
      (await call(app, 'PATCH', `/tickets/${t.key}`, { cookie: as(agent), body: { requesterId: bob.id } })).status,
    ).toBe(400);
    expect(await counts()).toEqual(before);
  });
});
