import { and, eq, inArray } from 'drizzle-orm';
import type { TChatIdentity, TDeliveryFacts, TRecipient } from '@deskmate/shared';
import type { DbOrTx } from '../db/client.js';
import { notifications, type outbox, ticketEvents, tickets, userIdentities, users } from '../db/schema.js';
import { wantsChat } from '../email/preferences.js';
import { presentNotification } from '../notifications/service.js';
import { presentUser } from '../presenters/user.js';
import { viewerFor } from '../tickets/policy.js';
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
  const payload = (row.payload ?? {}) as Record<string, unknown>;
  const str = (k: string) => (typeof payload[k] === 'string' ? (payload[k] as string) : null);
  let notification: TDeliveryFacts['notification'] = null;
  let recipient: TDeliveryFacts['recipient'] = null;
  let event: TDeliveryFacts['event'] = null;
  let ticketId = str('ticketId');

  const notificationId = str('notificationId');
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
  } else if (str('userId')) {
    const [u] = await db
      .select()
      .from(users)
      .where(eq(users.id, str('userId')!));
    if (u) recipient = await recipientFor(db, u);
  }
  const [ticketRow] = ticketId ? await db.select(ticketColumns).from(tickets).where(eq(tickets.id, ticketId)) : [];
  // The events of the ticket's public conversation that one change added (`ticket.event`), in
  // order: only ever read when public, with their files as its requester may see them.
  let events: TDeliveryFacts['events'];
  const eventIds = Array.isArray(payload.eventIds) ? payload.eventIds.filter((id) => typeof id === 'string') : [];
  if (row.kind === 'ticket.event' && eventIds.length && ticketRow) {
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
  return { kind: row.kind, ticket, notification, event, recipient, payload, ...(events ? { events } : {}) };
}
