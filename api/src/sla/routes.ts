import { endpoints } from '@deskmate/shared';
import { bindRoute } from '../http/route.js';
import { getVisibleTicket } from '../tickets/service.js';
import { listCalendars, listPolicies, putCalendars, putPolicies } from './admin.js';
import { explainTicketSla } from './explain.js';
import { visibleTo } from '../tickets/policy.js';
import { slaReport } from './reports.js';
import { requestViewer } from '../tickets/viewer.js';

/** SLA configuration (admins), a ticket's SLA explained (its agents), SLA reports (agents and admins). */
export const slaRoutes = [
  bindRoute(endpoints.sla.policies, {
    access: 'admin',
    handler: async (ctx) => ({ items: await listPolicies(ctx.services.db) }),
  }),
  bindRoute(endpoints.sla.putPolicies, {
    access: 'admin',
    handler: async (ctx) => ({ items: await putPolicies(ctx.services, ctx.body, ctx.actor) }),
  }),
  bindRoute(endpoints.sla.calendars, {
    access: 'admin',
    handler: async (ctx) => ({ items: await listCalendars(ctx.services.db) }),
  }),
  bindRoute(endpoints.sla.putCalendars, {
    access: 'admin',
    handler: async (ctx) => ({ items: await putCalendars(ctx.services, ctx.body, ctx.actor) }),
  }),
  bindRoute(endpoints.sla.explain, {
    access: 'agent',
    handler: async (ctx) => {
      const viewer = await requestViewer(ctx);
      const ticket = await getVisibleTicket(ctx.services.db, viewer, ctx.params.key);
      return explainTicketSla(ctx.services.db, ticket, ctx.services.clock.now());
    },
  }),
  bindRoute(endpoints.sla.report, {
    access: 'agent',
    handler: async (ctx) => {
      // Agents see the figures of the tickets they may see (their groups), admins all.
      const viewer = await requestViewer(ctx);
      return slaReport(ctx.services.readDb, {
        from: new Date(ctx.query.from),
        to: new Date(ctx.query.to),
        groupId: ctx.query.groupId,
        visible: visibleTo(viewer),
      });
    },
  }),
];
