import { endpoints } from '@deskmate/shared';
import { securitySettings, updateSecuritySettings } from '../auth/service.js';
import { clearEmailBounce } from '../email/bounces.js';
import { notFound } from '../http/errors.js';
import { bindRoute } from '../http/route.js';
import { recentMail } from '../mail/outbox.js';
import { presentUser } from '../presenters/user.js';
import { listAgentDirectory } from './directory.js';
import { changeRole, getUser, inviteUser, listUsers, setActive, updateUser } from './service.js';

export const userRoutes = [
  bindRoute(endpoints.users.directoryAgents, {
    access: 'agent',
    handler: async (ctx) => ({ items: await listAgentDirectory(ctx.services.db) }),
  }),
  bindRoute(endpoints.users.list, {
    access: 'admin',
    handler: async (ctx) => {
      const rows = await listUsers(ctx.services.db, {
        role: ctx.query.role,
        active: ctx.query.active === undefined ? undefined : ctx.query.active === 'true',
        q: ctx.query.q,
      });
      return { items: rows.map(presentUser) };
    },
  }),
  bindRoute(endpoints.users.invite, {
    access: 'admin',
    handler: async (ctx) => ({ user: presentUser(await inviteUser(ctx.services, ctx.body, ctx.actor)) }),
  }),
  bindRoute(endpoints.users.get, {
    access: 'admin',
    handler: async (ctx) => ({ user: presentUser(await getUser(ctx.services.db, ctx.params.id)) }),
  }),
  bindRoute(endpoints.users.update, {
    access: 'admin',
    handler: async (ctx) => ({ user: presentUser(await updateUser(ctx.services, ctx.params.id, ctx.body, ctx.actor)) }),
  }),
  bindRoute(endpoints.users.setRole, {
    access: 'admin',
    handler: async (ctx) => ({
      user: presentUser(await changeRole(ctx.services, ctx.params.id, ctx.body.role, ctx.actor)),
    }),
  }),
  bindRoute(endpoints.users.deactivate, {
    access: 'admin',
    handler: async (ctx) => ({ user: presentUser(await setActive(ctx.services, ctx.params.id, false, ctx.actor)) }),
  }),
  bindRoute(endpoints.users.reactivate, {
    access: 'admin',
    handler: async (ctx) => ({ user: presentUser(await setActive(ctx.services, ctx.params.id, true, ctx.actor)) }),
  }),
  bindRoute(endpoints.users.clearEmailBounce, {
    access: 'admin',
    handler: async (ctx) => {
      const user = await clearEmailBounce(ctx.services, ctx.params.id, ctx.actor);
      if (!user) throw notFound('User');
      return { user: presentUser(user) };
    },
  }),
  bindRoute(endpoints.users.security, {
    access: 'admin',
    handler: async (ctx) => securitySettings(ctx.services.db),
  }),
  bindRoute(endpoints.users.setSecurity, {
    access: 'admin',
    handler: async (ctx) => updateSecuritySettings(ctx.services, ctx.body, ctx.actor),
  }),
  bindRoute(endpoints.users.mail, {
    access: 'admin',
    handler: async (ctx) => ({ items: await recentMail(ctx.services.db) }),
  }),
];
