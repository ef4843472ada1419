import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { FakeClock } from '../test/clock.js';
import { loadConfig } from '../config.js';
import { agendaJobs, inboundEvents, outbox, rateLimitHits } from '../db/schema.js';
import { SessionConnection } from '../db/session.js';
import { silentLogger } from '../logger.js';
import { useTestDatabase } from '../test/db.js';
import { recordInbox } from '../integrations/inbox.js';
import { inboundProcess } from './definitions/inbound-process.js';
import { purgeExpired } from './definitions/purge-expired.js';
import { enqueue } from './enqueue.js';
import { defineJob, retryDelay, type JobDefinition } from './registry.js';
import { startWorker, type Worker } from './worker.js';
import { until } from '../test/until.js';

const config = loadConfig({ JOBS_PROCESS_EVERY: '100ms', LOG_LEVEL: 'silent' });

describe('jobs runtime', () => {
  const db = useTestDatabase();
  const workers: Worker[] = [];
  const sessions: SessionConnection[] = [];
  afterEach(async () => {
    while (workers.length) await workers.pop()!.stop(1000);
    while (sessions.length) await sessions.pop()!.stop();
  });
  /** A worker process's session connection (its LISTEN for wake-ups). */
  const session = async () => {
    const s = new SessionConnection(db.current.url, silentLogger());
    await s.start();
    sessions.push(s);
    return s;
  };

  const start = async (
    definitions: Record<string, JobDefinition<string, z.ZodType>>,
    name?: string,
    workerConfig = config,
  ) => {
    const worker = await startWorker({
      pool: db.current.pool,
      session: await session(),
      db: db.current.db,
      logger: silentLogger(),
      clock: systemClock,
      config: workerConfig,
      definitions,
      scheduleRecurring: false,
      ...(name ? { name } : {}),
    });
    workers.push(worker);
    return worker;
  };

  it('runs a queued job with its validated payload', async () => {
    const seen: { to: string; times: number }[] = [];
    const greet = defineJob({
      name: 'test.greet',
      payload: z.object({ to: z.string(), times: z.number().int().default(1) }),
      retry: { attempts: 1, backoffMs: 10 },
      handler: async (payload) => {
        seen.push(payload);
      },
    });
    await start({ [greet.name]: greet });
    await enqueue(db.current.db, greet, { to: 'alice' });
    await until(() => seen.length === 1);
    expect(seen).toEqual([{ to: 'alice', times: 1 }]);
  });

  describe('with workers that scan for due jobs once a minute', () => {
    const slowScans = loadConfig({ JOBS_PROCESS_EVERY: '1 minute', LOG_LEVEL: 'silent' });

    it('wakes a worker at once for a queued job (NOTIFY at commit), not at its next scan', async () => {
      const ran: string[] = [];
      const wake = defineJob({
        name: 'test.wake',
        payload: z.object({ to: z.string() }),
        retry: { attempts: 1, backoffMs: 10 },
        handler: async ({ to }) => {
          ran.push(to);
        },
      });
      await start({ [wake.name]: wake }, 'worker-slow-scan', slowScans);
      await db.current.db.transaction((tx) => enqueue(tx, wake, { to: 'bob' }));
      await until(() => ran.length === 1, 10_000);
      expect(ran).toEqual(['bob']);
    });

    it('wakes a worker at once for chat requests recorded in the inbox, and acts on each', async () => {
      const handled: unknown[] = [];
      const worker = await startWorker({
        pool: db.current.pool,
        session: await session(),
        db: db.current.db,
        logger: silentLogger(),
        clock: systemClock,
        config: slowScans,
        definitions: { [inboundProcess.name]: inboundProcess } as Record<string, JobDefinition<string, z.ZodType>>,
        inbound: [{ provider: 'slack', handle: async (payload) => void handled.push(payload) }],
        scheduleRecurring: false,
      });
      workers.push(worker);
      await recordInbox(db.current.db, systemClock, {
        provider: 'slack',
        events: [
          { key: 'wake:1', payload: { n: 1 } },
          { key: 'wake:2', payload: { n: 2 }, priority: 5 },
        ],
      });
      await until(() => handled.length === 2, 10_000);
      expect(handled).toEqual(expect.arrayContaining([{ n: 1 }, { n: 2 }]));
    });
  });

  it('refuses to queue a payload that does not match the schema', async () => {
    const strict = defineJob({
      name: 'test.strict',
      payload: z.object({ id: z.uuid() }),
      retry: { attempts: 1, backoffMs: 10 },
      handler: async () => undefined,
    });
    await expect(enqueue(db.current.db, strict, { id: 'not-a-uuid' })).rejects.toThrow();
    const rows = await db.current.db.select().from(agendaJobs).where(eq(agendaJobs.name, 'test.strict'));
    expect(rows).toHaveLength(0);
  });

  it('queues the same dedupe key once, even when 10 enqueue at the same moment', async () => {
    const noop = defineJob({
      name: 'test.dedupe',
      payload: z.object({}),
      retry: { attempts: 1, backoffMs: 10 },
      handler: async () => undefined,
    });
    const ids = await Promise.all(
      Array.from({ length: 10 }, () =>
        enqueue(
          db.current.db,
          noop,
          {},
          { dedupeKey: 'escalate:IT-1:level-1', runAt: new Date(Date.now() + 3_600_000) },
        ),
      ),
    );
    expect(ids.filter((id) => id !== null)).toHaveLength(1);
    const rows = await db.current.db.select().from(agendaJobs).where(eq(agendaJobs.dedupeKey, 'escalate:IT-1:level-1'));
    expect(rows).toHaveLength(1);
  });

  it('queues nothing when the transaction that enqueued rolls back (outbox semantics)', async () => {
    const noop = defineJob({
      name: 'test.rollback',
      payload: z.object({}),
      retry: { attempts: 1, backoffMs: 10 },
      handler: async () => undefined,
    });
    await expect(
      db.current.db.transaction(async (tx) => {
        await enqueue(tx, noop, {});
        throw new Error('change failed');
      }),
    ).rejects.toThrow('change failed');
    const rows = await db.current.db.select().from(agendaJobs).where(eq(agendaJobs.name, 'test.rollback'));
    expect(rows).toHaveLength(0);
  });

  it('retries a failing job with backoff and succeeds on a later attempt', async () => {
    const attempts: number[] = [];
    const flaky = defineJob({
      name: 'test.flaky',
      payload: z.object({}),
      retry: { attempts: 3, backoffMs: 50 },
      handler: async (_p, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error(`boom ${ctx.attempt}`);
      },
    });
    await start({ [flaky.name]: flaky });
    const id = await enqueue(db.current.db, flaky, {});
    await until(async () => {
      const [row] = await db.current.db.select().from(agendaJobs).where(eq(agendaJobs.id, id!));
      return row?.lastFinishedAt != null && row.failCount === 0;
    });
    expect(attempts).toEqual([1, 2, 3]);
    const [row] = await db.current.db.select().from(agendaJobs).where(eq(agendaJobs.id, id!));
    expect(row?.deadAt).toBeNull();
  });

  it('marks a job dead after its attempts are spent, and keeps it', async () => {
    let runs = 0;
    const doomed = defineJob({
      name: 'test.doomed',
      payload: z.object({}),
      retry: { attempts: 2, backoffMs: 20 },
      handler: async () => {
        runs++;
        throw new Error('always fails');
      },
    });
    await start({ [doomed.name]: doomed });
    const id = await enqueue(db.current.db, doomed, {});
    await until(async () => {
      const [row] = await db.current.db.select().from(agendaJobs).where(eq(agendaJobs.id, id!));
      return row?.deadAt != null;
    });
    // Give a would-be third run the chance to happen.
    await new Promise((r) => setTimeout(r, 300));
    const [row] = await db.current.db.select().from(agendaJobs).where(eq(agendaJobs.id, id!));
    expect(runs).toBe(2);
    expect(row?.failCount).toBe(2);
    expect(row?.failReason).toContain('always fails');
    expect(row?.nextRunAt).toBeNull();
  });

  it('sends a job with an invalid stored payload straight to dead, without retries', async () => {
    let runs = 0;
    const typed = defineJob({
      name: 'test.typed',
      payload: z.object({ n: z.number() }),
      retry: { attempts: 5, backoffMs: 10 },
      handler: async () => {
        runs++;
      },
    });
    await start({ [typed.name]: typed });
    // A row written by an older version, or by hand, with a payload the schema refuses.
    const inserted = await db.current.db.execute<{ id: string }>(
      sql`INSERT INTO agenda_jobs (name, next_run_at, data) VALUES ('test.typed', now(), '{"n":"seven"}') RETURNING id`,
    );
    const id = inserted.rows[0]!.id;
    await until(async () => {
      const [row] = await db.current.db.select().from(agendaJobs).where(eq(agendaJobs.id, id));
      return row?.deadAt != null;
    });
    const [row] = await db.current.db.select().from(agendaJobs).where(eq(agendaJobs.id, id));
    expect(runs).toBe(0);
    expect(row?.failCount).toBe(1);
    expect(row?.failReason).toMatch(/invalid payload: n:/);
  });

  it('runs each of 200 jobs exactly once with two workers on one database', async () => {
    const runs = new Map<number, number>();
    const count = defineJob({
      name: 'test.count',
      payload: z.object({ i: z.number() }),
      retry: { attempts: 1, backoffMs: 10 },
      concurrency: 10,
      handler: async ({ i }) => {
        runs.set(i, (runs.get(i) ?? 0) + 1);
      },
    });
    await start({ [count.name]: count }, 'worker-a');
    await start({ [count.name]: count }, 'worker-b');
    await db.current.db.transaction(async (tx) => {
      for (let i = 0; i < 200; i++) await enqueue(tx, count, { i });
    });
    await until(() => runs.size === 200, 30_000);
    await new Promise((r) => setTimeout(r, 300));
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    const byWorker = await db.current.db.execute<{ who: string; n: number }>(
      sql`SELECT last_modified_by AS who, count(*)::int AS n FROM agenda_jobs WHERE name = 'test.count' GROUP BY 1`,
    );
    expect(byWorker.rows.reduce((sum, r) => sum + r.n, 0)).toBe(200);
  });

  describe('locks, with JOBS_LOCK_LIFETIME at 1 second', () => {
    const shortLocks = loadConfig({ JOBS_PROCESS_EVERY: '100ms', JOBS_LOCK_LIFETIME: '1s', LOG_LEVEL: 'silent' });
    const jobRow = async (id: string) =>
      (await db.current.db.select().from(agendaJobs).where(eq(agendaJobs.id, id)))[0]!;

    it('takes over the jobs of a worker that died once their locks are older than the lifetime', async () => {
      const ranAt = new Map<number, number[]>();
      const orphan = defineJob({
        name: 'test.orphan',
        payload: z.object({ i: z.number() }),
        retry: { attempts: 1, backoffMs: 10 },
        handler: async ({ i }) => {
          ranAt.set(i, [...(ranAt.get(i) ?? []), Date.now()]);
        },
      });
      // Run by a worker that was killed: one run long stale, one claimed just before it died.
      const inserted = await db.current.db.execute<{ id: string; locked_at: Date }>(sql`
        INSERT INTO agenda_jobs (name, next_run_at, locked_at, data, last_modified_by, run_id, run_seen_at) VALUES
          ('test.orphan', now() - interval '10 seconds', now() - interval '10 seconds', '{"i":1}', 'worker-killed',
           gen_random_uuid(), now() - interval '10 seconds'),
          ('test.orphan', now(), now(), '{"i":2}', 'worker-killed', gen_random_uuid(), now())
        RETURNING id, locked_at`);
      const freshLock = new Date(inserted.rows[1]!.locked_at).getTime();
      await start({ [orphan.name]: orphan }, 'worker-survivor', shortLocks);
      await until(() => ranAt.size === 2, 10_000);
      expect([...ranAt.values()].map((runs) => runs.length)).toEqual([1, 1]);
      // The fresh lock and run were respected until they were a lifetime old.
      expect(ranAt.get(2)![0]! - freshLock).toBeGreaterThanOrEqual(1000);
      // Each finished run let go of its claim (before Agenda recorded it as finished).
      const finished = async () =>
        (
          await db.current.db.execute<{ n: number; claimed: number }>(
            sql`SELECT count(last_finished_at)::int AS n, count(run_id)::int AS claimed
                FROM agenda_jobs WHERE name = 'test.orphan'`,
          )
        ).rows[0]!;
      await until(async () => (await finished()).n === 2);
      expect((await finished()).claimed).toBe(0);
    });

    it('keeps a run that outlasts the lifetime locked, so a second worker never runs it again', async () => {
      let runs = 0;
      let finish!: () => void;
      const finished = new Promise<void>((resolve) => (finish = resolve));
      const slow = defineJob({
        name: 'test.slow',
        payload: z.object({}),
        retry: { attempts: 1, backoffMs: 10 },
        handler: async () => {
          runs++;
          await finished;
        },
      });
      await start({ [slow.name]: slow }, 'worker-a', shortLocks);
      await start({ [slow.name]: slow }, 'worker-b', shortLocks);
      const id = (await enqueue(db.current.db, slow, {}))!;
      await until(() => runs === 1);
      const firstLock = (await jobRow(id)).lockedAt!.getTime();
      // The run goes on for two lifetimes: the lock is refreshed meanwhile, never taken over.
      await until(async () => ((await jobRow(id)).lockedAt?.getTime() ?? 0) >= firstLock + 2000, 10_000);
      finish();
      await until(async () => (await jobRow(id)).lastFinishedAt !== null);
      expect(runs).toBe(1);
      // No refresh lands after the run: the finished job is unlocked.
      expect((await jobRow(id)).lockedAt).toBeNull();
    });

    it('runs a job once when it waited in the queue until its lock was nearly a lifetime old', async () => {
      // A worker locks every due job at once and runs them one at a time: the later ones start
      // with old locks. One that starts just before its lock expires must not be locked and run
      // again by the next scan (or by another worker) before its first refresh lands.
      const runs = new Map<number, number>();
      const queued = defineJob({
        name: 'test.queued',
        payload: z.object({ i: z.number() }),
        retry: { attempts: 1, backoffMs: 10 },
        concurrency: 1,
        handler: async ({ i }) => {
          runs.set(i, (runs.get(i) ?? 0) + 1);
          await new Promise((r) => setTimeout(r, 300));
        },
      });
      await db.current.db.transaction(async (tx) => {
        for (let i = 0; i < 8; i++) await enqueue(tx, queued, { i });
      });
      await start({ [queued.name]: queued }, 'worker-a', shortLocks);
      await start({ [queued.name]: queued }, 'worker-b', shortLocks);
      await until(async () => {
        const rows = await db.current.db.execute<{ n: number }>(
          sql`SELECT count(*)::int AS n FROM agenda_jobs WHERE name = 'test.queued' AND last_finished_at IS NOT NULL
              AND locked_at IS NULL`,
        );
        return rows.rows[0]!.n === 8;
      }, 20_000);
      await new Promise((r) => setTimeout(r, 500));
      expect(Object.fromEntries(runs)).toEqual(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [i, 1])));
    });
  });

  it('backs off exponentially and gives up after the last attempt', () => {
    const policy = { attempts: 4, backoffMs: 1000 };
    expect([1, 2, 3].map((f) => retryDelay(policy, f, new Error()))).toEqual([1000, 2000, 4000]);
    expect(retryDelay(policy, 4, new Error())).toBeNull();
    expect(retryDelay({ attempts: 30, backoffMs: 1000, maxBackoffMs: 5000 }, 20, new Error())).toBe(5000);
  });
});

