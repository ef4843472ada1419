import { z } from 'zod';
import { ZCreateGroupRequest, ZGroup, ZIdParams, ZSetGroupMembersRequest, ZUpdateGroupRequest } from '@deskmate/shared';
import { defineRoute } from '../http/route.js';
import { createGroup, deleteGroup, getGroup, listGroups, setGroupMembers, updateGroup } from './service.js';

const ZGroupResponse = z.object({ group: ZGroup });

export const groupRoutes = [
  defineRoute({
    method: 'get',
    path: '/groups',
    access: 'agent',
    summary: 'List groups with their members',
    response: z.object({ items: z.array(ZGroup) }),
    handler: async (ctx) => ({ items: await listGroups(ctx.services.db) }),
  }),
  defineRoute({
    method: 'get',
    path: '/groups/:id',
    access: 'agent',
    summary: 'One group',
    params: ZIdParams,
    response: ZGroupResponse,
    handler: async (ctx) => ({ group: await getGroup(ctx.services.db, ctx.params.id) }),
  }),
  defineRoute({
    method: 'post',
    path: '/groups',
    access: 'admin',
    summary: 'Create a group of agents',
    body: ZCreateGroupRequest,
    response: ZGroupResponse,
    status: 201,
    handler: async (ctx) => ({ group: await createGroup(ctx.services, ctx.body, ctx.actor) }),
  }),
  defineRoute({
    method: 'patch',
    path: '/groups/:id',
    access: 'admin',
    summary: 'Rename a group or turn round-robin on or off',
    params: ZIdParams,
    body: ZUpdateGroupRequest,
    response: ZGroupResponse,
    handler: async (ctx) => ({ group: await updateGroup(ctx.services, ctx.params.id, ctx.body, ctx.actor) }),
  }),
  defineRoute({
    method: 'put',
    path: '/groups/:id/members',
    access: 'admin',
    summary: 'Set a group’s members',
    params: ZIdParams,
    body: ZSetGroupMembersRequest,
    response: ZGroupResponse,
    handler: async (ctx) => ({
      group: await setGroupMembers(ctx.services, ctx.params.id, ctx.body.memberIds, ctx.actor),
    }),
  }),
  defineRoute({
    method: 'delete',
    path: '/groups/:id',
    access: 'admin',
    summary: 'Delete a group (its tickets keep their assignee, lose the group)',
    params: ZIdParams,
    handler: async (ctx) => {
      await deleteGroup(ctx.services, ctx.params.id, ctx.actor);
      return undefined;
    },
  }),
];
