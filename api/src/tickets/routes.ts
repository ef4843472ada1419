import {
  queueDefinitions,
  ZBulkTicketRequest,
  ZBulkTicketResponse,
  ZCreateTicketRequest,
  ZCsatRequest,
  ZMergeRequest,
  ZNoteRequest,
  ZReplyRequest,
  ZTicketEventResponse,
  ZTicketKeyParams,
  ZTicketList,
  ZTicketListQuery,
  ZTicketDetailResponse,
  ZTicketReadQuery,
  ZTicketResponse,
  ZTimeline,
  ZUpdateTicketRequest,
  ZWatcherParams,
  ZWatcherRequest,
  ZQueueCounts,
  type TQueueId,
  type TTicketActionVia,
  type TTicketListQuery,
} from '@deskmate/shared';
import { ticketLevelAttachments } from '../attachments/service.js';
import type { Services } from '../http/context.js';
import { roleRefusal } from '../http/errors.js';
import { defineRoute, type RouteContext } from '../http/route.js';
import { bulkChangeTickets } from './bulk.js';
import { countTickets, listTickets } from './list.js';
import { canActVia } from './policy.js';
import { presentEvents, presentTickets, type TicketRow } from './presenter.js';
import { visibleTimeline } from './queries.js';
import {
  addNote,
  addReply,
  claimTicket,
  createTicket,
  getVisibleTicket,
  mergeTicket,
  rateTicket,
  reopenTicket,
  setWatcher,
  ticketContext,
  updateTicket,
} from './service.js';

/** The queues' list queries, read as GET /tickets reads them. */
const queueQueries = Object.fromEntries(
  queueDefinitions.map((q) => [q.id, ZTicketListQuery.parse(q.params)]),
) as Record<TQueueId, TTicketListQuery>;

const context = (ctx: RouteContext<unknown, unknown, unknown>) =>
  ticketContext(ctx.services, ctx.actor, ctx.user, ctx.auth?.kind === 'session' ? ctx.auth.groupIds : undefined);

/**
 * The context of a request that says where it was taken from (`via`), refused when its viewer may
 * not act from there (the triage card is agents'). Refused before the ticket is read, so the
 * answer is the same whichever ticket it names.
 */
async function contextVia(ctx: RouteContext<unknown, unknown, unknown>, via: TTicketActionVia | undefined) {
  const c = await context(ctx);
  if (!canActVia(c.viewer, via)) throw roleRefusal('agent', 'Only agents can work tickets from the triage card');
  return c;
}

async function one(services: Services, row: TicketRow) {
  const [ticket] = await presentTickets(services.db, [row], services.clock.now());
  return { ticket: ticket! };
}

