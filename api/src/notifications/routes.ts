import { z } from 'zod';
import { ZIdParams, ZNotificationList, ZNotificationListQuery } from '@deskmate/shared';
import { defineRoute } from '../http/route.js';
import { notificationPage, readAll, setRead } from './queries.js';
import { unreadCount } from './service.js';

export const notificationRoutes = [
  defineRoute({
    method: 'get',
    path: '/notifications',
    access: 'user',
    summary: 'My notifications, newest first',
    query: ZNotificationListQuery,
    response: ZNotificationList,
    handler: async (ctx) => notificationPage(ctx.services.db, ctx.user.id, ctx.query),
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
    handler: async (ctx) => ({ updated: await readAll(ctx.services.db, ctx.user.id, ctx.services.clock.now()) }),
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
