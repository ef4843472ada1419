import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { silentLogger } from '../logger.js';
import { createEmptyDatabase, dropDatabase, useTestDatabase } from '../test/db.js';
import { createTicket, createUser } from '../test/factories.js';
import { migrationsFolder, runMigrations } from './migrate.js';
import { auditEvents, ticketEvents } from './schema.js';
import { eq, sql } from 'drizzle-orm';

const migrationFiles = readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql'));

describe('migrations', () => {
  const created: string[] = [];
  afterAll(async () => {
    for (const name of created) await dropDatabase(name);
  });

  it('run exactly once when several processes start at the same moment', async () => {
    const { url, name } = await createEmptyDatabase();
    created.push(name);
    const results = await Promise.all(Array.from({ length: 4 }, () => runMigrations(url, silentLogger())));
    const applied = results.map((r) => r.applied).sort();
    expect(applied).toEqual([0, 0, 0, migrationFiles.length]);
    // Only the first to take the lock saw an empty database.
    expect(results.filter((r) => r.wasEmpty)).toHaveLength(1);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
    const tables = await client.query<{ t: string }>(
      "SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    );
    await client.end();
    expect(rows[0]?.n).toBe(migrationFiles.length);
    expect(tables.rows.map((r) => r.t)).toEqual(
      expect.arrayContaining([
        'users',
        'user_identities',
        'groups',
        'group_members',
        'tickets',
        'ticket_events',
        'audit_events',
        'notifications',
        'outbox',
        'inbound_events',
        'kb_articles',
        'settings',
        'agenda_jobs',
      ]),
    );
  });

  it('a second run on a migrated database applies nothing', async () => {
    const { url, name } = await createEmptyDatabase();
    created.push(name);
    await runMigrations(url, silentLogger());
    expect(await runMigrations(url, silentLogger())).toEqual({ applied: 0, wasEmpty: false });
  });
});

describe('schema guarantees', () => {
  const db = useTestDatabase();

  it('keeps audit_events append-only: updates and deletes are refused by the database', async () => {
    const [row] = await db.current.db
      .insert(auditEvents)
      .values({ action: 'test.done', entityType: 'test' })
      .returning();
    await expect(
      db.current.db.update(auditEvents).set({ action: 'changed' }).where(eq(auditEvents.id, row!.id)),
    ).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/append-only \(UPDATE refused\)/) },
    });
    await expect(db.current.db.delete(auditEvents).where(eq(auditEvents.id, row!.id))).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/append-only \(DELETE refused\)/) },
    });
    await expect(db.current.db.execute(sql`TRUNCATE audit_events`)).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/append-only/) },
    });
    const [still] = await db.current.db.select().from(auditEvents).where(eq(auditEvents.id, row!.id));
    expect(still?.action).toBe('test.done');
  });

  it('makes a public internal note impossible by construction', async () => {
    const ticket = await createTicket(db.current.db);
    await expect(
      db.current.db
        .insert(ticketEvents)
        .values({ ticketId: ticket.id, kind: 'note', visibility: 'public', body: 'secret' }),
    ).rejects.toMatchObject({ cause: { constraint: 'ticket_events_note_internal' } });
    const [note] = await db.current.db
      .insert(ticketEvents)
      .values({ ticketId: ticket.id, kind: 'note', visibility: 'internal', body: 'ok' })
      .returning();
    expect(note?.visibility).toBe('internal');
  });

  it('gives ticket keys from one sequence: unique under parallel creation', async () => {
    const requester = await createUser(db.current.db);
    const made = await Promise.all(
      Array.from({ length: 30 }, () => createTicket(db.current.db, { requesterId: requester.id })),
    );
    const keys = new Set(made.map((t) => t.key));
    expect(keys.size).toBe(30);
    for (const key of keys) expect(key).toMatch(/^IT-\d{4,}$/);
  });

  it('refuses a user with an email that differs only in case', async () => {
    await createUser(db.current.db, { email: 'Case@Example.test' });
    await expect(createUser(db.current.db, { email: 'case@example.TEST' })).rejects.toMatchObject({
      cause: { constraint: 'users_email_lower_idx' },
    });
  });

  it('records an inbound provider event id once', async () => {
    const insert = () =>
      db.current.db.execute(
        sql`INSERT INTO inbound_events (provider, provider_event_id) VALUES ('slack', 'Ev123') ON CONFLICT DO NOTHING RETURNING id`,
      );
    const [a, b] = await Promise.all([insert(), insert()]);
    expect((a.rows.length ?? 0) + (b.rows.length ?? 0)).toBe(1);
  });
});
