import { sql } from 'drizzle-orm';
import type { TInboxRequest } from '@deskmate/shared';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { inboundProcess } from '../jobs/definitions/inbound-process.js';
import { jobNotification } from '../jobs/enqueue.js';

/**
 * Record chat requests before the bot answers their provider, and queue `inbound.process` for
 * each new one, atomically: once this returns, a crash loses nothing, and a key seen before (a
 * redelivery, a retry, the same key twice in one batch) is not recorded again. Returns, in the
 * request's order, whether each event was recorded now.
 *
 * One statement, so one round trip to PostgreSQL: the bot waits for it before it answers Slack.
 * The jobs are queued like `enqueue()` does (same columns, dedupe key per row), with one NOTIFY
 * for the lot: a worker that hears it locks every due run of the job.
 */
export async function recordInbox(db: Db, clock: Clock, request: TInboxRequest): Promise<boolean[]> {
  const seen = new Set<string>();
  const fresh = request.events
    .filter((e) => !seen.has(e.key) && seen.add(e.key))
    .map((e) => ({ key: e.key, payload: e.payload, priority: e.priority ?? 0 }));
  const now = clock.now().toISOString();
  // Jobs are due on the worker's time (real time, as enqueue() does), the record on the desk's clock.
  const runAt = new Date();
  const result = await db.execute<{ keys: string[] | null }>(sql`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(fresh)}::jsonb) AS x(key text, payload jsonb, priority int)
    ), recorded AS (
      INSERT INTO inbound_events (provider, provider_event_id, payload, received_at)
      SELECT ${request.provider}, key, payload, ${now}::timestamptz FROM input
      ON CONFLICT DO NOTHING
      RETURNING id, provider_event_id
    ), queued AS (
      INSERT INTO agenda_jobs (name, priority, next_run_at, type, data, dedupe_key, last_modified_by)
      SELECT ${inboundProcess.name}, input.priority, ${runAt.toISOString()}::timestamptz, 'normal',
             jsonb_build_object('id', recorded.id),
             'inbound:' || recorded.id, 'deskmate-enqueue'
      FROM recorded JOIN input ON input.key = recorded.provider_event_id
      ON CONFLICT (dedupe_key) DO NOTHING
      RETURNING id, priority
    ), notified AS (
      SELECT ${jobNotification(sql`q.id`, inboundProcess.name, runAt, sql`q.priority`)}
      FROM (SELECT id, priority FROM queued LIMIT 1) q
    )
    SELECT (SELECT array_agg(provider_event_id) FROM recorded) AS keys, (SELECT count(*) FROM notified) AS notified`);
  const recorded = new Set(result.rows[0]?.keys ?? []);
  const answered = new Set<string>();
  return request.events.map((e) => {
    if (answered.has(e.key) || !recorded.has(e.key)) return false;
    answered.add(e.key);
    return true;
  });
}
