import { and, desc, eq, gt, isNull, lte, or } from 'drizzle-orm';
import { z } from 'zod';
import { ZAnnouncement, ZAnnouncementRequest, ZIdParams } from '@deskmate/shared';
import { recordAudit } from '../audit/record.js';
import type { DbOrTx } from '../db/client.js';
import { announcements } from '../db/schema.js';
import { notFound } from '../http/errors.js';
import { defineRoute } from '../http/route.js';

type Row = typeof announcements.$inferSelect;

const present = (r: Row) => ({
  id: r.id,
  title: r.title,
  body: r.body,
  audience: r.audience as 'everyone' | 'agents',
  startsAt: r.startsAt.toISOString(),
  endsAt: r.endsAt?.toISOString() ?? null,
});

/** Announcements showing now for a role (console, App Home, the portal). */
export async function activeAnnouncements(db: DbOrTx, role: string, now: Date) {
  const rows = await db
    .select()
    .from(announcements)
    .where(
      and(
        lte(announcements.startsAt, now),
        or(isNull(announcements.endsAt), gt(announcements.endsAt, now)),
        role === 'requester' ? eq(announcements.audience, 'everyone') : undefined,
      ),
    )
    .orderBy(desc(announcements.startsAt))
    .limit(20);
  return rows.map(present);
}

const ZList = z.object({ items: z.array(ZAnnouncement) });

export const announcementRoutes = [
  defineRoute({
    method: 'get',
    path: '/announcements/active',
    access: 'user',
    summary: 'Announcements showing now',
    response: ZList,
    handler: async (ctx) => ({
      items: await activeAnnouncements(ctx.services.db, ctx.user.role, ctx.services.clock.now()),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/announcements',
    access: 'admin',
    summary: 'All announcements',
    response: ZList,
    handler: async (ctx) => ({
      items: (await ctx.services.db.select().from(announcements).orderBy(desc(announcements.startsAt)).limit(500)).map(
        present,
      ),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/announcements',
    access: 'admin',
    summary: 'Post an announcement for a time window',
    body: ZAnnouncementRequest,
    response: z.object({ announcement: ZAnnouncement }),
    status: 201,
    handler: async (ctx) =>
      ctx.services.db.transaction(async (tx) => {
        const [row] = await tx
          .insert(announcements)
          .values({
            title: ctx.body.title,
            body: ctx.body.body,
            audience: ctx.body.audience,
            startsAt: new Date(ctx.body.startsAt),
            endsAt: ctx.body.endsAt ? new Date(ctx.body.endsAt) : null,
            createdBy: ctx.user.id,
          })
          .returning();
        await recordAudit(tx, ctx.actor, {
          action: 'announcement.created',
          entityType: 'announcement',
          entityId: row!.id,
          after: present(row!),
        });
        return { announcement: present(row!) };
      }),
  }),
  defineRoute({
    method: 'delete',
    path: '/announcements/:id',
    access: 'admin',
    summary: 'Remove an announcement',
    params: ZIdParams,
    handler: async (ctx) => {
      await ctx.services.db.transaction(async (tx) => {
        const [row] = await tx.delete(announcements).where(eq(announcements.id, ctx.params.id)).returning();
        if (!row) throw notFound('Announcement');
        await recordAudit(tx, ctx.actor, {
          action: 'announcement.deleted',
          entityType: 'announcement',
          entityId: row.id,
          before: present(row),
        });
      });
      return undefined;
    },
  }),
];
