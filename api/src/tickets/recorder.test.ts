import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { systemActor } from '../audit/record.js';
import { FakeClock } from '../test/clock.js';
import { auditEvents, outbox, ticketEvents, tickets } from '../db/schema.js';
import { createTicket, createUser } from '../test/factories.js';
import { useTestDatabase } from '../test/db.js';
import { ticketColumns } from './presenter.js';
import { recordChanges, recordEvent, recordEvents } from './recorder.js';

const db = useTestDatabase();
const clock = new FakeClock('2026-06-01T09:00:00Z');

async function ticketRow() {
  const t = await createTicket(db.current.db);
  const [row] = await db.current.db.select(ticketColumns).from(tickets).where(eq(tickets.id, t.id));
  return row!;
}

describe('the change recorder', () => {
  it('gathers the public conversation of one transaction into one ticket.event row per ticket', async () => {
    const [a, b] = [await ticketRow(), await ticketRow()];
    const agent = await createUser(db.current.db, { role: 'agent' });
    const ctx = { actor: { userId: agent.id, type: 'user' as const, channel: 'slack' as const }, services: { clock } };
    const rows = await db.current.db.transaction(async (tx) => {
      const first = await recordEvent(tx, ctx, a, { kind: 'reply', visibility: 'public', body: 'Try again' });
      const more = await recordEvents(tx, ctx, [
        { ticket: a, event: { kind: 'system', visibility: 'public', body: 's', data: { type: 'status_changed' } } },
        // A note asked to be public is internal all the same, and never reaches a chat thread.
        { ticket: a, event: { kind: 'note', visibility: 'public', body: 'internal words' } },
        { ticket: b, event: { kind: 'reply', visibility: 'public', body: 'On b' } },
      ]);
      return [first, ...more];
    });
    expect(rows.map((r) => r.visibility)).toEqual(['public', 'public', 'internal', 'public']);
    expect(rows.every((r) => r.authorId === agent.id && r.channel === 'slack')).toBe(true);
    const planned = await db.current.db.select().from(outbox).where(eq(outbox.kind, 'ticket.event'));
    const byTicket = Object.fromEntries(
      planned.map((p) => {
        const payload = p.payload as { ticketId: string; eventIds: string[] };
        return [payload.ticketId, payload.eventIds];
      }),
    );
    expect(byTicket[a.id]).toEqual([rows[0]!.id, rows[1]!.id]);
    expect(byTicket[b.id]).toEqual([rows[3]!.id]);
  });

  it('records several changes in bulk as one change each: audit before/after and one card sync per version', async () => {
    const [a, b] = [await ticketRow(), await ticketRow()];
    const later = new Date('2026-06-01T10:00:00Z');
    const changes = [a, b].map((before) => ({
      action: 'ticket.sla_escalated',
      before,
      after: { ...before, priority: 'urgent' as const, updatedAt: later },
      visibility: 'internal' as const,
    }));
    await db.current.db.transaction((tx) => recordChanges(tx, { actor: systemActor, services: { clock } }, changes));
    const audits = await db.current.db
      .select()
      .from(auditEvents)
      .where(inArray(auditEvents.entityId, [a.id, b.id]));
    expect(audits).toHaveLength(2);
    for (const row of audits) {
      expect(row.actorType).toBe('system');
      expect((row.before as { priority: string }).priority).toBe('medium');
      expect((row.after as { priority: string }).priority).toBe('urgent');
    }
    const synced = await db.current.db
      .select({ dedupeKey: outbox.dedupeKey })
      .from(outbox)
      .where(eq(outbox.kind, 'ticket.changed'));
    expect(synced.map((s) => s.dedupeKey).sort()).toEqual(
      [a, b].map((t) => `ticket.changed:${t.id}:${later.getTime()}`).sort(),
    );
    // The same version recorded again plans no second sync.
    await db.current.db.transaction((tx) => recordChanges(tx, { actor: systemActor, services: { clock } }, changes));
    expect(await db.current.db.select().from(outbox).where(eq(outbox.kind, 'ticket.changed'))).toHaveLength(2);
    const events = await db.current.db
      .select()
      .from(ticketEvents)
      .where(inArray(ticketEvents.ticketId, [a.id, b.id]));
    expect(events).toHaveLength(0);
  });
});
