import { sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { DbOrTx } from '../db/client.js';
import type { JobDefinition } from './registry.js';

export interface EnqueueOptions {
  /** The same logical job is queued once: a second enqueue with this key is a no-op. */
  dedupeKey?: string;
  runAt?: Date;
  priority?: number;
}

/**
 * Queue a job. Call it with the transaction that makes the change the job follows from: the job
 * exists if and only if the change commits (transactional outbox). The NOTIFY inside the same
 * transaction wakes the workers at commit. Returns the job id, or null when the dedupe key was
 * already queued.
 */
export async function enqueue<Schema extends z.ZodType>(
  db: DbOrTx,
  definition: JobDefinition<string, Schema>,
  payload: z.input<Schema>,
  options: EnqueueOptions = {},
): Promise<string | null> {
  const data = definition.payload.parse(payload) as unknown;
  const runAt = options.runAt ?? new Date();
  const priority = options.priority ?? 0;
  const inserted = await db.execute<{ id: string }>(sql`
    INSERT INTO agenda_jobs (name, priority, next_run_at, type, data, dedupe_key, last_modified_by)
    VALUES (${definition.name}, ${priority}, ${runAt.toISOString()}, 'normal', ${JSON.stringify(data ?? {})}::jsonb,
            ${options.dedupeKey ?? null}, 'deskmate-enqueue')
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id`);
  const id = inserted.rows[0]?.id ?? null;
  if (id)
    await db.execute(sql`SELECT ${jobNotification(sql`${id}::text`, definition.name, runAt, sql`${priority}::int`)}`);
  return id;
}

/**
 * Queue many jobs of one kind in one statement, each with its NOTIFY (as `enqueue` does for one):
 * for a batch (the outbox relay's deliveries). Returns the ids of the jobs queued (not those whose
 * dedupe key was queued already).
 */
export async function enqueueMany<Schema extends z.ZodType>(
  db: DbOrTx,
  definition: JobDefinition<string, Schema>,
  jobs: readonly { payload: z.input<Schema>; dedupeKey: string }[],
): Promise<string[]> {
  if (!jobs.length) return [];
  const input = jobs.map((j) => ({ data: definition.payload.parse(j.payload) as unknown, key: j.dedupeKey }));
  const runAt = new Date();
  const result = await db.execute<{ id: string }>(sql`
    WITH queued AS (
      INSERT INTO agenda_jobs (name, priority, next_run_at, type, data, dedupe_key, last_modified_by)
      SELECT ${definition.name}, 0, ${runAt.toISOString()}::timestamptz, 'normal', j.data, j.key, 'deskmate-enqueue'
        FROM jsonb_to_recordset(${JSON.stringify(input)}::jsonb) AS j(data jsonb, key text)
      ON CONFLICT (dedupe_key) DO NOTHING
      RETURNING id, priority
    )
    SELECT id, ${jobNotification(sql`id::text`, definition.name, runAt, sql`priority`)} FROM queued`);
  return result.rows.map((r) => r.id);
}

/**
 * The channel the workers LISTEN on (given to Agenda's PostgreSQL backend, whose own default is
 * `agenda:jobs`: a NOTIFY anywhere else wakes no one).
 */
export const JOBS_CHANNEL = 'agenda_jobs';

/**
 * The NOTIFY that wakes the workers for a queued job, with the payload Agenda's
 * PostgresNotificationChannel expects; delivered when the transaction commits. `id` and `priority`
 * are SQL, so that a statement queuing many jobs can notify for one of them.
 */
export function jobNotification(id: SQL, name: string, runAt: Date, priority: SQL): SQL {
  return sql`pg_notify(${JOBS_CHANNEL}::text, json_build_object('jobId', ${id}, 'jobName', ${name}::text,
    'nextRunAt', ${runAt.toISOString()}::text, 'priority', ${priority}, 'timestamp', now(),
    'source', 'deskmate-enqueue')::text)`;
}
