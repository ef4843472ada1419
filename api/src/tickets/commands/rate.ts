import { ticketCsat } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import type { TicketRow } from '../presenter.js';
import { recordActivity, recordEvent } from '../recorder.js';
import { applyRaw } from './apply.js';
import type { TicketContext } from './context.js';
import { lockVisible } from './load.js';

/** The requester rates a resolved ticket, once. */
export async function rateTicket(
  ctx: TicketContext,
  key: string,
  rating: number,
  comment: string | undefined,
): Promise<TicketRow> {
  return ctx.services.db.transaction(async (tx) => {
    const { ticket } = await lockVisible(tx, ctx.viewer, key);
    if (ticket.requesterId !== ctx.viewer.user.id)
      throw new AppError('forbidden', 'Only the requester can rate a ticket');
    if (ticket.status !== 'resolved' && ticket.status !== 'closed')
      throw new AppError('conflict', 'A ticket can be rated once it is resolved');
    const inserted = await tx
      .insert(ticketCsat)
      .values({ ticketId: ticket.id, userId: ctx.viewer.user.id, rating, comment: comment ?? null })
      .onConflictDoNothing()
      .returning();
    if (!inserted.length) throw new AppError('conflict', 'This ticket has already been rated');
    const after = await applyRaw(tx, ctx, ticket, {});
    await recordEvent(tx, ctx, after, {
      kind: 'system',
      visibility: 'public',
      body: `Rated ${rating} out of 5`,
      data: { type: 'csat', rating },
    });
    await recordActivity(tx, ctx, ticket, {
      action: 'ticket.rated',
      after: { rating, comment: comment ?? null },
      visibility: 'public',
    });
    return after;
  });
}
