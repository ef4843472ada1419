import { endpoints } from '@deskmate/shared';
import { bindRoute } from '../http/route.js';
import { createCanned, deleteCanned, listCanned, presentCanned, renderCanned, updateCanned } from './service.js';

export const cannedRoutes = [
  bindRoute(endpoints.canned.list, {
    access: 'agent',
    handler: async (ctx) => ({ items: (await listCanned(ctx.services.db, ctx.user)).map(presentCanned) }),
  }),
  bindRoute(endpoints.canned.create, {
    access: 'agent',
    handler: async (ctx) => ({
      cannedResponse: presentCanned(await createCanned(ctx.services, ctx.actor, ctx.user, ctx.body)),
    }),
  }),
  bindRoute(endpoints.canned.update, {
    access: 'agent',
    handler: async (ctx) => ({
      cannedResponse: presentCanned(await updateCanned(ctx.services, ctx.actor, ctx.user, ctx.params.id, ctx.body)),
    }),
  }),
  bindRoute(endpoints.canned.remove, {
    access: 'agent',
    handler: async (ctx) => deleteCanned(ctx.services, ctx.actor, ctx.user, ctx.params.id),
  }),
  bindRoute(endpoints.canned.render, {
    access: 'agent',
    handler: async (ctx) => ({
      body: await renderCanned(ctx.services.db, ctx.user, ctx.params.id, ctx.query.ticket),
    }),
  }),
];
