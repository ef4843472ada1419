import { and, eq, inArray } from 'drizzle-orm';
import type { TBulkTicketResponse, TTicket } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, tickets } from '../db/schema.js';
import type { UserRow } from '../http/context.js';
import { call, createUserWithPassword } from '../test/auth.js';
import { createGroup } from '../test/factories.js';
import { as, openTicket, startSlaDesk, type SlaDesk } from '../test/sla-desk.js';

let desk: SlaDesk;
let hardware: string;
let hardwareAgent: UserRow;

beforeAll(async () => {
  desk = await startSlaDesk('2026-03-02T09:00:00Z');
  hardwareAgent = await createUserWithPassword(desk.database.db, { role: 'agent', name: 'Hal Hardware' });
  hardware = (await createGroup(desk.database.db, { name: 'Hardware', members: [hardwareAgent.id] })).id;
});
afterAll(async () => {
  await desk.stop();
});

const bulk = (body: unknown, user: UserRow = desk.agent) =>
  call<TBulkTicketResponse>(desk.app, 'POST', '/tickets/bulk', { cookie: as(desk, user), body });

async function auditCount(action: string, ticketIds: string[]): Promise<number> {
  const rows = await desk.database.db
    .select({ id: auditEvents.id })
    .from(auditEvents)
    .where(and(eq(auditEvents.action, action), inArray(auditEvents.entityId, ticketIds)));
  return rows.length;
}

describe('bulk ticket changes', () => {
  it('changes each visible ticket, and answers 404 for unknown and invisible ones, in order', async () => {
    const a = await openTicket(desk, 'low');
    const b = await openTicket(desk, 'medium');
    const other = await openTicket(desk, 'low', { groupId: hardware });
    const res = await bulk({ keys: [a.key, other.key, 'IT-999999', b.key], action: { priority: 'high' } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.results.map((r) => [r.key, r.ok])).toEqual([
      [a.key, true],
      [other.key, false],
      ['IT-999999', false],
      [b.key, true],
    ]);
    const [ra, rOther, rUnknown] = res.body.results;
    expect(ra!.ok && ra!.ticket.priority).toBe('high');
    // An invisible ticket looks exactly like a missing one.
    expect(!rOther!.ok && rOther!.error).toEqual({ code: 'not_found', message: 'Ticket not found' });
    expect(!rUnknown!.ok && rUnknown!.error).toEqual({ code: 'not_found', message: 'Ticket not found' });
    const [untouched] = await desk.database.db
      .select({ priority: tickets.priority })
      .from(tickets)
      .where(eq(tickets.id, other.id));
    expect(untouched!.priority).toBe('low');
    // The same audit as PATCH: one row per changed ticket, none for the other group's.
    expect(await auditCount('ticket.updated', [a.id, b.id])).toBe(2);
    expect(await auditCount('ticket.updated', [other.id])).toBe(0);
  });

  it('keeps the changes that worked when one ticket refuses its change', async () => {
    const a = await openTicket(desk, 'low');
    const b = await openTicket(desk, 'low');
    const res = await bulk({ keys: [a.key, b.key], action: { status: 'on_hold' } });
    expect(res.body.results.every((r) => r.ok)).toBe(true);
    const again = await bulk({ keys: [a.key, b.key], action: { status: 'new', priority: 'urgent' } });
    expect(again.status).toBe(200);
    // `new` is only ever a first status: both refuse, and neither priority moved.
    expect(again.body.results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['conflict', 'conflict']);
    const mixed = await bulk({ keys: [a.key, b.key], action: { assigneeId: desk.agent2.id } });
    expect(mixed.body.results.map((r) => r.ok)).toEqual([true, true]);
    const ticket = (r: TBulkTicketResponse['results'][number]): TTicket | null => (r.ok ? r.ticket : null);
    expect(mixed.body.results.map((r) => ticket(r)?.assignee?.id)).toEqual([desk.agent2.id, desk.agent2.id]);
    expect(mixed.body.results.map((r) => ticket(r)?.priority)).toEqual(['low', 'low']);
  });

  it('claims unassigned tickets, and of two agents claiming at once each ticket goes to exactly one', async () => {
    const list = await Promise.all([1, 2, 3, 4].map(() => openTicket(desk, 'medium')));
    const keys = list.map((t) => t.key);
    const [first, second] = await Promise.all([
      bulk({ keys, action: { claim: true } }, desk.agent),
      bulk({ keys: [...keys].reverse(), action: { claim: true } }, desk.agent2),
    ]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    for (const key of keys) {
      const outcomes = [first, second].map((res) => res.body.results.find((r) => r.key === key)!);
      expect(outcomes.filter((r) => r.ok)).toHaveLength(1);
      const loser = outcomes.find((r) => !r.ok)!;
      expect(!loser.ok && loser.error.code).toBe('conflict');
    }
    expect(
      await auditCount(
        'ticket.claimed',
        list.map((t) => t.id),
      ),
    ).toBe(4);
    const rows = await desk.database.db
      .select({ assigneeId: tickets.assigneeId })
      .from(tickets)
      .where(inArray(tickets.key, keys));
    expect(rows.every((r) => r.assigneeId === desk.agent.id || r.assigneeId === desk.agent2.id)).toBe(true);
  });

  it("lets an agent of another group neither claim nor change this group's tickets", async () => {
    const t = await openTicket(desk, 'low');
    for (const action of [{ claim: true }, { status: 'resolved' }]) {
      const res = await bulk({ keys: [t.key], action }, hardwareAgent);
      expect(res.status).toBe(200);
      expect(res.body.results).toEqual([
        { key: t.key, ok: false, error: { code: 'not_found', message: 'Ticket not found' } },
      ]);
    }
  });

  it('is for agents, and refuses bad input as a whole', async () => {
    const t = await openTicket(desk, 'low');
    expect((await bulk({ keys: [t.key], action: { claim: true } }, desk.requester)).status).toBe(403);
    const bad = [
      { keys: [t.key], action: {} },
      { keys: [t.key], action: { title: 'Renamed ticket' } },
      { keys: [t.key], action: { status: 'open', colour: 'red' } },
      { keys: [t.key], action: { claim: false } },
      { keys: [t.key], action: { claim: true, status: 'open' } },
      { keys: [t.key], action: { assigneeId: 'nobody' } },
      { keys: [], action: { status: 'open' } },
      { keys: [t.key, t.key], action: { status: 'open' } },
      { keys: Array.from({ length: 101 }, (_, i) => `IT-${i + 1}`), action: { status: 'open' } },
      { keys: ['not a key'], action: { status: 'open' } },
      { keys: [t.key], action: { status: 'open' }, dryRun: true },
    ];
    for (const body of bad) {
      const res = await bulk(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((res.body as unknown as { error: { code: string } }).error.code).toBe('validation_failed');
    }
    expect(await auditCount('ticket.updated', [t.id])).toBe(0);
  });
});
