import { z } from 'zod';
import { ZAnnouncement, ZAnnouncementRequest, ZIdParams } from '@deskmate/shared';
import { defineRoute } from '../http/route.js';
import { activeAnnouncements, allAnnouncements, postAnnouncement, removeAnnouncement } from './service.js';

const ZList = z.object({ items: z.array(ZAnnouncement) });

export const announcementRoutes = [
  defineRoute({
    method: 'get',
    path: '/announcements/active',
    access: 'user',
    summary: 'Announcements showing now',
    response: ZList,
    handler: async (ctx) => ({ items: await activeAnnouncements(ctx.services.db, ctx.user, ctx.services.clock.now()) }),
  }),
  defineRoute({
    method: 'get',
    path: '/announcements',
    access: 'admin',
    summary: 'All announcements',
    response: ZList,
    handler: async (ctx) => ({ items: await allAnnouncements(ctx.services.db) }),
  }),
  defineRoute({
    method: 'post',
    path: '/announcements',
    access: 'admin',
    summary: 'Post an announcement for a time window',
    body: ZAnnouncementRequest,
    response: z.object({ announcement: ZAnnouncement }),
    status: 201,
    handler: async (ctx) => ({ announcement: await postAnnouncement(ctx.services, ctx.actor, ctx.user, ctx.body) }),
  }),
  defineRoute({
    method: 'delete',
    path: '/announcements/:id',
    access: 'admin',
    summary: 'Remove an announcement',
    params: ZIdParams,
    handler: async (ctx) => removeAnnouncement(ctx.services, ctx.actor, ctx.params.id),
  }),
];
