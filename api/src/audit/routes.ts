import { ZAuditList, ZAuditQuery, ZTicketAuditList, ZTicketAuditQuery, ZTicketKeyParams } from '@deskmate/shared';
import { AppError } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import { canReadAudit } from '../tickets/policy.js';
import { getVisibleTicket } from '../tickets/service.js';
import { auditLogPage } from './queries.js';
import { ticketAuditPage } from './ticket.js';
import { requestViewer } from '../tickets/viewer.js';

export const auditRoutes = [
  defineRoute({
    method: 'get',
    path: '/audit',
    access: 'admin',
    summary: 'The audit log, newest first, filtered by actor, action, entity and time',
    query: ZAuditQuery,
    response: ZAuditList,
    handler: async (ctx) => auditLogPage(ctx.services.db, ctx.query),
  }),
  defineRoute({
    method: 'get',
    path: '/tickets/:key/audit',
    access: 'agent',
    summary: 'The audit rows of one ticket, newest first, for the agents who work it (a cursor pages back)',
    params: ZTicketKeyParams,
    query: ZTicketAuditQuery,
    response: ZTicketAuditList,
    handler: async (ctx) => {
      const viewer = await requestViewer(ctx);
      // Someone who may not see the ticket gets 404, like on every ticket route (no IDOR oracle).
      const ticket = await getVisibleTicket(ctx.services.db, viewer, ctx.params.key);
      if (!canReadAudit(viewer, ticket))
        throw new AppError('forbidden', 'Only agents working this ticket can read its audit trail');
      return ticketAuditPage(ctx.services.db, ticket.id, ctx.query);
    },
  }),
];
