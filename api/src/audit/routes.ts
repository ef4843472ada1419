import { endpoints } from '@deskmate/shared';
import { AppError } from '../http/errors.js';
import { bindRoute } from '../http/route.js';
import { canReadAudit } from '../tickets/policy.js';
import { getVisibleTicket } from '../tickets/service.js';
import { auditLogPage } from './queries.js';
import { ticketAuditPage } from './ticket.js';
import { requestViewer } from '../tickets/viewer.js';

export const auditRoutes = [
  bindRoute(endpoints.audit.list, {
    access: 'admin',
    handler: async (ctx) => auditLogPage(ctx.services.db, ctx.query),
  }),
  bindRoute(endpoints.audit.ofTicket, {
    access: 'agent',
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
