import { endpoints } from '@deskmate/shared';
import { startSession } from '../auth/session.js';
import { bindRoute } from '../http/route.js';
import { presentUser } from '../presenters/user.js';
import { adminExists, completeSetup } from './first-admin.js';

export const setupRoutes = [
  bindRoute(endpoints.setup.status, {
    access: 'public',
    handler: async (ctx) => ({ needed: !(await adminExists(ctx.services.db)) }),
  }),
  bindRoute(endpoints.setup.complete, {
    access: 'public',
    handler: async (ctx) => {
      const user = await completeSetup(ctx.services, ctx.body, ctx.actor);
      await startSession(ctx.res, ctx.services, user, ctx.actor);
      return { user: presentUser(user) };
    },
  }),
];
