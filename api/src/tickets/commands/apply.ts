import { eq } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { TTicketStatus } from '@deskmate/shared';
import type { DbOrTx } from '../../db/client.js';
import { tickets } from '../../db/schema.js';
import { attachUploads } from '../../attachments/service.js';
import { AppError } from '../../http/errors.js';
import { notify } from '../../notifications/service.js';
import { canWork } from '../policy.js';
import { ticketColumns, type TicketEventRow, type TicketRow } from '../presenter.js';
import { recordEvent, type NewEvent } from '../recorder.js';
import { canTransition, statusLabel } from '../status.js';
import type { ChangeContext } from './context.js';

// The steps several commands share: writing a new version of a ticket and moving its status.

/** Write new values to a ticket (and its `updatedAt`), returning the new version. */
export async function applyRaw(
  tx: DbOrTx,
  ctx: ChangeContext,
  ticket: TicketRow,
  values: PgUpdateSetSource<typeof tickets>,
): Promise<TicketRow> {
  const [row] = await tx
    .update(tickets)
    .set({ ...values, updatedAt: ctx.services.clock.now() })
    .where(eq(tickets.id, ticket.id))
    .returning(ticketColumns);
  return row!;
}

/** Who hears of a change: the requester, the assignee and the watchers. */
export const audience = (ticket: TicketRow, watchers: string[]) => [ticket.requesterId, ticket.assigneeId, ...watchers];

function statusTimestamps(from: TTicketStatus, to: TTicketStatus, now: Date): Partial<typeof tickets.$inferInsert> {
  if (to === 'resolved') return { resolvedAt: now, closedAt: null };
  if (to === 'closed') return { closedAt: now, ...(from === 'resolved' ? {} : { resolvedAt: now }) };
  if (from === 'resolved' || from === 'closed') return { resolvedAt: null, closedAt: null };
  return {};
}

/** Move a ticket through the status machine, with its timeline event and (unless quiet) notifications. */
export async function applyStatus(
  tx: DbOrTx,
  ctx: ChangeContext,
  ticket: TicketRow,
  watchers: string[],
  to: TTicketStatus,
  options: { reason?: string; quiet?: boolean } = {},
): Promise<TicketRow> {
  const reason = options.reason;
  const from = ticket.status;
  if (from === to) return ticket;
  const asRequester = !canWork(ctx.viewer, ticket);
  if (!canTransition(from, to, asRequester)) {
    throw new AppError(
      asRequester && canTransition(from, to, false) ? 'forbidden' : 'conflict',
      asRequester && canTransition(from, to, false)
        ? `Only agents can move a ticket from ${statusLabel[from]} to ${statusLabel[to]}`
        : `A ticket cannot go from ${statusLabel[from]} to ${statusLabel[to]}`,
      { from, to },
    );
  }
  if (ticket.mergedIntoId && to !== 'closed')
    throw new AppError('conflict', `${ticket.key} was merged into another ticket and cannot be reopened`);
  const after = await applyRaw(tx, ctx, ticket, {
    status: to,
    ...statusTimestamps(from, to, ctx.services.clock.now()),
  });
  const reopened = from === 'resolved' || from === 'closed';
  await recordEvent(tx, ctx, after, {
    kind: 'system',
    visibility: 'public',
    body:
      reopened && to === 'open'
        ? `Reopened${reason ? ` (${reason})` : ''}`
        : `Status changed from ${statusLabel[from]} to ${statusLabel[to]}`,
    data: { type: 'status_changed', from, to },
  });
  // A status change that comes with a reply is told by the reply's notification.
  if (options.quiet) return after;
  await notify(tx, {
    userIds: audience(after, watchers),
    type: 'status_changed',
    ticket: after,
    title: `${after.key} is now ${statusLabel[to].toLowerCase()}`,
    body: after.title,
    visibility: 'public',
    actorId: ctx.actor.userId,
  });
  return after;
}

/**
 * A reply or note with the author's uploads: the event owns its files, which are then exactly as
 * public or internal as it is. Recorded before any notification, whose deliveries read the files.
 */
export async function recordWithFiles(
  tx: DbOrTx,
  ctx: ChangeContext,
  ticket: TicketRow,
  event: NewEvent,
  attachmentIds: readonly string[],
): Promise<TicketEventRow> {
  const row = await recordEvent(tx, ctx, ticket, event);
  const link = { ticketId: ticket.id, eventId: row.id };
  await attachUploads(tx, ctx.viewer.user, attachmentIds, link, ctx.services.clock.now());
  return row;
}

/** Tell an agent a ticket was assigned to them (`actorId` null: the desk did it, round-robin). */
export async function notifyAssigned(
  tx: DbOrTx,
  ticket: TicketRow,
  assigneeId: string,
  actorId: string | null,
  /** The assignee was just read as active (the round-robin pick). */
  activeKnown = false,
): Promise<void> {
  const title = `${ticket.key} was assigned to you`;
  await notify(tx, {
    activeKnown,
    userIds: [assigneeId],
    type: 'assigned',
    ticket,
    title,
    body: ticket.title,
    visibility: 'public',
    actorId,
  });
}
