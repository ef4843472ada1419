import { z } from 'zod';
import {
  ZCreateGroupRequest,
  ZGroup,
  ZGroupResponse,
  ZIdParams,
  ZSetGroupMembersRequest,
  ZUpdateGroupRequest,
} from '../api/index.js';
import { endpoint } from '../api/endpoint.js';

export const groupsEndpoints = {
  list: endpoint({
    method: 'GET',
    path: '/groups',
    summary: 'List groups with their members',
    response: z.object({ items: z.array(ZGroup) }),
  }),
  get: endpoint({
    method: 'GET',
    path: '/groups/:id',
    summary: 'One group',
    params: ZIdParams,
    response: ZGroupResponse,
  }),
  create: endpoint({
    method: 'POST',
    path: '/groups',
    summary: 'Create a group of agents',
    body: ZCreateGroupRequest,
    response: ZGroupResponse,
    status: 201,
  }),
  update: endpoint({
    method: 'PATCH',
    path: '/groups/:id',
    summary: 'Rename a group or turn round-robin on or off',
    params: ZIdParams,
    body: ZUpdateGroupRequest,
    response: ZGroupResponse,
  }),
  setMembers: endpoint({
    method: 'PUT',
    path: '/groups/:id/members',
    summary: 'Set a group’s members',
    params: ZIdParams,
    body: ZSetGroupMembersRequest,
    response: ZGroupResponse,
  }),
  remove: endpoint({
    method: 'DELETE',
    path: '/groups/:id',
    summary: 'Delete a group (its tickets keep their assignee, lose the group)',
    params: ZIdParams,
  }),
};
