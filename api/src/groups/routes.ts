import { endpoints } from '@deskmate/shared';
import { bindRoute } from '../http/route.js';
import { createGroup, deleteGroup, getGroup, listGroups, setGroupMembers, updateGroup } from './service.js';

export const groupRoutes = [
  bindRoute(endpoints.groups.list, {
    access: 'agent',
    handler: async (ctx) => ({ items: await listGroups(ctx.services.db) }),
  }),
  bindRoute(endpoints.groups.get, {
    access: 'agent',
    handler: async (ctx) => ({ group: await getGroup(ctx.services.db, ctx.params.id) }),
  }),
  bindRoute(endpoints.groups.create, {
    access: 'admin',
    handler: async (ctx) => ({ group: await createGroup(ctx.services, ctx.body, ctx.actor) }),
  }),
  bindRoute(endpoints.groups.update, {
    access: 'admin',
    handler: async (ctx) => ({ group: await updateGroup(ctx.services, ctx.params.id, ctx.body, ctx.actor) }),
  }),
  bindRoute(endpoints.groups.setMembers, {
    access: 'admin',
    handler: async (ctx) => ({
      group: await setGroupMembers(ctx.services, ctx.params.id, ctx.body.memberIds, ctx.actor),
    }),
  }),
  bindRoute(endpoints.groups.remove, {
    access: 'admin',
    handler: async (ctx) => {
      await deleteGroup(ctx.services, ctx.params.id, ctx.actor);
      return undefined;
    },
  }),
];
