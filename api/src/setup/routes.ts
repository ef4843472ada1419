import { ZMeResponse, ZSetupRequest, ZSetupStatus } from '@deskmate/shared';
import { startSession } from '../auth/session.js';
import { defineRoute } from '../http/route.js';
import { presentUser } from '../presenters/user.js';
import { adminExists, completeSetup } from './first-admin.js';

export const setupRoutes = [
  defineRoute({
    method: 'get',
    path: '/setup',
    access: 'public',
    summary: 'Whether this install still needs its first administrator (the console then offers the setup page)',
    response: ZSetupStatus,
    handler: async (ctx) => ({ needed: !(await adminExists(ctx.services.db)) }),
  }),
  defineRoute({
    method: 'post',
    path: '/setup',
    access: 'public',
    summary:
      'Create the first administrator with the one-time setup code printed in the log at start (404 once an admin exists); signs them in',
    body: ZSetupRequest,
    response: ZMeResponse,
    status: 201,
    handler: async (ctx) => {
      const user = await completeSetup(ctx.services, ctx.body, ctx.actor);
      await startSession(ctx.res, ctx.services, user, ctx.actor);
      return { user: presentUser(user) };
    },
  }),
];
