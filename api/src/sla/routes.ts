import {
  ZPutSlaCalendarsRequest,
  ZPutSlaPoliciesRequest,
  ZSlaCalendarList,
  ZSlaPolicyList,
  ZSlaReport,
  ZSlaReportQuery,
  ZTicketKeyParams,
  ZTicketSlaExplanation,
} from '@deskmate/shared';
import { defineRoute } from '../http/route.js';
import { getVisibleTicket } from '../tickets/service.js';
import { listCalendars, listPolicies, putCalendars, putPolicies } from './admin.js';
import { explainTicketSla } from './explain.js';
import { visibleTo } from '../tickets/policy.js';
import { slaReport } from './reports.js';
import { requestViewer } from '../tickets/viewer.js';

/** SLA configuration (admins), a ticket's SLA explained (its agents), SLA reports (agents and admins). */
export const slaRoutes = [
  defineRoute({
    method: 'get',
    path: '/sla/policies',
    access: 'admin',
    summary: 'SLA policies in force: targets per priority, optionally per group or category',
    response: ZSlaPolicyList,
    handler: async (ctx) => ({ items: await listPolicies(ctx.services.db) }),
  }),
  defineRoute({
    method: 'put',
    path: '/sla/policies',
    access: 'admin',
    summary: 'Replace the SLA policies (every priority needs a fallback); open tickets are recomputed',
    body: ZPutSlaPoliciesRequest,
    response: ZSlaPolicyList,
    handler: async (ctx) => ({ items: await putPolicies(ctx.services, ctx.body, ctx.actor) }),
  }),
  defineRoute({
    method: 'get',
    path: '/sla/calendars',
    access: 'admin',
    summary: 'Business calendars: time zone, weekly hours, holidays',
    response: ZSlaCalendarList,
    handler: async (ctx) => ({ items: await listCalendars(ctx.services.db) }),
  }),
  defineRoute({
    method: 'put',
    path: '/sla/calendars',
    access: 'admin',
    summary: 'Replace the business calendars (one in use by a policy cannot go); open tickets are recomputed',
    body: ZPutSlaCalendarsRequest,
    response: ZSlaCalendarList,
    handler: async (ctx) => ({ items: await putCalendars(ctx.services, ctx.body, ctx.actor) }),
  }),
  defineRoute({
    method: 'get',
    path: '/tickets/:key/sla',
    access: 'agent',
    summary: 'Why a ticket is due when it is: policy, calendar, business time used, intervals ahead, actions',
    params: ZTicketKeyParams,
    response: ZTicketSlaExplanation,
    handler: async (ctx) => {
      const viewer = await requestViewer(ctx);
      const ticket = await getVisibleTicket(ctx.services.db, viewer, ctx.params.key);
      return explainTicketSla(ctx.services.db, ticket, ctx.services.clock.now());
    },
  }),
  defineRoute({
    method: 'get',
    path: '/reports/sla',
    access: 'agent',
    summary: 'SLA compliance by priority and group, median and p90 response and resolution times',
    query: ZSlaReportQuery,
    response: ZSlaReport,
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
