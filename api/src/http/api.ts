import cookieParser from 'cookie-parser';
import { Router } from 'express';
import { endpoints } from '@deskmate/shared';
import { authRoutes } from '../auth/routes.js';
import { ssoRoutes } from '../auth/sso/routes.js';
import { authenticate, originCheck } from '../auth/session.js';
import { groupRoutes } from '../groups/routes.js';
import { integrationRoutes } from '../integrations/routes.js';
import { userRoutes } from '../users/routes.js';
import { attachmentRoutes } from '../attachments/routes.js';
import { announcementRoutes } from '../announcements/routes.js';
import { auditRoutes } from '../audit/routes.js';
import { cannedRoutes } from '../canned/routes.js';
import { liveRoutes } from '../live/routes.js';
import { notificationRoutes } from '../notifications/routes.js';
import { ticketRoutes } from '../tickets/routes.js';
import { openApiDocument } from './openapi.js';
import { chatRoutes } from '../chat/routes.js';
import { kbRoutes } from '../kb/routes.js';
import { kbImportRoutes } from '../kb/import/routes.js';
import { slaRoutes } from '../sla/routes.js';
import { reportRoutes } from '../reports/routes.js';
import { classifierRoutes } from '../classifier/routes.js';
import { viewRoutes } from '../views/routes.js';
import { emailRoutes } from '../email/routes.js';
import { setupRoutes } from '../setup/routes.js';
import type { Services } from './context.js';
import { bindRoute, buildRouter, defineRoute, type RouteDefinition } from './route.js';

const metaRoute = bindRoute(endpoints.meta.get, {
  access: 'public',
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
export const apiRoutes: RouteDefinition[] = [
  metaRoute,
  ...authRoutes,
  ...ssoRoutes,
  ...userRoutes,
  ...groupRoutes,
  ...integrationRoutes,
  ...ticketRoutes,
  ...attachmentRoutes,
  ...notificationRoutes,
  ...auditRoutes,
  ...cannedRoutes,
  ...announcementRoutes,
  ...liveRoutes,
  ...kbRoutes,
  ...kbImportRoutes,
  ...chatRoutes,
  ...slaRoutes,
  ...reportRoutes,
  ...classifierRoutes,
  ...viewRoutes,
  ...emailRoutes,
  ...setupRoutes,
] as RouteDefinition[];

apiRoutes.push(
  defineRoute({
    method: 'get',
    path: '/openapi.json',
    access: 'public',
    summary: 'This API as OpenAPI 3.1, generated from its zod schemas',
    handler: async (ctx) =>
      openApiDocument(apiRoutes, (ctx.req.app.get('deskmate version') as string | undefined) ?? 'unknown'),
  }) as RouteDefinition,
);

/** The JSON API mounted at /api. */
export function createApiRouter(services: Services): Router {
  const router = Router();
  router.use(cookieParser());
  router.use(originCheck(services));
  router.use(authenticate(services));
  router.use(buildRouter(apiRoutes, services));
  return router;
}
