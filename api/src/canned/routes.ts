import { and, asc, eq, or } from 'drizzle-orm';
import { z } from 'zod';
import { ZCannedResponse, ZCannedResponseRequest, ZIdParams, ZRenderCannedQuery } from '@deskmate/shared';
import { recordAudit } from '../audit/record.js';
import { cannedResponses, users } from '../db/schema.js';
import { AppError, notFound } from '../http/errors.js';
import type { UserRow } from '../http/context.js';
import { defineRoute } from '../http/route.js';
import type { DbOrTx } from '../db/client.js';
import { getVisibleTicket } from '../tickets/service.js';
import { viewerFor } from '../tickets/policy.js';

type Row = typeof cannedResponses.$inferSelect;

const present = (r: Row) => ({
  id: r.id,
  title: r.title,
  body: r.body,
  shared: r.shared,
  createdBy: r.createdBy,
  updatedAt: r.updatedAt.toISOString(),
});

/** Fill `{{requester.name}}`-style placeholders; unknown ones are left as written. */
export function renderPlaceholders(body: string, values: Record<string, string>): string {
  return body.replace(/\{\{\s*([a-z]+\.[a-zA-Z]+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}

/** Shared responses and the agent's own; admins manage all. */
async function visible(db: DbOrTx, user: UserRow, id: string, forEdit: boolean): Promise<Row> {
  const [row] = await db.select().from(cannedResponses).where(eq(cannedResponses.id, id));
  if (!row || (!row.shared && row.createdBy !== user.id && user.role !== 'admin')) throw notFound('Canned response');
  if (forEdit && row.createdBy !== user.id && user.role !== 'admin')
    throw new AppError('forbidden', 'Only its author or an admin can change this response');
  return row;
}

const ZResponse = z.object({ cannedResponse: ZCannedResponse });

export const cannedRoutes = [
  defineRoute({
    method: 'get',
    path: '/canned-responses',
    access: 'agent',
    summary: 'Canned responses: shared ones and your own',
    response: z.object({ items: z.array(ZCannedResponse) }),
    handler: async (ctx) => {
      const rows = await ctx.services.db
        .select()
        .from(cannedResponses)
        .where(or(eq(cannedResponses.shared, true), eq(cannedResponses.createdBy, ctx.user.id)))
        .orderBy(asc(cannedResponses.title));
      return { items: rows.map(present) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/canned-responses',
    access: 'agent',
    summary:
      'Create a canned response ({{requester.name}}, {{ticket.key}}, {{ticket.title}}, {{agent.name}} are filled in)',
    body: ZCannedResponseRequest,
    response: ZResponse,
    status: 201,
    handler: async (ctx) =>
      ctx.services.db.transaction(async (tx) => {
        const [row] = await tx
          .insert(cannedResponses)
          .values({
            title: ctx.body.title,
            body: ctx.body.body,
            shared: ctx.body.shared ?? true,
            createdBy: ctx.user.id,
          })
          .returning();
        await recordAudit(tx, ctx.actor, {
          action: 'canned.created',
          entityType: 'canned_response',
          entityId: row!.id,
          after: present(row!),
        });
        return { cannedResponse: present(row!) };
      }),
  }),
  defineRoute({
    method: 'put',
    path: '/canned-responses/:id',
    access: 'agent',
    summary: 'Change a canned response',
    params: ZIdParams,
    body: ZCannedResponseRequest,
    response: ZResponse,
    handler: async (ctx) =>
      ctx.services.db.transaction(async (tx) => {
        const before = await visible(tx, ctx.user, ctx.params.id, true);
        const [row] = await tx
          .update(cannedResponses)
          .set({
            title: ctx.body.title,
            body: ctx.body.body,
            shared: ctx.body.shared ?? before.shared,
            updatedAt: ctx.services.clock.now(),
          })
          .where(eq(cannedResponses.id, before.id))
          .returning();
        await recordAudit(tx, ctx.actor, {
          action: 'canned.updated',
          entityType: 'canned_response',
          entityId: before.id,
          before: present(before),
          after: present(row!),
        });
        return { cannedResponse: present(row!) };
      }),
  }),
  defineRoute({
    method: 'delete',
    path: '/canned-responses/:id',
    access: 'agent',
    summary: 'Delete a canned response',
    params: ZIdParams,
    handler: async (ctx) => {
      await ctx.services.db.transaction(async (tx) => {
        const before = await visible(tx, ctx.user, ctx.params.id, true);
        await tx.delete(cannedResponses).where(and(eq(cannedResponses.id, before.id)));
        await recordAudit(tx, ctx.actor, {
          action: 'canned.deleted',
          entityType: 'canned_response',
          entityId: before.id,
          before: present(before),
        });
      });
      return undefined;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/canned-responses/:id/render',
    access: 'agent',
    summary: 'A canned response with its placeholders filled for a ticket',
    params: ZIdParams,
    query: ZRenderCannedQuery,
    response: z.object({ body: z.string() }),
    handler: async (ctx) => {
      const row = await visible(ctx.services.db, ctx.user, ctx.params.id, false);
      const ticket = await getVisibleTicket(
        ctx.services.db,
        await viewerFor(ctx.services.db, ctx.user),
        ctx.query.ticket,
      );
      const [requester] = await ctx.services.db
        .select({ name: users.name, email: users.email })
        .from(users)
        .where(eq(users.id, ticket.requesterId));
      return {
        body: renderPlaceholders(row.body, {
          'requester.name': requester?.name ?? '',
          'requester.firstName': requester?.name.split(/\s+/)[0] ?? '',
          'requester.email': requester?.email ?? '',
          'ticket.key': ticket.key,
          'ticket.title': ticket.title,
          'agent.name': ctx.user.name,
        }),
      };
    },
  }),
];
