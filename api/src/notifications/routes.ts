import { endpoints } from '@deskmate/shared';
import { bindRoute } from '../http/route.js';
import { notificationPage, readAll, setRead } from './queries.js';
import { unreadCount } from './service.js';

export const notificationRoutes = [
  bindRoute(endpoints.notifications.list, {
    access: 'user',
    handler: async (ctx) => notificationPage(ctx.services.db, ctx.user.id, ctx.query),
  }),
  bindRoute(endpoints.notifications.unreadCount, {
    access: 'user',
    handler: async (ctx) => ({ count: await unreadCount(ctx.services.db, ctx.user.id) }),
  }),
  bindRoute(endpoints.notifications.readAll, {
    access: 'user',
    handler: async (ctx) => ({ updated: await readAll(ctx.services.db, ctx.user.id, ctx.services.clock.now()) }),
  }),
  bindRoute(endpoints.notifications.read, {
    access: 'user',
    handler: async (ctx) => ({
      notification: await setRead(ctx.services.db, ctx.user.id, ctx.params.id, true, ctx.services.clock.now()),
    }),
  }),
  bindRoute(endpoints.notifications.unread, {
    access: 'user',
    handler: async (ctx) => ({
      notification: await setRead(ctx.services.db, ctx.user.id, ctx.params.id, false, ctx.services.clock.now()),
    }),
  }),
];
