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
 * Requests that arrive while a statement is in flight wait for it and then go together in the next
 * one (group commit): a burst of 200 acks is a handful of statements, not 200 waiting for a pooled
 * connection each, and a lone request waits for nothing. The jobs are queued like `enqueue()` does
 * (same columns, dedupe key per row), with one NOTIFY per statement: a worker that hears it locks
 * every due run of the job.
 */
export function recordInbox(db: Db, clock: Clock, request: TInboxRequest): Promise<boolean[]> {
  let batcher = batchers.get(db);
  if (!batcher) batchers.set(db, (batcher = new InboxBatcher(db)));
  return batcher.record(clock, request);
}

interface Waiting {
  clock: Clock;
  request: TInboxRequest;
  resolve(first: boolean[]): void;
  reject(err: unknown): void;
}

const batchers = new WeakMap<Db, InboxBatcher>();
/** At most this many requests in one statement (each has at most INBOX_BATCH_MAX events). */
const REQUESTS_PER_STATEMENT = 100;

class InboxBatcher {
  private waiting: Waiting[] = [];
  private writing = false;

  constructor(private readonly db: Db) {}

  record(clock: Clock, request: TInboxRequest): Promise<boolean[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ clock, request, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length) {
        const batch = this.waiting.splice(0, REQUESTS_PER_STATEMENT);
        try {
          const recorded = await writeBatch(this.db, batch);
          // The first request in the batch to carry a key is the one that recorded it.
          const answered = new Set<string>();
          for (const { request, resolve } of batch) {
            resolve(
              request.events.map((e) => {
                const id = `${request.provider}\u0000${e.key}`;
                if (answered.has(id) || !recorded.has(id)) return false;
                answered.add(id);
                return true;
              }),
            );
          }
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}

/** One statement for the batch; the (provider, key) pairs recorded now. */
async function writeBatch(db: Db, batch: readonly Waiting[]): Promise<Set<string>> {
  const seen = new Set<string>();
  const fresh = batch.flatMap(({ clock, request }) => {
    const receivedAt = clock.now().toISOString();
    return request.events
      .filter((e) => {
        const id = `${request.provider}\u0000${e.key}`;
        return !seen.has(id) && seen.add(id);
      })
      .map((e) => ({
        provider: request.provider,
        key: e.key,
        payload: e.payload,
        priority: e.priority ?? 0,
        receivedAt,
      }));
  });
  // Jobs are due on the worker's time (real time, as enqueue() does), the record on the desk's clock.
  const runAt = new Date();
  const result = await db.execute<{ recorded: { provider: string; key: string }[] | null }>(sql`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(fresh)}::jsonb)
        AS x(provider text, key text, payload jsonb, priority int, "receivedAt" timestamptz)
    ), recorded AS (
      INSERT INTO inbound_events (provider, provider_event_id, payload, received_at)
      SELECT provider, key, payload, "receivedAt" FROM input
      ON CONFLICT DO NOTHING
      RETURNING id, provider, provider_event_id
    ), queued AS (
      INSERT INTO agenda_jobs (name, priority, next_run_at, type, data, dedupe_key, last_modified_by)
      SELECT ${inboundProcess.name}, input.priority, ${runAt.toISOString()}::timestamptz, 'normal',
             jsonb_build_object('id', recorded.id),
             'inbound:' || recorded.id, 'deskmate-enqueue'
      FROM recorded JOIN input ON input.provider = recorded.provider AND input.key = recorded.provider_event_id
      ON CONFLICT (dedupe_key) DO NOTHING
      RETURNING id, priority
    ), notified AS (
      SELECT ${jobNotification(sql`q.id`, inboundProcess.name, runAt, sql`q.priority`)}
      FROM (SELECT id, priority FROM queued LIMIT 1) q
    )
    SELECT (SELECT json_agg(json_build_object('provider', provider, 'key', provider_event_id)) FROM recorded) AS recorded,
           (SELECT count(*) FROM notified) AS notified`);
  return new Set((result.rows[0]?.recorded ?? []).map((r) => `${r.provider}\u0000${r.key}`));
}
