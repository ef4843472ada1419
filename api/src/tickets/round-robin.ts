import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';

/**
 * The next agent of a round-robin group: active, not away, longest since their last round-robin
 * ticket (never first), marked as picked — one call of `deskmate_round_robin_pick` (migration
 * 0019). It takes a transaction-scoped advisory lock per group, so N tickets created at once for
 * k agents give each N/k ± 1. Called on the pool (its own short transaction), the lock is held for
 * the pick only, and creates in one group do not wait on each other's whole transaction (ADR 18);
 * called inside a caller's transaction, it holds the lock until that one ends.
 */
export async function pickRoundRobinAssignee(db: DbOrTx, groupId: string): Promise<string | null> {
  const result = await db.execute<{ picked: string | null }>(
    sql`SELECT deskmate_round_robin_pick(${groupId}) AS picked`,
  );
  return result.rows[0]?.picked ?? null;
}
