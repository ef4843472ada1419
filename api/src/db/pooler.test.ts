/**
 * Deskmate behind PgBouncer in transaction mode (Debian's 1.18, as many managed services pool):
 * DATABASE_URL is the pooler, DATABASE_DIRECT_URL the server itself. Named prepared statements
 * would land on whichever server connection is free ("prepared statement … does not exist"), and a
 * LISTEN or a session lock through the pooler would stay on a server connection others then use.
 */
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TDeliverySender, TTicket } from '@deskmate/shared';
import { namedStatementsAllowed } from '../config.js';
import { EmailSender } from '../email/sender.js';
import type { UserRow } from '../http/context.js';
import { purgeExpired } from '../jobs/definitions/purge-expired.js';
import { enqueue } from '../jobs/enqueue.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { createEmptyDatabase, dropDatabase, useTestDatabase, type TestDatabase } from '../test/db.js';
import { hasPgBouncer, PGBOUNCER, startPgBouncer, type PgBouncer } from '../test/pgbouncer.js';
import { subscribe } from '../test/stream.js';
import { createDatabase } from './client.js';
import { agendaJobs, outbox, tickets } from './schema.js';
import { until } from '../test/until.js';

if (!hasPgBouncer) {
  console.warn(
    `Connection pooler tests SKIPPED: ${PGBOUNCER} is not installed here. Install it with \`apt-get install -y pgbouncer\` (.ci/run does) to run them.`,
  );
}

/** A started app whose DATABASE_URL is the pooler and DATABASE_DIRECT_URL the server. */
async function startPooledApp(
  database: TestDatabase,
  bouncer: PgBouncer,
  env: Record<string, string> = {},
  senders: TDeliverySender[] = [],
) {
  const pooled = bouncer.urlFor(database.name);
  return startTestApp({
    database: { ...database, url: pooled },
    env: { DATABASE_URL: pooled, DATABASE_DIRECT_URL: database.url, ...env },
    senders,
  });
}

