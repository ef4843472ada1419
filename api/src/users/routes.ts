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
  ZUser,
  ZUserList,
  ZUserListQuery,
} from '@deskmate/shared';
import { securitySettings, updateSecuritySettings } from '../auth/service.js';
import { clearEmailBounce } from '../email/bounces.js';
import { notFound } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import { recentMail } from '../mail/outbox.js';
import { presentUser } from '../presenters/user.js';
import { listAgentDirectory } from './directory.js';
import { changeRole, getUser, inviteUser, listUsers, setActive, updateUser } from './service.js';

const ZUserResponse = z.object({ user: ZUser });

export const userRoutes = [
  defineRoute({
    method: 'get',
    path: '/directory/agents',
    access: 'agent',
    summary: 'Active agents and admins with their groups and away flag (who tickets can be assigned to)',
    response: ZDirectoryAgentList,
    handler: async (ctx) => ({ items: await listAgentDirectory(ctx.services.db) }),
  }),
  defineRoute({
    method: 'get',
    path: '/users',
    access: 'admin',
    summary: 'List users',
    query: ZUserListQuery,
    response: ZUserList,
    handler: async (ctx) => {
      const rows = await listUsers(ctx.services.db, {
        role: ctx.query.role,
        active: ctx.query.active === undefined ? undefined : ctx.query.active === 'true',
        q: ctx.query.q,
      });
      return { items: rows.map(presentUser) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/users/invite',
    access: 'admin',
    summary: 'Invite a user by email (a single-use link valid for 7 days)',
    body: ZInviteUserRequest,
    response: ZUserResponse,
    status: 201,
    handler: async (ctx) => ({ user: presentUser(await inviteUser(ctx.services, ctx.body, ctx.actor)) }),
  }),
  defineRoute({
    method: 'get',
    path: '/users/:id',
    access: 'admin',
    summary: 'One user',
    params: ZIdParams,
    response: ZUserResponse,
    handler: async (ctx) => ({ user: presentUser(await getUser(ctx.services.db, ctx.params.id)) }),
  }),
  defineRoute({
    method: 'patch',
    path: '/users/:id',
    access: 'admin',
    summary: 'Change a user’s name, away status or 2FA requirement',
    params: ZIdParams,
    body: ZUpdateUserRequest,
    response: ZUserResponse,
    handler: async (ctx) => ({ user: presentUser(await updateUser(ctx.services, ctx.params.id, ctx.body, ctx.actor)) }),
  }),
  defineRoute({
    method: 'post',
    path: '/users/:id/role',
    access: 'admin',
    summary: 'Change a user’s role (signs them out everywhere)',
    params: ZIdParams,
    body: ZChangeRoleRequest,
    response: ZUserResponse,
    handler: async (ctx) => ({
      user: presentUser(await changeRole(ctx.services, ctx.params.id, ctx.body.role, ctx.actor)),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/users/:id/deactivate',
    access: 'admin',
    summary: 'Deactivate a user (signs them out everywhere)',
    params: ZIdParams,
    response: ZUserResponse,
    handler: async (ctx) => ({ user: presentUser(await setActive(ctx.services, ctx.params.id, false, ctx.actor)) }),
  }),
  defineRoute({
    method: 'post',
    path: '/users/:id/reactivate',
    access: 'admin',
    summary: 'Reactivate a user',
    params: ZIdParams,
    response: ZUserResponse,
    handler: async (ctx) => ({ user: presentUser(await setActive(ctx.services, ctx.params.id, true, ctx.actor)) }),
  }),
  defineRoute({
    method: 'delete',
    path: '/users/:id/email-bounce',
    access: 'admin',
    summary: 'Clear the bouncing mark of a user’s email address: mail to it resumes at once',
    params: ZIdParams,
    response: ZUserResponse,
    handler: async (ctx) => {
      const user = await clearEmailBounce(ctx.services, ctx.params.id, ctx.actor);
      if (!user) throw notFound('User');
      return { user: presentUser(user) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/admin/security',
    access: 'admin',
    summary: 'Sign-in security settings',
    response: ZSecuritySettings,
    handler: async (ctx) => securitySettings(ctx.services.db),
  }),
  defineRoute({
    method: 'put',
    path: '/admin/security',
    access: 'admin',
    summary: 'Require two-factor sign-in for agents and/or admins',
    body: ZSecuritySettingsRequest,
    response: ZSecuritySettings,
    handler: async (ctx) => updateSecuritySettings(ctx.services, ctx.body, ctx.actor),
  }),
  defineRoute({
    method: 'get',
    path: '/admin/mail',
    access: 'admin',
    summary:
      'Mail that is not about a ticket, newest first; the development outbox (no SMTP_URL) shows bodies, codes included',
    response: z.object({ items: z.array(ZMailMessage) }),
    handler: async (ctx) => ({ items: await recentMail(ctx.services.db) }),
  }),
];
