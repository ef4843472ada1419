import { notify } from '../../notifications/service.js';
import type { TicketRow } from '../presenter.js';
import { recordEvent } from '../recorder.js';
import type { ChangeContext } from './context.js';

/**
 * A public notice from the desk on a locked ticket (a reminder), on the timeline and to the
 * requester. `ctx`: `systemContext` in the caller's transaction.
 */
export async function postSystemNotice(
  ctx: ChangeContext,
  ticket: TicketRow,
  notice: { title: string; body: string; type: string },
): Promise<void> {
  await ctx.services.db.transaction(async (tx) => {
    await recordEvent(tx, ctx, ticket, {
      kind: 'system',
      visibility: 'public',
      body: notice.body,
      data: { type: notice.type },
    });
    await notify(tx, {
      userIds: [ticket.requesterId],
      type: 'reminder',
      ticket,
      title: notice.title,
      body: notice.body,
      visibility: 'public',
      actorId: null,
    });
  });
}
