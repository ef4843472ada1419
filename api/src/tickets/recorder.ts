import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { TChannel } from '@deskmate/shared';
import { recordAudits, type Actor } from '../audit/record.js';
import { atCommit, type DbOrTx } from '../db/client.js';
import { ticketEvents } from '../db/schema.js';
import { queueOutbox, writeOutbox } from '../delivery/outbox.js';
import type { Services } from '../http/context.js';
import { publishLiveMany, type LiveEvent } from '../live/bus.js';
import { snapshot, type TicketEventRow, type TicketRow } from './presenter.js';

/**
 * The change recorder: the one home of the rule "what a ticket change leaves behind". Every
 * command (tickets/commands/), the SLA sweep, the stale-ticket rules, email intake and the
 * unverified-mail decisions record through it, never by writing those rows themselves:
 *
 * - a timeline event: the `ticket_events` row, a live `ticket.event`, and — when it belongs to the
 *   public conversation (a public reply, a status change) — the `ticket.event` outbox row that the
 *   chat threads mirror, one per transaction and ticket, gathering that transaction's events;
 * - a change of the ticket itself: the audit row with before/after snapshots, a live
 *   `ticket.created`/`ticket.updated`, and one `ticket.changed` outbox row per ticket version
 *   (the chat cards re-render from it);
 * - an activity on the ticket that leaves its fields as they are (a note, a rating, a file): its
 *   audit row and a live `ticket.updated`.
 *
 * Each takes lists, so a bulk path (the sweep, many tickets per batch) writes each kind of row in
 * one statement; the one-ticket forms are the same functions with one item.
 *
 * Transactions: the recorder writes with the handle it is given and never opens a transaction of
 * its own. Commands have ONE way to run inside a caller's transaction: the caller passes a
 * context whose `services.db` is its transaction (`inCallerTransaction` in commands/context.ts);
 * the command's own `services.db.transaction(...)` then becomes a savepoint of the caller's, so a
 * command that fails rolls back its own writes and leaves the caller free to carry on or fail.
 */

/** What recording needs: who acts (audit, author, channel) and the time. */
export interface RecordContext {
  actor: Actor;
  services: Pick<Services, 'clock'>;
}

export const channelOf = (actor: Actor): TChannel => actor.channel ?? 'web';

export interface NewEvent {
  kind: 'reply' | 'note' | 'system';
  visibility: 'public' | 'internal';
  body: string;
  data?: Record<string, unknown>;
  /** Default: the actor. `null`: the desk itself (round-robin, SLA, a desk note). */
  authorId?: string | null;
}

type TicketRef = Pick<TicketRow, 'id' | 'key'>;

/**
 * The public conversation of a ticket, as the chat threads that follow it show it: public replies
 * and status changes. Internal events never qualify, so they are never planned for a chat thread.
 */
export function isPublicConversation(event: Pick<TicketEventRow, 'kind' | 'visibility' | 'data'>): boolean {
  if (event.visibility !== 'public') return false;
  return (
    event.kind === 'reply' ||
    (event.kind === 'system' && (event.data as { type?: unknown } | null)?.type === 'status_changed')
  );
}

/**
 * Timeline events on one or more tickets, in the order given. `atCommit`: nothing in the
 * transaction reads them back or points at them (a new ticket's "created"), so they are written
 * with its other put-off writes at its end, with ids made here; the rows returned are then as
 * they will be written.
 */
