import {
  endpoints,
  queueDefinitions,
  ZTicketListQuery,
  type TQueueId,
  type TTicketActionVia,
  type TTicketListQuery,
} from '@deskmate/shared';
import { ticketLevelAttachments } from '../attachments/service.js';
import type { Services } from '../http/context.js';
import { roleRefusal } from '../http/errors.js';
import { bindRoute, type RouteContext } from '../http/route.js';
import { bulkChangeTickets } from './bulk.js';
import { countTickets, listTickets } from './list.js';
import { canActVia } from './policy.js';
import { presentEvents, presentTicket, presentTickets, type TicketRow } from './presenter.js';
import { visibleTimeline } from './queries.js';
import {
  addNote,
  addReply,
  claimTicket,
  createTicketToShow,
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
  bindRoute(endpoints.tickets.create, {
    access: 'user',
    handler: async (ctx) => {
      // What the answer shows is known to the create: no read of it back.
      const { row, related } = await createTicketToShow(await context(ctx), ctx.body);
      return { ticket: presentTicket(row, related, ctx.services.clock.now()) };
    },
  }),
  bindRoute(endpoints.tickets.list, {
    access: 'user',
    handler: async (ctx) => {
      const { viewer } = await context(ctx);
      // A heavy read: from the replica when there is one (a ticket changed a moment ago may lag).
      const { readDb, clock } = ctx.services;
      const { rows, nextCursor } = await listTickets(readDb, viewer, ctx.query, clock.now());
      return { items: await presentTickets(readDb, rows, clock.now()), nextCursor };
    },
  }),
  bindRoute(endpoints.tickets.counts, {
    access: 'agent',
    handler: async (ctx) => {
      const { viewer } = await context(ctx);
      return { counts: await countTickets(ctx.services.readDb, viewer, queueQueries, ctx.services.clock.now()) };
    },
  }),
  bindRoute(endpoints.tickets.get, {
    access: 'user',
    handler: async (ctx) => {
      const { viewer } = await contextVia(ctx, ctx.query.via);
      const ticket = await getVisibleTicket(ctx.services.db, viewer, ctx.params.key);
      return {
        ...(await one(ctx.services, ticket)),
        attachments: await ticketLevelAttachments(ctx.services.db, viewer, ticket),
      };
    },
  }),
  bindRoute(endpoints.tickets.update, {
    access: 'user',
    handler: async (ctx) => {
      const { via, ...change } = ctx.body;
      return one(ctx.services, await updateTicket(await contextVia(ctx, via), ctx.params.key, change));
    },
  }),
  bindRoute(endpoints.tickets.claim, {
    access: 'agent',
    handler: async (ctx) => one(ctx.services, await claimTicket(await context(ctx), ctx.params.key)),
  }),
  bindRoute(endpoints.tickets.bulk, {
    access: 'agent',
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
  bindRoute(endpoints.tickets.reply, {
    access: 'user',
    handler: async (ctx) => {
      const c = await contextVia(ctx, ctx.body.via);
      const { ticket, event } = await addReply(c, ctx.params.key, ctx.body.body, ctx.body.attachmentIds);
      const [presented] = await presentEvents(ctx.services.db, [event], { viewer: c.viewer, ticket });
      return { ...(await one(ctx.services, ticket)), event: presented! };
    },
  }),
  bindRoute(endpoints.tickets.note, {
    access: 'agent',
    handler: async (ctx) => {
      const c = await context(ctx);
      const { ticket, event } = await addNote(c, ctx.params.key, ctx.body.body, ctx.body.attachmentIds);
      const [presented] = await presentEvents(ctx.services.db, [event], { viewer: c.viewer, ticket });
      return { ...(await one(ctx.services, ticket)), event: presented! };
    },
  }),
  bindRoute(endpoints.tickets.timeline, {
    access: 'user',
    handler: async (ctx) => {
      const { viewer } = await context(ctx);
      const ticket = await getVisibleTicket(ctx.services.db, viewer, ctx.params.key);
      const rows = await visibleTimeline(ctx.services.db, viewer, ticket);
      return { items: await presentEvents(ctx.services.db, rows, { viewer, ticket }) };
    },
  }),
  bindRoute(endpoints.tickets.merge, {
    access: 'agent',
    handler: async (ctx) => one(ctx.services, await mergeTicket(await context(ctx), ctx.params.key, ctx.body.intoKey)),
  }),
  bindRoute(endpoints.tickets.reopen, {
    access: 'user',
    handler: async (ctx) => one(ctx.services, await reopenTicket(await context(ctx), ctx.params.key)),
  }),
  bindRoute(endpoints.tickets.watch, {
    access: 'user',
    handler: async (ctx) =>
      one(ctx.services, await setWatcher(await context(ctx), ctx.params.key, ctx.body.userId ?? ctx.user.id, true)),
  }),
  bindRoute(endpoints.tickets.unwatch, {
    access: 'user',
    handler: async (ctx) =>
      one(ctx.services, await setWatcher(await context(ctx), ctx.params.key, ctx.params.userId, false)),
  }),
  bindRoute(endpoints.tickets.csat, {
    access: 'user',
    handler: async (ctx) =>
      one(ctx.services, await rateTicket(await context(ctx), ctx.params.key, ctx.body.rating, ctx.body.comment)),
  }),
];
