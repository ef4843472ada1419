import cookieParser from 'cookie-parser';
import { Router } from 'express';
import { z } from 'zod';
import { authRoutes } from '../auth/routes.js';
import { authenticate, originCheck } from '../auth/session.js';
import { groupRoutes } from '../groups/routes.js';
import { integrationRoutes } from '../integrations/routes.js';
import { userRoutes } from '../users/routes.js';
import type { Services } from './context.js';
import { buildRouter, defineRoute, type RouteDefinition } from './route.js';

const metaRoute = defineRoute({
  method: 'get',
  path: '/meta',
  access: 'public',
  summary: 'Name and version of this Deskmate',
  response: z.object({ name: z.string(), version: z.string(), ticketKeyPrefix: z.string() }),
  handler: async (ctx) => ({
    name: 'Deskmate',
    version: (ctx.req.app.get('deskmate version') as string | undefined) ?? 'unknown',
    ticketKeyPrefix: ctx.services.config.TICKET_KEY_PREFIX,
  }),
});

/**
 * Every JSON route, in one table: the router is built from it, and tests walk it to check that
 * no route is left without its access rule.
 */
export const apiRoutes = [
  metaRoute,
  ...authRoutes,
  ...userRoutes,
  ...groupRoutes,
  ...integrationRoutes,
] as RouteDefinition[];

/** The JSON API mounted at /api. */
export function createApiRouter(services: Services): Router {
  const router = Router();
  router.use(cookieParser());
  router.use(originCheck(services));
  router.use(authenticate(services));
  router.use(buildRouter(apiRoutes, services));
  return router;
}
