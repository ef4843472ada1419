import { randomUUID } from 'node:crypto';
import { Agenda, type Job } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import { eq } from 'drizzle-orm';
import type pg from 'pg';
import type { z } from 'zod';
import type { TDeliverySender, TInboundHandler } from '@deskmate/shared';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { SessionConnection } from '../db/session.js';
import { agendaJobs } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { SessionJobChannel } from './channel.js';
import { jobDefinitions } from './definitions/index.js';
import { JOBS_CHANNEL } from './enqueue.js';
import { PermanentJobError, retryDelay, type JobDefinition } from './registry.js';

export interface WorkerOptions {
  /** For Agenda's own queries; best not the pool the handlers use (see runtime.ts). */
  pool: pg.Pool;
  /** The process's session connection, where job wake-ups are LISTENed for. */
  session: SessionConnection;
  db: Db;
  logger: Logger;
  clock: Clock;
  config: Config;
  /** Defaults to every job Deskmate defines; tests pass their own. */
  definitions?: Record<string, JobDefinition<string, z.ZodType>>;
  /** Identifies this worker in the jobs table (last_modified_by). */
  name?: string;
  /** Schedule recurring jobs (the maintenance purge). Default true. */
  scheduleRecurring?: boolean;
  /** Channels deliveries go through (given by the composition root). */
  senders?: TDeliverySender[];
  /** Channels that act on recorded chat requests (given by the composition root). */
  inbound?: TInboundHandler[];
}

export interface Worker {
  agenda: Agenda;
  /** Stop taking jobs and wait up to `timeoutMs` for running ones; unfinished ones are unlocked. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * Start processing jobs with Agenda on PostgreSQL. Jobs are locked with FOR UPDATE SKIP LOCKED,
 * so any number of workers may run against one database; a running job's lock is refreshed while
 * it runs, and the jobs of a worker that died are taken over once their locks are older than
 * JOBS_LOCK_LIFETIME. Each run validates its payload with the definition's zod schema and
 * failures are retried with exponential backoff until the policy's attempts are spent, after
 * which the job is marked dead (dead_at) and kept.
 */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const { pool, db, logger, clock, config } = options;
  const definitions =
    options.definitions ?? (jobDefinitions as unknown as Record<string, JobDefinition<string, z.ZodType>>);
  const name = options.name ?? `worker-${process.pid}`;
  const senders = options.senders ?? [];
  const inbound = options.inbound ?? [];
  const session = options.session;
  const backend = new PostgresBackend({ pool, ensureSchema: false, disableNotifications: true });
  const notificationChannel = new SessionJobChannel(options.session, pool, JOBS_CHANNEL);
  // Without a listener an 'error' event would be thrown and take the process down.
  notificationChannel.on('error', (err: unknown) => logger.warn({ err }, 'job notification channel error'));
  const agenda = new Agenda({
    backend,
    notificationChannel,
    name,
    processEvery: config.JOBS_PROCESS_EVERY,
    defaultLockLifetime: config.JOBS_LOCK_LIFETIME,
  });
  agenda.on('error', (err: unknown) => logger.error({ err }, 'job runtime error'));

