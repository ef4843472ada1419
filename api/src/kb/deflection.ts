import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { kbArticles, kbSuggestions } from '../db/schema.js';
import { AppError } from '../http/errors.js';

/**
 * Deflection over a window (default: the 30 days before `to`, which defaults to now): suggestions
 * that solved the problem with no ticket from that person within 7 days, and the articles that did it.
 */
export async function deflectionReport(db: DbOrTx, range: { from?: string; to?: string }, now: Date) {
  const to = range.to ? new Date(range.to) : now;
  const from = range.from ? new Date(range.from) : new Date(to.getTime() - 30 * 86_400_000);
  if (from >= to) throw new AppError('validation_failed', 'Invalid query.from: must be before to');
  const inRange = and(gte(kbSuggestions.createdAt, from), lt(kbSuggestions.createdAt, to));
  // Deflected: said it solved the problem, and filed no ticket in the 7 days after.
  const deflectedSql = sql`(${kbSuggestions.outcome} = 'solved' AND NOT EXISTS (
    SELECT 1 FROM tickets t WHERE t.requester_id = ${kbSuggestions.userId}
      AND t.created_at >= ${kbSuggestions.createdAt} AND t.created_at < ${kbSuggestions.createdAt} + interval '7 days'))`;
  const [totals] = await db
    .select({
      suggested: sql<number>`count(*)::int`,
      solved: sql<number>`count(*) FILTER (WHERE ${kbSuggestions.outcome} = 'solved')::int`,
      deflected: sql<number>`count(*) FILTER (WHERE ${deflectedSql})::int`,
    })
    .from(kbSuggestions)
    .where(inRange);
  const top = await db
    .select({ slug: kbSuggestions.solvedSlug, title: kbArticles.title, deflected: sql<number>`count(*)::int` })
    .from(kbSuggestions)
    .innerJoin(kbArticles, eq(kbArticles.slug, kbSuggestions.solvedSlug))
    .where(and(inRange, deflectedSql))
    .groupBy(kbSuggestions.solvedSlug, kbArticles.title)
    .orderBy(sql`count(*) DESC`)
    .limit(10);
  const suggested = totals?.suggested ?? 0;
  const deflected = totals?.deflected ?? 0;
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    suggested,
    solved: totals?.solved ?? 0,
    deflected,
    rate: suggested ? deflected / suggested : 0,
    topArticles: top.map((t) => ({ slug: t.slug ?? '', title: t.title, deflected: t.deflected })),
  };
}
