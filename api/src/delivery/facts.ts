import DataLoader from 'dataloader';
import { and, eq, inArray } from 'drizzle-orm';
import {
  deferredMessage,
  type TAttachmentRef,
  type TChatIdentity,
  type TDeliveryFacts,
  type TOutboxMessage,
  type TRecipient,
  type TTicket,
  type TTimelineEvent,
} from '@deskmate/shared';
import { attachments } from '../db/schema-attachments.js';
import type { DbOrTx } from '../db/client.js';
import type { UserRow } from '../http/context.js';
import {
  groupMembers,
  notifications,
  type outbox,
  ticketEvents,
  tickets,
  userIdentities,
  users,
} from '../db/schema.js';
import { notificationPreferences } from '../db/schema-email.js';
import { chatWanted } from '../email/preferences.js';
import { presentNotification } from '../notifications/service.js';
import { presentUser } from '../presenters/user.js';
import { viewerFor } from '../tickets/policy.js';
import { readOutboxRow } from './outbox.js';
import {
  presentEvents,
  presentTickets,
  ticketColumns,
  type TicketEventRow,
  type TicketRow,
} from '../tickets/presenter.js';

type OutboxRow = typeof outbox.$inferSelect;

/** One row per key, in the keys' order (what a DataLoader batch function returns). */
const byKey = <Row, Key>(keys: readonly Key[], rows: Row[], keyOf: (row: Row) => Key): (Row | undefined)[] => {
  const found = new Map(rows.map((r) => [keyOf(r), r]));
  return keys.map((k) => found.get(k));
};

/**
 * The reads behind the facts of many outbox rows, each kind in one query for all the rows read
 * together: the facts of a batch are gathered at once (`Promise.all`), and a DataLoader collects
 * the keys asked for in the same tick into one `WHERE … = ANY(…)`. A relay batch of a hundred rows
 * reads its tickets, people, notifications and replies in a few statements, not seven per row.
 * The queries go out one after another (one connection runs one statement at a time), and the
 * cache lives as long as the reader: one batch.
 */