  for (const definition of Object.values(definitions)) {
    const lockLifetime = definition.lockLifetimeMs ?? config.JOBS_LOCK_LIFETIME;
    agenda.define(
      definition.name,
      async (job: Job<unknown>) => {
        const attempt = (job.attrs.failCount ?? 0) + 1;
        const parsed = definition.payload.safeParse(job.attrs.data ?? {});
        if (!parsed.success) {
          throw new PermanentJobError(
            `invalid payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          );
        }
        const jobLogger = logger.child({ job: definition.name, jobId: String(job.attrs._id), attempt });
        const lease = await claimRun(pool, job, lockLifetime, jobLogger);
        // Another run holds the job: this copy was locked again after its lock looked expired.
        if (!lease) return;
        try {
          await definition.handler(parsed.data, {
            db,
            clock,
            config,
            attempt,
            senders,
            inbound,
            session,
            logger: jobLogger,
          });
        } finally {
          await lease.release();
        }
      },
      {
        concurrency: definition.concurrency ?? 5,
        lockLifetime,
        backoff: (ctx) => retryDelay(definition.retry, ctx.attempt, ctx.error),
      },
    );
  }

  agenda.on('fail', (err: Error, job: Job) => {
    logger.warn(
      { job: job.attrs.name, jobId: String(job.attrs._id), failCount: job.attrs.failCount, err: err.message },
      'job failed',
    );
  });
  agenda.on('retry exhausted', (err: Error, job: Job) => {
    const id = String(job.attrs._id);
    logger.error({ job: job.attrs.name, jobId: id, err: err.message }, 'job is dead: retries exhausted');
    db.update(agendaJobs)
      .set({ deadAt: new Date(), nextRunAt: null })
      .where(eq(agendaJobs.id, id))
      .catch((e: unknown) => logger.error({ err: e, jobId: id }, 'could not mark job dead'));
    const definition = definitions[job.attrs.name];
    const parsed = definition?.payload.safeParse(job.attrs.data ?? {});
    if (definition?.onDead && parsed?.success) {
      definition
        .onDead(
          parsed.data,
          { db, clock, config, attempt: job.attrs.failCount ?? 0, senders, inbound, session, logger },
          err,
        )
        .catch((e: unknown) => logger.error({ err: e, jobId: id }, 'onDead failed'));
    }
  });

  await agenda.start();
  if (options.scheduleRecurring !== false) {
    for (const definition of Object.values(definitions)) {
      if (definition.every) {
        await agenda.every(definition.every(config), definition.name, {}, { skipImmediate: true });
      }
    }
  }
  logger.info({ jobs: Object.keys(definitions) }, 'job worker started');

  return {
    agenda,
    async stop(timeoutMs = 5000) {
      const result = await agenda.drain({ timeout: timeoutMs, closeConnection: false });
      if (result.running > 0) logger.warn({ running: result.running }, 'jobs still running at shutdown were unlocked');
      await agenda.stop(false);
    },
  };
}

/**
 * Claim the run of a job, or null when another run holds it. Agenda locks every due job when it
 * scans and runs them as concurrency allows, so a job can start with a lock almost a lifetime old;
 * its lock then expires before the first refresh and the next scan, here or in another worker,
 * locks and runs it again. Agenda's start-of-run save even writes the old lock back. The run id
 * and heartbeat in the job's row, which Agenda never writes, are what make a run exclusive: the
 * claim succeeds only when no run holds the job or the one that does has not refreshed it for a
 * lock lifetime (its worker died), in one UPDATE (ADR 9).
 *
 * While the run lasts, its lock and heartbeat are refreshed every third of the lifetime, so the
 * lifetime can be short: a dead worker's jobs are taken over within it, while a slow run on a live
 * worker is never run twice.
 */
async function claimRun(
  pool: pg.Pool,
  job: Job<unknown>,
  lifetimeMs: number,
  logger: Logger,
): Promise<{ release(): Promise<void> } | null> {
  const id = String(job.attrs._id);
  const runId = randomUUID();
  const now = new Date();
  const claimed = await pool.query(
    `UPDATE agenda_jobs SET run_id = $2, run_seen_at = $3, locked_at = $3
     WHERE id = $1 AND (run_id IS NULL OR run_seen_at < $4)`,
    [id, runId, now, new Date(now.getTime() - lifetimeMs)],
  );
  if (claimed.rowCount !== 1) {
    logger.debug('another run holds this job; this copy does not run');
    return null;
  }
  job.attrs.lockedAt = now;

  let refreshing: Promise<void> | undefined;
  const timer = setInterval(
    () => {
      if (refreshing) return;
      const at = new Date();
      refreshing = pool
        .query(`UPDATE agenda_jobs SET locked_at = $3, run_seen_at = $3 WHERE id = $1 AND run_id = $2`, [id, runId, at])
        .then((result) => {
          if (result.rowCount === 1) job.attrs.lockedAt = at;
          else logger.warn('the run lost its claim (not refreshed for a lock lifetime); another may take it over');
        })
        .catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'could not refresh the job lock'))
        .finally(() => {
          refreshing = undefined;
        });
    },
    Math.max(Math.floor(lifetimeMs / 3), 100),
  );
  timer.unref();
  return {
    // Agenda unlocks the job once the handler returns: no refresh may land after that.
    async release() {
      clearInterval(timer);
      await refreshing;
      await pool
        .query(`UPDATE agenda_jobs SET run_id = NULL, run_seen_at = NULL WHERE id = $1 AND run_id = $2`, [id, runId])
        .catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'could not release the job run'));
    },
  };
}
