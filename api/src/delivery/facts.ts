import { and, eq, inArray } from 'drizzle-orm';
import {
  deferredMessage,
  type TChatIdentity,
  type TDeliveryFacts,
  type TOutboxMessage,
  type TRecipient,
} from '@deskmate/shared';
import type { DbOrTx } from '../db/client.js';
import { notifications, type outbox, ticketEvents, tickets, userIdentities, users } from '../db/schema.js';
import { wantsChat } from '../email/preferences.js';
import { presentNotification } from '../notifications/service.js';
import { presentUser } from '../presenters/user.js';
import { viewerFor } from '../tickets/policy.js';
import { readOutboxRow } from './outbox.js';
import { presentEvents, presentTickets, ticketColumns } from '../tickets/presenter.js';

type OutboxRow = typeof outbox.$inferSelect;

async function identities(db: DbOrTx, userId: string): Promise<TChatIdentity[]> {
  const rows = await db.select().from(userIdentities).where(eq(userIdentities.userId, userId));
  return rows.map((r) => ({
    provider: r.provider,
    providerUserId: r.providerUserId,
    providerTeamId: r.providerTeamId,
    data: (r.data ?? {}) as Record<string, unknown>,
  }));
}

async function recipientFor(db: DbOrTx, u: typeof users.$inferSelect): Promise<TRecipient> {
  const [ids, chat] = await Promise.all([identities(db, u.id), wantsChat(db, u.id)]);
  return { user: presentUser(u), identities: ids, wantsChat: chat };
}

/**
 * Everything a channel may say about an outbox row, read now (so a late delivery shows the ticket
 * as it is, not as it was). A notification's event is included only when it is public.
 */
export async function factsFor(db: DbOrTx, row: OutboxRow, now: Date): Promise<TDeliveryFacts> {
  const message = readOutboxRow(row);
  const about = subjectOf(message);
  let notification: TDeliveryFacts['notification'] = null;
  let recipient: TDeliveryFacts['recipient'] = null;
  let event: TDeliveryFacts['event'] = null;
  let ticketId = about.ticketId ?? null;

  const notificationId = about.notificationId;
  if (notificationId) {
    const [n] = await db.select().from(notifications).where(eq(notifications.id, notificationId));
    if (n) {
      const data = (n.data ?? {}) as { visibility?: 'public' | 'internal'; eventId?: string };
      notification = { ...presentNotification(n), visibility: data.visibility === 'public' ? 'public' : 'internal' };
      ticketId ??= n.ticketId;
      const [u] = await db.select().from(users).where(eq(users.id, n.userId));
      if (u) recipient = await recipientFor(db, u);
      if (data.eventId && u) {
        const [e] = await db
          .select()
          .from(ticketEvents)
          .where(and(eq(ticketEvents.id, data.eventId), eq(ticketEvents.visibility, 'public')));
        const [on] = e ? await db.select(ticketColumns).from(tickets).where(eq(tickets.id, e.ticketId)) : [];
        // Its files as the recipient may see them: the rule every read of files goes through.
        if (e && on) event = (await presentEvents(db, [e], { viewer: await viewerFor(db, u), ticket: on }))[0] ?? null;
      }
    }
  } else if (about.userId) {
    const [u] = await db.select().from(users).where(eq(users.id, about.userId));
    if (u) recipient = await recipientFor(db, u);
  }
  const [ticketRow] = ticketId ? await db.select(ticketColumns).from(tickets).where(eq(tickets.id, ticketId)) : [];
  // The events of the ticket's public conversation that one change added (`ticket.event`), in
  // order: only ever read when public, with their files as its requester may see them.
  let events: TDeliveryFacts['events'];
  const eventIds = message.kind === 'ticket.event' ? message.payload.eventIds : [];
  if (eventIds.length && ticketRow) {
    const [requester] = await db.select().from(users).where(eq(users.id, ticketRow.requesterId));
    const rows = await db
      .select()
      .from(ticketEvents)
      .where(
        and(
          inArray(ticketEvents.id, eventIds),
          eq(ticketEvents.ticketId, ticketRow.id),
          eq(ticketEvents.visibility, 'public'),
        ),
      );
    const presented =
      requester && rows.length
        ? await presentEvents(db, rows, { viewer: await viewerFor(db, requester), ticket: ticketRow })
        : [];
    events = eventIds.flatMap((id) => presented.filter((e) => e.id === id));
  }
  const ticket = ticketRow ? ((await presentTickets(db, [ticketRow], now))[0] ?? null) : null;
  const { kind, payload } = message;
  return { kind, ticket, notification, event, recipient, payload, ...(events ? { events } : {}) };
}

/** Whom and what a row is about: its ticket, notification or person, by its kind's payload. */
function subjectOf(message: TOutboxMessage): { ticketId?: string; notificationId?: string; userId?: string | null } {
  switch (message.kind) {
    case 'notification.deliver':
      return { notificationId: message.payload.notificationId, userId: message.payload.userId };
    case 'email.deferred': {
      // The held-back row's subject, told to the person it was held back for.
      const original = deferredMessage(message.payload);
      return { ...(original ? subjectOf(original) : {}), userId: message.payload.userId };
    }
    case 'digest.weekly':
    case 'email.digest':
    case 'email.direct':
      return { userId: message.payload.userId };
    default:
      return {
        ticketId: message.payload.ticketId,
        ...('userId' in message.payload ? { userId: message.payload.userId } : {}),
      };
  }
}
