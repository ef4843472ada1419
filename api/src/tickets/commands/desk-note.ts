import { notify } from '../../notifications/service.js';
import type { TicketEventRow, TicketRow } from '../presenter.js';
import { recordActivity, recordEvent } from '../recorder.js';
import type { ChangeContext } from './context.js';

/**
 * An internal note the desk writes by itself on a ticket (a mail whose sender could not be
 * authenticated): no author, never shown to the requester, told to the assignee. `ctx`:
 * `systemContext` in the caller's transaction, with the channel the note came from.
 */
export async function addDeskNote(
  ctx: ChangeContext,
  ticket: TicketRow,
  note: { body: string; data: Record<string, unknown>; title: string; action: string },
): Promise<TicketEventRow> {
  return ctx.services.db.transaction(async (tx) => {
    const event = await recordEvent(tx, ctx, ticket, {
      kind: 'note',
      visibility: 'internal',
      body: note.body,
      data: note.data,
      authorId: null,
    });
    await notify(tx, {
      userIds: [ticket.assigneeId].filter((id): id is string => Boolean(id)),
      type: 'note',
      ticket,
      title: note.title,
      body: note.body.slice(0, 280),
      visibility: 'internal',
      actorId: null,
    });
    await recordActivity(tx, ctx, ticket, {
      action: note.action,
      after: { eventId: event.id },
      visibility: 'internal',
    });
    return event;
  });
}
