import { and, desc, eq, isNull, lt, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { ZIdParams, ZNotificationList, ZNotificationListQuery } from '@deskmate/shared';
import { notifications } from '../db/schema.js';
import { AppError, notFound } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import { presentNotification, unreadCount } from './service.js';

const PAGE = 50;

function decodeCursor(cursor: string): [string, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/.test(id)) throw new Error();
    return [at, id];
  } catch {
    throw new AppError('validation_failed', 'Invalid query.cursor: use the nextCursor of a previous page');
  }
}

async function setRead(db: Parameters<typeof unreadCount>[0], userId: string, id: string, read: boolean, now: Date) {
  const [row] = await db
    .update(notifications)
    .set({ readAt: read ? now : null })
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .returning();
  if (!row) throw notFound('Notification');
  return presentNotification(row);
}

export const notificationRoutes = [
  defineRoute({
    method: 'get',
    path: '/notifications',
    access: 'user',
    summary: 'My notifications, newest first',
    query: ZNotificationListQuery,
    response: ZNotificationList,
    handler: async (ctx) => {
      const where: SQL[] = [eq(notifications.userId, ctx.user.id)];
      if (ctx.query.unread === 'true') where.push(isNull(notifications.readAt));
      if (ctx.query.cursor) {
        const [at, id] = decodeCursor(ctx.query.cursor);
        where.push(
          or(
            lt(notifications.createdAt, new Date(at)),
            and(eq(notifications.createdAt, new Date(at)), lt(notifications.id, id)),
          )!,
        );
      }
      const rows = await ctx.services.db
        .select()
        .from(notifications)
        .where(and(...where))
        .orderBy(desc(notifications.createdAt), desc(notifications.id))
        .limit(PAGE + 1);
      const page = rows.slice(0, PAGE);
      const last = page.at(-1);
      return {
        items: page.map(presentNotification),
        nextCursor:
          rows.length > PAGE && last
            ? Buffer.from(JSON.stringify([last.createdAt.toISOString(), last.id])).toString('base64url')
            : null,
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/notifications/unread-count',
    access: 'user',
    summary: 'How many of my notifications are unread',
    response: z.object({ count: z.number() }),
    handler: async (ctx) => ({ count: await unreadCount(ctx.services.db, ctx.user.id) }),
  }),
  defineRoute({
    method: 'post',
    path: '/notifications/read-all',
    access: 'user',
    summary: 'Mark all my notifications read',
    response: z.object({ updated: z.number() }),
    handler: async (ctx) => {
      const rows = await ctx.services.db
        .update(notifications)
        .set({ readAt: ctx.services.clock.now() })
        .where(and(eq(notifications.userId, ctx.user.id), isNull(notifications.readAt)))
        .returning({ id: notifications.id });
      return { updated: rows.length };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/notifications/:id/read',
    access: 'user',
    summary: 'Mark one of my notifications read',
    params: ZIdParams,
    handler: async (ctx) => ({
      notification: await setRead(ctx.services.db, ctx.user.id, ctx.params.id, true, ctx.services.clock.now()),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/notifications/:id/unread',
    access: 'user',
    summary: 'Mark one of my notifications unread',
    params: ZIdParams,
    handler: async (ctx) => ({
      notification: await setRead(ctx.services.db, ctx.user.id, ctx.params.id, false, ctx.services.clock.now()),
    }),
  }),
];