export async function recordEvents(
  tx: DbOrTx,
  ctx: RecordContext,
  items: readonly { ticket: TicketRef; event: NewEvent }[],
  options: { atCommit?: boolean } = {},
): Promise<TicketEventRow[]> {
  if (!items.length) return [];
  const now = ctx.services.clock.now();
  const values = items.map(({ ticket, event }, i) => ({
    ticketId: ticket.id,
    kind: event.kind,
    // A note is internal by construction, whatever the caller says.
    visibility: event.kind === 'note' ? ('internal' as const) : event.visibility,
    authorId: event.authorId === undefined ? ctx.actor.userId : event.authorId,
    body: event.body,
    data: event.data ?? {},
    channel: channelOf(ctx.actor),
    // One microsecond apart: the timeline (ordered by time) keeps the order given.
    createdAt: i === 0 ? now : sql`${now.toISOString()}::timestamptz + ${i} * interval '1 microsecond'`,
  }));
  let rows: TicketEventRow[];
  if (options.atCommit) {
    const made = values.map((v) => ({ ...v, id: randomUUID() }));
    await atCommit(tx, 'ticket_events', made, (all) => tx.insert(ticketEvents).values(all));
    // Dates as JavaScript holds them: the microseconds apart are the database's.
    rows = made.map((v) => ({ ...v, createdAt: now }));
  } else {
    rows = await tx.insert(ticketEvents).values(values).returning();
  }
  const keyOf = new Map(items.map(({ ticket }) => [ticket.id, ticket.key]));
  await publishLiveMany(
    tx,
    rows.map((row) => ({
      type: 'ticket.event',
      ticketId: row.ticketId,
      ticketKey: keyOf.get(row.ticketId)!,
      eventId: row.id,
      visibility: row.visibility,
    })),
  );
  // The chat threads that follow the ticket (under its triage cards) get it from the delivery
  // jobs: one outbox row per transaction and ticket, so a reply and the status change it causes
  // arrive together and in order.
  const conversation = new Map<string, string[]>();
  for (const row of rows.filter(isPublicConversation))
    conversation.set(row.ticketId, [...(conversation.get(row.ticketId) ?? []), row.id]);
  await writeOutbox(
    tx,
    'ticket.event',
    [...conversation].map(([ticketId, eventIds]) => ({
      dedupeKey: sql`${`ticket.event:${ticketId}:`} || txid_current()::text`,
      payload: { ticketId, eventIds },
    })),
    { append: 'eventIds' },
  );
  return rows;
}

/** One timeline event. */
export async function recordEvent(
  tx: DbOrTx,
  ctx: RecordContext,
  ticket: TicketRef,
  event: NewEvent,
): Promise<TicketEventRow> {
  const [row] = await recordEvents(tx, ctx, [{ ticket, event }]);
  return row!;
}

export interface TicketChange {
  /** The audit action: ticket.created, ticket.claimed, ticket.sla_escalated, … */
  action: string;
  /** Null when the ticket is new. */
  before: TicketRow | null;
  after: TicketRow;
  /** Who may be told of it live (default public: the ticket's fields are what everyone sees). */
  visibility?: 'public' | 'internal';
  /** What the audit keeps of each version (default: `snapshot`). */
  snapshot?: (ticket: TicketRow) => Record<string, unknown>;
}

/** Changes of tickets: audit rows (before/after), live updates, one chat-card sync per ticket version. */
export async function recordChanges(tx: DbOrTx, ctx: RecordContext, changes: readonly TicketChange[]): Promise<void> {
  if (!changes.length) return;
  await recordAudits(
    tx,
    ctx.actor,
    changes.map((c) => {
      const snap = c.snapshot ?? snapshot;
      return {
        action: c.action,
        entityType: 'ticket',
        entityId: c.after.id,
        before: c.before ? snap(c.before) : null,
        after: snap(c.after),
      };
    }),
  );
  await publishLiveMany(
    tx,
    changes.map((c) => ({
      type: c.before ? 'ticket.updated' : 'ticket.created',
      ticketId: c.after.id,
      ticketKey: c.after.key,
      visibility: c.visibility ?? 'public',
    })),
  );
  // One chat-card sync per ticket version: the delivery runner renders the ticket as it is then.
  await queueOutbox(
    tx,
    'ticket.changed',
    changes.map((c) => ({
      dedupeKey: `ticket.changed:${c.after.id}:${c.after.updatedAt.getTime()}`,
      payload: { ticketId: c.after.id, key: c.after.key, action: c.action },
    })),
    'skip',
  );
}

/** One change of a ticket (`before` null: it was created). */
export async function recordChange(
  tx: DbOrTx,
  ctx: RecordContext,
  action: string,
  before: TicketRow | null,
  after: TicketRow,
): Promise<void> {
  await recordChanges(tx, ctx, [{ action, before, after }]);
}

/**
 * Something done on a ticket that leaves its fields as they are (a note, a rating, a file, a
 * decision on an unverified mail): its audit row and a live update for those who may see it.
 */
export async function recordActivity(
  tx: DbOrTx,
  ctx: Pick<RecordContext, 'actor'>,
  ticket: TicketRef,
  activity: { action: string; before?: unknown; after: unknown; visibility: 'public' | 'internal' },
): Promise<void> {
  await recordAudits(tx, ctx.actor, [
    {
      action: activity.action,
      entityType: 'ticket',
      entityId: ticket.id,
      before: activity.before ?? null,
      after: activity.after,
    },
  ]);
  const live: LiveEvent = {
    type: 'ticket.updated',
    ticketId: ticket.id,
    ticketKey: ticket.key,
    visibility: activity.visibility,
  };
  await publishLiveMany(tx, [live]);
}