export const ticketRoutes = [
  defineRoute({
    method: 'post',
    path: '/tickets',
    access: 'user',
    summary: 'Open a ticket; attachmentIds: your uploads, attached to the ticket itself',
    body: ZCreateTicketRequest,
    response: ZTicketResponse,
    status: 201,
    handler: async (ctx) => one(ctx.services, await createTicket(await context(ctx), ctx.body)),
  }),
  defineRoute({
    method: 'get',
    path: '/tickets',
    access: 'user',
    summary: 'Tickets you may see: filter, search, sort, page with a cursor',
    query: ZTicketListQuery,
    response: ZTicketList,
    handler: async (ctx) => {
      const { viewer } = await context(ctx);
      // A heavy read: from the replica when there is one (a ticket changed a moment ago may lag).
      const { readDb, clock } = ctx.services;
      const { rows, nextCursor } = await listTickets(readDb, viewer, ctx.query, clock.now());
      return { items: await presentTickets(readDb, rows, clock.now()), nextCursor };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/tickets/counts',
    access: 'agent',
    summary: "How many tickets each of the console's queues holds for you now (the queues' own list queries)",
    response: ZQueueCounts,
    handler: async (ctx) => {
      const { viewer } = await context(ctx);
      return { counts: await countTickets(ctx.services.readDb, viewer, queueQueries, ctx.services.clock.now()) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/tickets/:key',
    access: 'user',
    summary: 'One ticket, with the files of the ticket itself (those of replies and notes are on the timeline)',
    params: ZTicketKeyParams,
    query: ZTicketReadQuery,
    response: ZTicketDetailResponse,
    handler: async (ctx) => {
      const { viewer } = await contextVia(ctx, ctx.query.via);
      const ticket = await getVisibleTicket(ctx.services.db, viewer, ctx.params.key);
      return {
        ...(await one(ctx.services, ticket)),
        attachments: await ticketLevelAttachments(ctx.services.db, viewer, ticket),
      };
    },
  }),
  defineRoute({
    method: 'patch',
    path: '/tickets/:key',
    access: 'user',
    summary: 'Change status, priority, category, assignee, group, title or description',
    params: ZTicketKeyParams,
    body: ZUpdateTicketRequest,
    response: ZTicketResponse,
    handler: async (ctx) => {
      const { via, ...change } = ctx.body;
      return one(ctx.services, await updateTicket(await contextVia(ctx, via), ctx.params.key, change));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/tickets/:key/claim',
    access: 'agent',
    summary: 'Claim an unassigned ticket (409 naming the winner when someone was first)',
    params: ZTicketKeyParams,
    response: ZTicketResponse,
    handler: async (ctx) => one(ctx.services, await claimTicket(await context(ctx), ctx.params.key)),
  }),
  defineRoute({
    method: 'post',
    path: '/tickets/bulk',
    access: 'agent',
    summary: 'Change or claim up to 100 tickets, each on its own (one result per key, in order)',
    body: ZBulkTicketRequest,
    response: ZBulkTicketResponse,
    handler: async (ctx) => {
      const outcomes = await bulkChangeTickets(await context(ctx), ctx.body.keys, ctx.body.action);
      const changed = outcomes.flatMap((o) => (o.ok ? [o.row] : []));
      const presented = await presentTickets(ctx.services.db, changed, ctx.services.clock.now());
      const byKey = new Map(presented.map((t) => [t.key, t]));
      return {
        results: outcomes.map((o) => (o.ok ? { key: o.key, ok: true as const, ticket: byKey.get(o.row.key)! } : o)),
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/tickets/:key/replies',
    access: 'user',
    summary: 'Add a public reply; attachmentIds: your uploads, which become as public as the reply',
    params: ZTicketKeyParams,
    body: ZReplyRequest,
    response: ZTicketEventResponse,
    status: 201,
    handler: async (ctx) => {
      const c = await contextVia(ctx, ctx.body.via);
      const { ticket, event } = await addReply(c, ctx.params.key, ctx.body.body, ctx.body.attachmentIds);
      const [presented] = await presentEvents(ctx.services.db, [event], { viewer: c.viewer, ticket });
      return { ...(await one(ctx.services, ticket)), event: presented! };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/tickets/:key/notes',
    access: 'agent',
    summary: 'Add an internal note (agents only; never shown to the requester, nor are its files)',
    params: ZTicketKeyParams,
    body: ZNoteRequest,
    response: ZTicketEventResponse,
    status: 201,
    handler: async (ctx) => {
      const c = await context(ctx);
      const { ticket, event } = await addNote(c, ctx.params.key, ctx.body.body, ctx.body.attachmentIds);
      const [presented] = await presentEvents(ctx.services.db, [event], { viewer: c.viewer, ticket });
      return { ...(await one(ctx.services, ticket)), event: presented! };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/tickets/:key/timeline',
    access: 'user',
    summary: 'Replies, notes and events, oldest first (internal ones only for the ticket’s agents)',
    params: ZTicketKeyParams,
    response: ZTimeline,
    handler: async (ctx) => {
      const { viewer } = await context(ctx);
      const ticket = await getVisibleTicket(ctx.services.db, viewer, ctx.params.key);
      const rows = await visibleTimeline(ctx.services.db, viewer, ticket);
      return { items: await presentEvents(ctx.services.db, rows, { viewer, ticket }) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/tickets/:key/merge',
    access: 'agent',
    summary: 'Merge this ticket (a duplicate) into another',
    params: ZTicketKeyParams,
    body: ZMergeRequest,
    response: ZTicketResponse,
    handler: async (ctx) => one(ctx.services, await mergeTicket(await context(ctx), ctx.params.key, ctx.body.intoKey)),
  }),
  defineRoute({
    method: 'post',
    path: '/tickets/:key/reopen',
    access: 'user',
    summary: 'Reopen a resolved (requester or agent) or closed (agent) ticket',
    params: ZTicketKeyParams,
    response: ZTicketResponse,
    handler: async (ctx) => one(ctx.services, await reopenTicket(await context(ctx), ctx.params.key)),
  }),
  defineRoute({
    method: 'post',
    path: '/tickets/:key/watchers',
    access: 'user',
    summary: 'Add a watcher (yourself when no userId is given)',
    params: ZTicketKeyParams,
    body: ZWatcherRequest,
    response: ZTicketResponse,
    handler: async (ctx) =>
      one(ctx.services, await setWatcher(await context(ctx), ctx.params.key, ctx.body.userId ?? ctx.user.id, true)),
  }),
  defineRoute({
    method: 'delete',
    path: '/tickets/:key/watchers/:userId',
    access: 'user',
    summary: 'Remove a watcher',
    params: ZWatcherParams,
    response: ZTicketResponse,
    handler: async (ctx) =>
      one(ctx.services, await setWatcher(await context(ctx), ctx.params.key, ctx.params.userId, false)),
  }),
  defineRoute({
    method: 'post',
    path: '/tickets/:key/csat',
    access: 'user',
    summary: 'Rate a resolved ticket (its requester, once)',
    params: ZTicketKeyParams,
    body: ZCsatRequest,
    response: ZTicketResponse,
    status: 201,
    handler: async (ctx) =>
      one(ctx.services, await rateTicket(await context(ctx), ctx.params.key, ctx.body.rating, ctx.body.comment)),
  }),
];
