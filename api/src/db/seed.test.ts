import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../auth/passwords.js';
import { silentLogger } from '../logger.js';
import { useTestDatabase } from '../test/db.js';
import { DEMO_PASSWORD, demoUsers, hasDemoData, seedDemoData } from './seed.js';
import { groupMembers, groups, ticketEvents, tickets, users } from './schema.js';

describe('demo data', () => {
  const db = useTestDatabase();

  it('is seeded once even when two processes seed at the same moment', async () => {
    const d = db.current.db;
    expect(await hasDemoData(d)).toBe(false);
    const results = await Promise.all([
      seedDemoData(d, { keyPrefix: 'IT', logger: silentLogger() }),
      seedDemoData(d, { keyPrefix: 'IT', logger: silentLogger() }),
    ]);
    expect(results.sort()).toEqual([false, true]);
    expect(await hasDemoData(d)).toBe(true);
    expect(await d.select().from(users)).toHaveLength(5);
    expect(await d.select().from(tickets)).toHaveLength(12);
  });

  it('has the documented logins, all with the demo password (bcrypt, cost 12)', async () => {
    const rows = await db.current.db.select().from(users);
    expect(rows.map((u) => [u.email, u.role]).sort()).toEqual(demoUsers.map((u) => [u.email, u.role]).sort());
    for (const u of rows) {
      expect(u.passwordHash).toMatch(/^\$2[aby]\$12\$/);
      expect(await verifyPassword(DEMO_PASSWORD, u.passwordHash!)).toBe(true);
    }
  });

  it('puts both agents in the group IT', async () => {
    const members = await db.current.db
      .select({ email: users.email })
      .from(groupMembers)
      .innerJoin(groups, eq(groups.id, groupMembers.groupId))
      .innerJoin(users, eq(users.id, groupMembers.userId))
      .where(eq(groups.name, 'IT'));
    expect(members.map((m) => m.email).sort()).toEqual(['agent2@deskmate.local', 'agent@deskmate.local']);
  });

  it('gives realistic tickets keys, statuses and a timeline with internal notes kept internal', async () => {
    const all = await db.current.db.select().from(tickets);
    expect(new Set(all.map((t) => t.status))).toEqual(
      new Set(['new', 'open', 'pending', 'on_hold', 'resolved', 'closed']),
    );
    for (const t of all) expect(t.key).toMatch(/^IT-\d{4}$/);
    const notes = await db.current.db.select().from(ticketEvents).where(eq(ticketEvents.kind, 'note'));
    expect(notes.length).toBeGreaterThan(0);
    expect(notes.every((n) => n.visibility === 'internal')).toBe(true);
  });
});
