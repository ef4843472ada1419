import { and, asc, count, eq, sql } from 'drizzle-orm';
import { ZIdParams, ZSavedViewList, ZSavedViewResponse, ZSaveViewRequest, SAVED_VIEWS_MAX } from '@deskmate/shared';
import { savedViews } from '../db/schema.js';
import { AppError, notFound } from '../http/errors.js';
import { defineRoute } from '../http/route.js';

type Row = typeof savedViews.$inferSelect;

const present = (r: Row) => ({
  id: r.id,
  name: r.name,
  queue: r.queue,
  search: r.search,
  updatedAt: r.updatedAt.toISOString(),
});

/** Saved views belong to one person: each route reads and writes the signed-in user's only. */
export const viewRoutes = [
  defineRoute({
    method: 'get',
    path: '/views',
    access: 'user',
    summary: 'Your saved views of the queue, by name',
    response: ZSavedViewList,
    handler: async (ctx) => {
      const rows = await ctx.services.db
        .select()
        .from(savedViews)
        .where(eq(savedViews.userId, ctx.user.id))
        .orderBy(asc(sql`lower(${savedViews.name})`));
      return { items: rows.map(present) };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/views',
    access: 'user',
    summary: `Save a view (one of the same name is replaced; at most ${SAVED_VIEWS_MAX} views)`,
    body: ZSaveViewRequest,
    response: ZSavedViewResponse,
    handler: async (ctx) =>
      ctx.services.db.transaction(async (tx) => {
        const me = ctx.user.id;
        // One writer per person at a time, so that the limit holds under parallel saves.
        await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('saved_views'), hashtext(${me}))`);
        const sameName = and(eq(savedViews.userId, me), sql`lower(${savedViews.name}) = lower(${ctx.body.name})`);
        const [existing] = await tx.select({ id: savedViews.id }).from(savedViews).where(sameName);
        if (!existing) {
          const [{ n } = { n: 0 }] = await tx.select({ n: count() }).from(savedViews).where(eq(savedViews.userId, me));
          if (n >= SAVED_VIEWS_MAX)
            throw new AppError('conflict', `You have ${SAVED_VIEWS_MAX} saved views: delete one to save another`);
        }
        const values = { name: ctx.body.name, queue: ctx.body.queue, search: ctx.body.search };
        const [row] = existing
          ? await tx
              .update(savedViews)
              .set({ ...values, updatedAt: ctx.services.clock.now() })
              .where(eq(savedViews.id, existing.id))
              .returning()
          : await tx
              .insert(savedViews)
              .values({ ...values, userId: me })
              .returning();
        return { view: present(row!) };
      }),
  }),
  defineRoute({
    method: 'delete',
    path: '/views/:id',
    access: 'user',
    summary: 'Delete one of your saved views',
    params: ZIdParams,
    handler: async (ctx) => {
      const deleted = await ctx.services.db
        .delete(savedViews)
        .where(and(eq(savedViews.id, ctx.params.id), eq(savedViews.userId, ctx.user.id)))
        .returning({ id: savedViews.id });
      // Someone else's view is as unknown as a missing one.
      if (!deleted.length) throw notFound('Saved view');
      return undefined;
    },
  }),
];