describe.runIf(hasPgBouncer)('behind PgBouncer in transaction mode', () => {
  let bouncer: PgBouncer;
  const testDatabase = useTestDatabase();
  let database: TestDatabase;
  let app: TestApp;
  let admin: UserRow;
  let alice: UserRow;

  beforeAll(async () => {
    // Fewer server connections than the app's pool: consecutive statements of one client
    // connection land on different server connections.
    bouncer = await startPgBouncer(inject('pgAdminUrl'), { poolSize: 3 });
    database = testDatabase.current;
    // Only a NOTIFY can wake the relay and the jobs in time: their polls are an hour away.
    app = await startPooledApp(
      database,
      bouncer,
      { OUTBOX_POLL_INTERVAL: '10 minutes', JOBS_PROCESS_EVERY: '1 hour', TICKET_CREATE_LIMIT: '100000' },
      [new EmailSender()],
    );
    admin = await createUserWithPassword(database.db, { role: 'admin' });
    alice = await createUserWithPassword(database.db);
  });
  afterAll(async () => {
    await app?.stop();
    await bouncer?.stop();
  });

  it('uses no named prepared statements when DATABASE_DIRECT_URL says a pooler is in between', () => {
    expect(bouncer.version).toMatch(/^PgBouncer 1\.\d+/);
    expect(namedStatementsAllowed(app.config)).toBe(false);
  });

  it('answers 300 concurrent signed-in requests (lists, counts, creates) without a single 5xx', async () => {
    const adminCookie = sessionCookie(app, admin);
    const aliceCookie = sessionCookie(app, alice);
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        i % 3 === 0
          ? call(app, 'POST', '/tickets', {
              cookie: aliceCookie,
              body: { title: `Printer ${i} jams`, description: 'Paper jam on every page.' },
            })
          : call(app, 'GET', i % 3 === 1 ? '/tickets?limit=10' : '/tickets/counts', { cookie: adminCookie }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s === 201)).toHaveLength(100);
    expect(statuses.filter((s) => s === 200)).toHaveLength(200);
  });

  it('delivers live updates, outbox wake-ups and job wake-ups over the one direct connection', async () => {
    const stream = await subscribe(app, sessionCookie(app, admin));
    try {
      const created = await call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
        cookie: sessionCookie(app, alice),
        body: { title: 'VPN drops at noon', description: 'Every day at noon.' },
      });
      expect(created.status).toBe(201);
      const key = created.body.ticket.key;
      await stream.waitFor((e) => e.data.type === 'ticket.created' && e.data.key === key, 3000);

      // The outbox relay, polling every 10 minutes, relays the ticket's row at once.
      const [ticket] = await database.db.select({ id: tickets.id }).from(tickets).where(eq(tickets.key, key));
      await until(
        async () =>
          (
            await database.db
              .select({ id: outbox.id })
              .from(outbox)
              .where(and(eq(outbox.status, 'delivered'), sql`${outbox.payload}->>'ticketId' = ${ticket!.id}`))
          ).length > 0,
        3000,
        'the outbox row relayed',
      );
    } finally {
      stream.close();
    }

    // A queued job runs at once though the workers scan once an hour.
    const jobId = await enqueue(database.db, purgeExpired, {}, { dedupeKey: 'pooler-test-purge' });
    await until(
      async () =>
        (
          await database.db
            .select({ id: agendaJobs.id })
            .from(agendaJobs)
            .where(and(eq(agendaJobs.id, jobId!), isNotNull(agendaJobs.lastFinishedAt)))
        ).length === 1,
      3000,
      'the job woken and run',
    );

    // One direct connection for all of it; nothing else of this process bypasses the pooler.
    const { rows } = await database.pool.query<{ name: string; n: number }>(
      `SELECT application_name AS name, count(*)::int AS n FROM pg_stat_activity
       WHERE datname = $1 AND application_name LIKE 'deskmate-%session' GROUP BY 1`,
      [database.name],
    );
    expect(rows).toEqual([{ name: 'deskmate-all-session', n: 1 }]);
  });

  it('sends every email though more sends are in flight than the pooler has server connections', async () => {
    // Each send runs in its delivery's transaction; one that wanted a second connection meanwhile
    // would wait on the other sends, which hold all three.
    const cookie = sessionCookie(app, alice);
    const created = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
          cookie,
          body: { title: `Laptop ${i} will not charge`, description: 'The light stays off.' },
        }),
      ),
    );
    expect(created.map((r) => r.status)).toEqual(Array.from({ length: 30 }, () => 201));
    const keys = created.map((r) => r.body.ticket.key);
    const emails = async () =>
      (
        await database.pool.query<{ sent: number; pending: number }>(
          `SELECT count(*) FILTER (WHERE d.status = 'sent')::int AS sent,
                  count(*) FILTER (WHERE d.status <> 'sent')::int AS pending
           FROM deliveries d JOIN outbox o ON o.id = d.outbox_id JOIN tickets t ON t.id::text = o.payload->>'ticketId'
           WHERE d.channel = 'email' AND t.key = ANY($1)`,
          [keys],
        )
      ).rows[0]!;
    await until(
      async () => {
        const { sent, pending } = await emails();
        return sent >= keys.length && pending === 0;
      },
      15_000,
      'every email of the new tickets sent',
    );
  });

  it('migrates an empty database once from two processes starting together, and leaves no lock held', async () => {
    const empty = await createEmptyDatabase();
    const direct = createDatabase(empty.url, { max: 2 });
    const target: TestDatabase = { ...direct, ...empty };
    const apps: TestApp[] = [];
    try {
      apps.push(...(await Promise.all([startPooledApp(target, bouncer), startPooledApp(target, bouncer)])));
      const client = new pg.Client({ connectionString: empty.url });
      await client.connect();
      try {
        const migrations = await client.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations',
        );
        expect(migrations.rows[0]!.n).toBeGreaterThan(0);
        const locks = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
           WHERE l.locktype = 'advisory' AND d.datname = $1`,
          [empty.name],
        );
        expect(locks.rows[0]!.n).toBe(0);
      } finally {
        await client.end();
      }
    } finally {
      for (const a of apps) await a.stop();
      await direct.close();
      await dropDatabase(empty.name);
    }
  });
});
