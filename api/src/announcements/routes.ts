import { endpoints } from '@deskmate/shared';
import { bindRoute } from '../http/route.js';
import { activeAnnouncements, allAnnouncements, postAnnouncement, removeAnnouncement } from './service.js';

export const announcementRoutes = [
  bindRoute(endpoints.announcements.active, {
    access: 'user',
    handler: async (ctx) => ({ items: await activeAnnouncements(ctx.services.db, ctx.user, ctx.services.clock.now()) }),
  }),
  bindRoute(endpoints.announcements.list, {
    access: 'admin',
    handler: async (ctx) => ({ items: await allAnnouncements(ctx.services.db) }),
  }),
  bindRoute(endpoints.announcements.create, {
    access: 'admin',
    handler: async (ctx) => ({ announcement: await postAnnouncement(ctx.services, ctx.actor, ctx.user, ctx.body) }),
  }),
  bindRoute(endpoints.announcements.remove, {
    access: 'admin',
    handler: async (ctx) => removeAnnouncement(ctx.services, ctx.actor, ctx.params.id),
  }),
];
