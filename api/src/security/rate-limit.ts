import { and, gt, eq, sql, type SQL } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { DbOrTx } from '../db/client.js';
import { rateLimitHits, rateLimitKeys } from '../db/schema.js';
import { AppError } from '../http/errors.js';

export interface RateLimit {
  /** Counter name, e.g. `login:account:alice@example.com`. */
  key: string;
  max: number;
  windowMs: number;
}

export interface RateState {
  limited: boolean;
  /** Seconds until one more attempt is allowed (when limited). */
  retryAfterSec: number;
}

/**
 * How the counter stands now (sliding window over the recorded hits). The limit is reached when
 * the max-th newest hit is inside the window; a slot frees when it ages out. Hits are numbered per
 * key, so that hit is found by its number: one index lookup, whatever the number of hits (ADR 18).
 */
export async function rateState(db: DbOrTx, limit: RateLimit, clock: Clock): Promise<RateState> {
  const now = clock.now().getTime();
  const [row] = await db
    .select({ at: rateLimitHits.at })
    .from(rateLimitKeys)
    .innerJoin(
      rateLimitHits,
      and(
        eq(rateLimitHits.key, rateLimitKeys.key),
        eq(rateLimitHits.seq, sql`${rateLimitKeys.seq} - ${limit.max} + 1`),
      ),
    )
    .where(and(eq(rateLimitKeys.key, limit.key), gt(rateLimitHits.at, new Date(now - limit.windowMs))));
  if (!row) return { limited: false, retryAfterSec: 0 };
  return {
    limited: true,
    retryAfterSec: Math.max(1, Math.ceil((new Date(row.at).getTime() + limit.windowMs - now) / 1000)),
  };
}

/** Count one hit on `key`, numbered after the key's latest (the key's row is locked until the transaction ends). */
export async function recordHit(db: DbOrTx, key: string, clock: Clock): Promise<void> {
  await db.execute(
    sql`WITH k AS (
          INSERT INTO ${rateLimitKeys} AS k (key, seq) VALUES (${key}, 1)
          ON CONFLICT (key) DO UPDATE SET seq = k.seq + 1 RETURNING seq)
        INSERT INTO ${rateLimitHits} (key, at, seq) SELECT ${key}, ${clock.now()}::timestamptz, seq FROM k`,
  );
}

export function rateLimitedError(state: RateState, message = 'Too many attempts; try again later'): AppError {
  return new AppError(
    'rate_limited',
    message,
    { retryAfterSeconds: state.retryAfterSec },
    { 'Retry-After': String(state.retryAfterSec) },
  );
}

/**
 * Count one attempt against each limit and refuse it when any limit is already reached (Retry-After:
 * until every limit has a free slot). Attempts on one key are serialised with a transaction-scoped
 * advisory lock, so two instances cannot both slip in the last allowed attempt. One round trip:
 * the lock, the checks and the hits are one database function (migration 0019, ADR 18), so that
 * each check reads after the lock is granted.
 */
export async function consume(db: DbOrTx, limits: RateLimit[], clock: Clock): Promise<void> {
  if (!limits.length) return;
  const result = await db.execute<{ retry: number }>(sql`SELECT ${consumeExpression(limits, clock)} AS retry`);
  refuseRetry(result.rows[0]?.retry);
}

/**
 * `consume` as an SQL expression (seconds to wait, 0 when the attempt is allowed), for a caller that
 * runs it first in a statement of its own work (the ticket create); then `refuseRetry` on its value.
 */
export function consumeExpression(limits: RateLimit[], clock: Clock): SQL {
  const sorted = [...limits].sort((a, b) => a.key.localeCompare(b.key));
  return sql`deskmate_rate_consume(${sql.param(sorted.map((l) => l.key))}::text[], ${sql.param(sorted.map((l) => l.max))}::int[], ${sql.param(sorted.map((l) => l.windowMs))}::bigint[], ${clock.now()}::timestamptz)`;
}

/** Refuse (rate_limited, Retry-After) when `consumeExpression` said to wait. */
export function refuseRetry(retry: number | string | null | undefined): void {
  const seconds = Number(retry ?? 0);
  if (seconds > 0) throw rateLimitedError({ limited: true, retryAfterSec: seconds });
}

/**
 * Serialise uses of one counter across instances until the caller's transaction ends (call it
 * inside a transaction: outside one the lock ends with the statement).
 */
export async function lockRateKey(tx: DbOrTx, key: string): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}

/**
 * In the caller's transaction: count one use against `limit` if it is not reached, and say how it
 * stood before. For steps that are skipped, not refused, at the limit (a mail not sent again).
 */
export async function takeSlot(tx: DbOrTx, limit: RateLimit, clock: Clock): Promise<RateState> {
  await lockRateKey(tx, limit.key);
  const state = await rateState(tx, limit, clock);
  if (!state.limited) await recordHit(tx, limit.key, clock);
  return state;
}

/** Refuse when any limit is reached, without counting (for limits that count only failures). */
export async function check(db: DbOrTx, limits: RateLimit[], clock: Clock): Promise<void> {
  for (const limit of limits) {
    const state = await rateState(db, limit, clock);
    if (state.limited) throw rateLimitedError(state);
  }
}