export class FactsReader {
  private lane: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: DbOrTx,
    private readonly now: Date,
  ) {}

  /** Run a query after the ones before it on this reader. */
  private serial<T>(query: () => Promise<T>): Promise<T> {
    const result = this.lane.then(query);
    this.lane = result.catch(() => undefined);
    return result;
  }

  /** A loader of one row per key, read by `select(keys)`. */
  private rowsBy<Row, Key>(select: (keys: Key[]) => Promise<Row[]>, keyOf: (row: Row) => Key) {
    return new DataLoader<Key, Row | undefined>(async (keys) =>
      byKey(keys, await this.serial(() => select([...keys])), keyOf),
    );
  }

  /** A loader of every row per key, read by `select(keys)`. */
  private listsBy<Row, Key>(select: (keys: Key[]) => Promise<Row[]>, keyOf: (row: Row) => Key) {
    return new DataLoader<Key, Row[]>(async (keys) => {
      const rows = await this.serial(() => select([...keys]));
      return keys.map((k) => rows.filter((r) => keyOf(r) === k));
    });
  }

  private readonly notification = this.rowsBy(
    (ids: string[]) => this.db.select().from(notifications).where(inArray(notifications.id, ids)),
    (r) => r.id,
  );

  private readonly user = this.rowsBy(
    (ids: string[]) => this.db.select().from(users).where(inArray(users.id, ids)),
    (r) => r.id,
  );

  private readonly identities = this.listsBy(
    (userIds: string[]) => this.db.select().from(userIdentities).where(inArray(userIdentities.userId, userIds)),
    (r) => r.userId,
  );

  private readonly preference = this.rowsBy(
    (userIds: string[]) =>
      this.db
        .select({ userId: notificationPreferences.userId, delivery: notificationPreferences.delivery })
        .from(notificationPreferences)
        .where(inArray(notificationPreferences.userId, userIds)),
    (r) => r.userId,
  );

  private readonly ticketRow = this.rowsBy(
    (ids: string[]) => this.db.select(ticketColumns).from(tickets).where(inArray(tickets.id, ids)),
    (r) => r.id,
  );

  /** Public events only: an internal one is never a fact. */
  private readonly publicEvent = this.rowsBy(
    (ids: string[]) =>
      this.db
        .select()
        .from(ticketEvents)
        .where(and(inArray(ticketEvents.id, ids), eq(ticketEvents.visibility, 'public'))),
    (r) => r.id,
  );

  private readonly groupIds = this.listsBy(
    (userIds: string[]) =>
      this.db
        .select({ userId: groupMembers.userId, groupId: groupMembers.groupId })
        .from(groupMembers)
        .where(inArray(groupMembers.userId, userIds)),
    (r) => r.userId,
  );

  /** Which events have files at all (whether this reader may see them is asked of the files' rule). */
  private readonly hasFiles = new DataLoader<string, boolean>(async (eventIds) => {
    const rows = await this.serial(() =>
      this.db
        .selectDistinct({ eventId: attachments.eventId })
        .from(attachments)
        .where(inArray(attachments.eventId, [...eventIds])),
    );
    const found = new Set(rows.map((r) => r.eventId));
    return eventIds.map((id) => found.has(id));
  });

  /** Tickets as JSON, presented together (their people, groups and watchers in one query). */
  private readonly ticket = new DataLoader(
    async (rows: readonly TicketRow[]) => this.serial(() => presentTickets(this.db, [...rows], this.now)),
    { cacheKeyFn: (row) => row.id },
  );

  private readonly eventReads = {
    people: async (ids: string[]) =>
      (await this.user.loadMany(ids)).flatMap((u) =>
        u && !(u instanceof Error) ? [{ id: u.id, name: u.name, email: u.email }] : [],
      ),
    files: async (
      eventIds: string[],
      select: (ids: string[]) => Promise<Map<string, TAttachmentRef[]>>,
    ): Promise<Map<string, TAttachmentRef[]>> => {
      const has = await this.hasFiles.loadMany(eventIds);
      const withFiles = eventIds.filter((_, i) => has[i] === true);
      return withFiles.length ? this.serial(() => select(withFiles)) : new Map();
    },
  };

  /** Events as `reader` may see them (their files by the rule every read of files goes through). */
  private async present(rows: TicketEventRow[], reader: UserRow, ticket: TicketRow): Promise<TTimelineEvent[]> {
    const viewer = await viewerFor(this.db, reader, (id) => this.groupIdsOf(id));
    return presentEvents(this.db, rows, { viewer, ticket }, this.eventReads);
  }

  private async groupIdsOf(userId: string): Promise<string[]> {
    return (await this.groupIds.load(userId)).map((r) => r.groupId);
  }

  private async recipient(u: UserRow): Promise<TRecipient> {
    const [ids, preference] = await Promise.all([this.identities.load(u.id), this.preference.load(u.id)]);
    return {
      user: presentUser(u),
      identities: ids.map((r): TChatIdentity => ({
        provider: r.provider,
        providerUserId: r.providerUserId,
        providerTeamId: r.providerTeamId,
        data: (r.data ?? {}) as Record<string, unknown>,
      })),
      wantsChat: chatWanted(preference?.delivery),
    };
  }

  /**
   * Everything a channel may say about an outbox row, read now (so a late delivery shows the
   * ticket as it is, not as it was); a notification's event only when it is public. Call it for
   * every row of a batch before awaiting any.
   */
  async facts(row: OutboxRow): Promise<TDeliveryFacts> {
    const message = readOutboxRow(row);
    const about = subjectOf(message);
    let notification: TDeliveryFacts['notification'] = null;
    let recipient: TDeliveryFacts['recipient'] = null;
    let event: TDeliveryFacts['event'] = null;
    let ticketId = about.ticketId ?? null;

    const notificationId = about.notificationId;
    if (notificationId) {
      const n = await this.notification.load(notificationId);
      if (n) {
        const data = (n.data ?? {}) as { visibility?: 'public' | 'internal'; eventId?: string };
        notification = { ...presentNotification(n), visibility: data.visibility === 'public' ? 'public' : 'internal' };
        ticketId ??= n.ticketId;
        const u = await this.user.load(n.userId);
        if (u) recipient = await this.recipient(u);
        if (data.eventId && u) {
          const e = await this.publicEvent.load(data.eventId);
          const on = e ? await this.ticketRow.load(e.ticketId) : undefined;
          // Its files as the recipient may see them.
          if (e && on) event = (await this.present([e], u, on))[0] ?? null;
        }
      }
    } else if (about.userId) {
      const u = await this.user.load(about.userId);
      if (u) recipient = await this.recipient(u);
    }
    const ticketRow = ticketId ? await this.ticketRow.load(ticketId) : undefined;
    // The events of the ticket's public conversation that one change added (`ticket.event`), in
    // order: only ever read when public, with their files as its requester may see them.
    let events: TDeliveryFacts['events'];
    const eventIds = message.kind === 'ticket.event' ? message.payload.eventIds : [];
    if (eventIds.length && ticketRow) {
      const requester = await this.user.load(ticketRow.requesterId);
      const rows = (await this.publicEvent.loadMany(eventIds)).filter(
        (e): e is TicketEventRow => !!e && !(e instanceof Error) && e.ticketId === ticketRow.id,
      );
      events = requester && rows.length ? await this.present(rows, requester, ticketRow) : [];
    }
    const ticket: TTicket | null = ticketRow ? await this.ticket.load(ticketRow) : null;
    const { kind, payload } = message;
    return { kind, ticket, notification, event, recipient, payload, ...(events ? { events } : {}) };
  }
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
