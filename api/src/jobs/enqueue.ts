import { sql } from 'drizzle-orm';
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
  if (id) {
    // The payload Agenda's PostgresNotificationChannel expects; delivered when the transaction commits.
    const notification = JSON.stringify({
      jobId: id,
      jobName: definition.name,
      nextRunAt: runAt.toISOString(),
      priority,
      timestamp: new Date().toISOString(),
      source: 'deskmate-enqueue',
    });
    await db.execute(sql`SELECT pg_notify('agenda_jobs', ${notification})`);
  }
  return id;
}
