import { and, count, gt, min, eq, sql } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Db, DbOrTx } from '../db/client.js';
import { rateLimitHits } from '../db/schema.js';
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

/** How the counter stands now (sliding window over the recorded hits). */
export async function rateState(db: DbOrTx, limit: RateLimit, clock: Clock): Promise<RateState> {
  const now = clock.now().getTime();
  const [row] = await db
    .select({ n: count(), oldest: min(rateLimitHits.at) })
    .from(rateLimitHits)
    .where(and(eq(rateLimitHits.key, limit.key), gt(rateLimitHits.at, new Date(now - limit.windowMs))));
  const n = Number(row?.n ?? 0);
  if (n < limit.max) return { limited: false, retryAfterSec: 0 };
  // The window frees a slot when the oldest hits in it age out.
  const oldest = row?.oldest ? new Date(row.oldest).getTime() : now;
  return { limited: true, retryAfterSec: Math.max(1, Math.ceil((oldest + limit.windowMs - now) / 1000)) };
}

export async function recordHit(db: DbOrTx, key: string, clock: Clock): Promise<void> {
  await db.insert(rateLimitHits).values({ key, at: clock.now() });
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
 * Count one attempt against each limit and refuse it when any limit is already reached. Attempts
 * on one key are serialised with a transaction-scoped advisory lock, so two instances cannot both
 * slip in the last allowed attempt.
 */
export async function consume(db: Db, limits: RateLimit[], clock: Clock): Promise<void> {
  await db.transaction(async (tx) => {
    for (const limit of [...limits].sort((a, b) => a.key.localeCompare(b.key))) await lockRateKey(tx, limit.key);
    for (const limit of limits) {
      const state = await rateState(tx, limit, clock);
      if (state.limited) throw rateLimitedError(state);
    }
    for (const limit of limits) await recordHit(tx, limit.key, clock);
  });
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
