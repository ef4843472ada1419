import { z } from 'zod';
import {
  ZChangeRoleRequest,
  ZDirectoryAgentList,
  ZIdParams,
  ZInviteUserRequest,
  ZMailMessage,
  ZSecuritySettings,
  ZSecuritySettingsRequest,
  ZUpdateUserRequest,
  ZUserList,
  ZUserListQuery,
  ZUserResponse,
} from '../api/index.js';
import { endpoint } from '../api/endpoint.js';

export const usersEndpoints = {
  directoryAgents: endpoint({
    method: 'GET',
    path: '/directory/agents',
    summary: 'Active agents and admins with their groups and away flag (who tickets can be assigned to)',
    response: ZDirectoryAgentList,
  }),
  list: endpoint({
    method: 'GET',
    path: '/users',
    summary: 'List users',
    query: ZUserListQuery,
    response: ZUserList,
  }),
  invite: endpoint({
    method: 'POST',
    path: '/users/invite',
    summary: 'Invite a user by email (a single-use link valid for 7 days)',
    body: ZInviteUserRequest,
    response: ZUserResponse,
    status: 201,
  }),
  get: endpoint({
    method: 'GET',
    path: '/users/:id',
    summary: 'One user',
    params: ZIdParams,
    response: ZUserResponse,
  }),
  update: endpoint({
    method: 'PATCH',
    path: '/users/:id',
    summary: 'Change a user’s name, away status or 2FA requirement',
    params: ZIdParams,
    body: ZUpdateUserRequest,
    response: ZUserResponse,
  }),
  setRole: endpoint({
    method: 'POST',
    path: '/users/:id/role',
    summary: 'Change a user’s role (signs them out everywhere)',
    params: ZIdParams,
    body: ZChangeRoleRequest,
    response: ZUserResponse,
  }),
  deactivate: endpoint({
    method: 'POST',
    path: '/users/:id/deactivate',
    summary: 'Deactivate a user (signs them out everywhere)',
    params: ZIdParams,
    response: ZUserResponse,
  }),
  reactivate: endpoint({
    method: 'POST',
    path: '/users/:id/reactivate',
    summary: 'Reactivate a user',
    params: ZIdParams,
    response: ZUserResponse,
  }),
  clearEmailBounce: endpoint({
    method: 'DELETE',
    path: '/users/:id/email-bounce',
    summary: 'Clear the bouncing mark of a user’s email address: mail to it resumes at once',
    params: ZIdParams,
    response: ZUserResponse,
  }),
  security: endpoint({
    method: 'GET',
    path: '/admin/security',
    summary: 'Sign-in security settings',
    response: ZSecuritySettings,
  }),
  setSecurity: endpoint({
    method: 'PUT',
    path: '/admin/security',
    summary: 'Require two-factor sign-in for agents and/or admins',
    body: ZSecuritySettingsRequest,
    response: ZSecuritySettings,
  }),
  mail: endpoint({
    method: 'GET',
    path: '/admin/mail',
    summary:
      'Mail that is not about a ticket, newest first; the development outbox (no SMTP_URL) shows bodies, codes included',
    response: z.object({ items: z.array(ZMailMessage) }),
  }),
};
