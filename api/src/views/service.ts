import { and, asc, count, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { SAVED_VIEWS_MAX, type ZSaveViewRequest } from '@deskmate/shared';
import type { DbOrTx } from '../db/client.js';
import { savedViews } from '../db/schema.js';
import { AppError, notFound } from '../http/errors.js';
import type { Services, UserRow } from '../http/context.js';
import { ownView, ownViews } from './policy.js';

type Row = typeof savedViews.$inferSelect;

export const presentView = (r: Row) => ({
  id: r.id,
  name: r.name,
  queue: r.queue,
  search: r.search,
  updatedAt: r.updatedAt.toISOString(),
});

/** The user's saved views, by name. */
export async function listViews(db: DbOrTx, user: UserRow): Promise<Row[]> {
  return db
    .select()
    .from(savedViews)
    .where(ownViews(user))
    .orderBy(asc(sql`lower(${savedViews.name})`));
}

/** Save a view: one of the same name is replaced; a new one only under the limit. */
export async function saveView(services: Services, user: UserRow, input: z.infer<typeof ZSaveViewRequest>) {
  return services.db.transaction(async (tx) => {
    // One writer per person at a time, so that the limit holds under parallel saves.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('saved_views'), hashtext(${user.id}))`);
    const sameName = and(ownViews(user), sql`lower(${savedViews.name}) = lower(${input.name})`);
    const [existing] = await tx.select({ id: savedViews.id }).from(savedViews).where(sameName);
    if (!existing) {
      const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(savedViews).where(ownViews(user));
      if (n >= SAVED_VIEWS_MAX)
        throw new AppError('conflict', `You have ${SAVED_VIEWS_MAX} saved views: delete one to save another`);
    }
    const values = { name: input.name, queue: input.queue, search: input.search };
    const [row] = existing
      ? await tx
          .update(savedViews)
          .set({ ...values, updatedAt: services.clock.now() })
          .where(ownView(user, existing.id))
          .returning()
      : await tx
          .insert(savedViews)
          .values({ ...values, userId: user.id })
          .returning();
    return row!;
  });
}

export async function deleteView(db: DbOrTx, user: UserRow, id: string): Promise<void> {
  const deleted = await db.delete(savedViews).where(ownView(user, id)).returning({ id: savedViews.id });
  // Someone else's view is as unknown as a missing one.
  if (!deleted.length) throw notFound('Saved view');
}