describe('maintenance.purge-expired', () => {
  const db = useTestDatabase();

  it('deletes expired inbound ids, delivered deliveries and finished jobs, and keeps the rest', async () => {
    const clock = new FakeClock('2026-03-01T12:00:00Z');
    const old = new Date('2026-01-01T00:00:00Z');
    const recent = new Date('2026-02-28T00:00:00Z');
    const d = db.current.db;
    await d.insert(inboundEvents).values([
      { provider: 'slack', providerEventId: 'old', receivedAt: old },
      { provider: 'slack', providerEventId: 'recent', receivedAt: recent },
    ]);
    await d.insert(outbox).values([
      { kind: 'email.send', dedupeKey: 'delivered-old', payload: {}, status: 'delivered', deliveredAt: old },
      { kind: 'email.send', dedupeKey: 'dead-old', payload: {}, status: 'dead', createdAt: old },
      { kind: 'email.send', dedupeKey: 'pending-old', payload: {}, status: 'pending', createdAt: old },
    ]);
    await d.insert(agendaJobs).values([
      { name: 'x', lastFinishedAt: old, nextRunAt: null, dedupeKey: 'finished-old' },
      { name: 'x', lastFinishedAt: old, nextRunAt: null, deadAt: old, dedupeKey: 'dead-old' },
      { name: 'x', lastFinishedAt: recent, nextRunAt: null, dedupeKey: 'finished-recent' },
    ]);
    // Rate-limit hits: kept while inside the longest window (a day), then gone.
    await d.insert(rateLimitHits).values([
      { key: 'login:ip:old', at: new Date('2026-02-27T11:00:00Z'), seq: 1 },
      { key: 'login:ip:old', at: new Date('2026-02-28T13:00:00Z'), seq: 2 },
    ]);
    await purgeExpired.handler(purgeExpired.payload.parse({}), {
      db: d,
      clock,
      logger: silentLogger(),
      config,
      attempt: 1,
      senders: [],
      inbound: [],
    });
    expect((await d.select().from(inboundEvents)).map((r) => r.providerEventId)).toEqual(['recent']);
    expect((await d.select().from(outbox)).map((r) => r.dedupeKey).sort()).toEqual(['dead-old', 'pending-old']);
    expect((await d.select().from(agendaJobs)).map((r) => r.dedupeKey).sort()).toEqual(['dead-old', 'finished-recent']);
    expect((await d.select().from(rateLimitHits)).map((r) => r.seq)).toEqual([2]);
  });

  it('is scheduled as a recurring job by a worker, once however many workers start', async () => {
    const opts = { pool: db.current.pool, db: db.current.db, logger: silentLogger(), clock: systemClock, config };
    const sessions = [1, 2].map(() => new SessionConnection(db.current.url, silentLogger()));
    await Promise.all(sessions.map((s) => s.start()));
    const [a, b] = await Promise.all([
      startWorker({ ...opts, session: sessions[0]!, name: 'w1' }),
      startWorker({ ...opts, session: sessions[1]!, name: 'w2' }),
    ]);
    const rows = await db.current.db.select().from(agendaJobs).where(eq(agendaJobs.name, 'maintenance.purge-expired'));
    await a.stop(500);
    await b.stop(500);
    for (const s of sessions) await s.stop();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.type).toBe('single');
    expect(rows[0]?.repeatInterval).toBe(String(config.MAINTENANCE_INTERVAL));
  });
});
