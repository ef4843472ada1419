import { Agenda, type Job } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import { eq } from 'drizzle-orm';
import type pg from 'pg';
import type { z } from 'zod';
import type { TDeliverySender, TInboundHandler } from '@deskmate/shared';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { agendaJobs } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { jobDefinitions } from './definitions/index.js';
import { PermanentJobError, retryDelay, type JobDefinition } from './registry.js';

export interface WorkerOptions {
  /** For Agenda's own queries and LISTEN; best not the pool the handlers use (see runtime.ts). */
  pool: pg.Pool;
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
  const backend = new PostgresBackend({ pool, ensureSchema: false });
  // The LISTEN connection reconnects by itself when the database restarts; without a listener its
  // 'error' event would be thrown and take the process down.
  backend.notificationChannel?.on('error', (err: unknown) =>
    logger.warn({ err }, 'job notification channel error; reconnecting'),
  );
  const agenda = new Agenda({
    backend,
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
        const lock = keepLocked(job, lockLifetime, jobLogger);
        try {
          await definition.handler(parsed.data, { db, clock, config, attempt, senders, inbound, logger: jobLogger });
        } finally {
          await lock.release();
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
        .onDead(parsed.data, { db, clock, config, attempt: job.attrs.failCount ?? 0, senders, inbound, logger }, err)
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
 * Refresh a running job's lock every third of its lifetime. The lifetime can then be short, so
 * that the jobs of a worker that died (its locks no longer refreshed) are taken over within
 * JOBS_LOCK_LIFETIME, while a slow run on a live worker keeps its lock and is not run twice.
 */
function keepLocked(job: Job<unknown>, lifetimeMs: number, logger: Logger): { release(): Promise<void> } {
  let touching: Promise<void> | undefined;
  const timer = setInterval(
    () => {
      if (touching) return;
      touching = job
        .touch()
        .catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'could not refresh the job lock'))
        .finally(() => {
          touching = undefined;
        });
    },
    Math.max(Math.floor(lifetimeMs / 3), 100),
  );
  timer.unref();
  return {
    // Agenda unlocks the job once the handler returns: no refresh may land after that.
    async release() {
      clearInterval(timer);
      await touching;
    },
  };
}
