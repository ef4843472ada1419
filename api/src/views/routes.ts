import { endpoints } from '@deskmate/shared';
import { bindRoute } from '../http/route.js';
import { deleteView, listViews, presentView, saveView } from './service.js';

/** Saved views belong to one person (views/policy.ts): each route reads and writes the signed-in user's only. */
export const viewRoutes = [
  bindRoute(endpoints.views.list, {
    access: 'user',
    handler: async (ctx) => ({ items: (await listViews(ctx.services.db, ctx.user)).map(presentView) }),
  }),
  bindRoute(endpoints.views.save, {
    access: 'user',
    handler: async (ctx) => ({ view: presentView(await saveView(ctx.services, ctx.user, ctx.body)) }),
  }),
  bindRoute(endpoints.views.remove, {
    access: 'user',
    handler: async (ctx) => deleteView(ctx.services.db, ctx.user, ctx.params.id),
  }),
];
