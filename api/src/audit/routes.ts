import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import {
  ZAuditList,
  ZAuditQuery,
  ZTicketAuditList,
  ZTicketAuditQuery,
  ZTicketKey,
  ZTicketKeyParams,
} from '@deskmate/shared';
import { auditEvents, tickets } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import { canReadAudit } from '../tickets/policy.js';
import { getVisibleTicket } from '../tickets/service.js';
import { auditEntityLabels, auditLabelKey } from './labels.js';
import { presentAuditEvent } from './presenter.js';
import { ticketAuditPage } from './ticket.js';
import { requestViewer } from '../tickets/viewer.js';

const PAGE = 100;

export const auditRoutes = [
  defineRoute({
    method: 'get',
    path: '/audit',
    access: 'admin',
    summary: 'The audit log, newest first, filtered by actor, action, entity and time',
    query: ZAuditQuery,
    response: ZAuditList,
    handler: async (ctx) => {
      const q = ctx.query;
      const where: SQL[] = [];
      if (q.actor) where.push(eq(auditEvents.actorId, q.actor));
      if (q.action) where.push(eq(auditEvents.action, q.action));
      if (q.entity) where.push(eq(auditEvents.entityType, q.entity));
      if (q.entityId) {
        // A ticket is known by its key: IT-1042 finds the rows of that ticket (none for an unknown key).
        const key = ZTicketKey.safeParse(q.entityId.toUpperCase());
        if (key.success) {
          const [ticket] = await ctx.services.db
            .select({ id: tickets.id })
            .from(tickets)
            .where(eq(tickets.key, key.data));
          where.push(eq(auditEvents.entityType, 'ticket'), eq(auditEvents.entityId, ticket?.id ?? q.entityId));
        } else where.push(eq(auditEvents.entityId, q.entityId));
      }
      if (q.from) where.push(gte(auditEvents.createdAt, new Date(q.from)));
      if (q.to) where.push(lte(auditEvents.createdAt, new Date(q.to)));
      if (q.cursor) {
        if (!/^\d+$/.test(q.cursor))
          throw new AppError('validation_failed', 'Invalid query.cursor: use the nextCursor of a previous page');
        where.push(lt(auditEvents.id, Number(q.cursor)));
      }
      const rows = await ctx.services.db
        .select()
        .from(auditEvents)
        .where(and(...where))
        .orderBy(desc(auditEvents.id))
        .limit(PAGE + 1);
      const page = rows.slice(0, PAGE);
      const labels = await auditEntityLabels(ctx.services.db, page);
      return {
        items: page.map((row) => presentAuditEvent(row, labels.get(auditLabelKey(row)) ?? null)),
        nextCursor: rows.length > PAGE ? String(page.at(-1)!.id) : null,
      };
    },
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
