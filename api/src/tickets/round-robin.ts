import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { groupMembers, users } from '../db/schema.js';

/**
 * The next agent of a round-robin group: active, not away, longest since their last round-robin
 * ticket (never first). A transaction-scoped advisory lock per group serialises picks across
 * instances, so N tickets created at once for k agents give each N/k ± 1.
 */
export async function pickRoundRobinAssignee(tx: DbOrTx, groupId: string): Promise<string | null> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`round-robin:${groupId}`}, 0))`);
  const [next] = await tx
    .select({ userId: groupMembers.userId })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(
      and(
        eq(groupMembers.groupId, groupId),
        eq(users.active, true),
        eq(users.away, false),
        sql`${users.role} IN ('agent', 'admin')`,
      ),
    )
    .orderBy(sql`${groupMembers.lastAssignedAt} ASC NULLS FIRST`, asc(groupMembers.userId))
    .limit(1);
  if (!next) return null;
  await tx
    .update(groupMembers)
    // The database's clock, read after the lock: picks are ordered exactly as they happened.
    .set({ lastAssignedAt: sql`clock_timestamp()` })
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, next.userId)));
  return next.userId;
}
