import { eq } from 'drizzle-orm';
import { users } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import type { TicketRow } from '../presenter.js';
import { recordChange, recordEvent } from '../recorder.js';
import { applyRaw } from './apply.js';
import type { TicketContext } from './context.js';
import { assertWorker, lockVisible } from './load.js';

/** Claim an unassigned ticket. Of several agents claiming at once exactly one wins. */
export async function claimTicket(ctx: TicketContext, key: string): Promise<TicketRow> {
  return ctx.services.db.transaction(async (tx) => {
    const { ticket } = await lockVisible(tx, ctx.viewer, key);
    assertWorker(ctx.viewer, ticket);
    if (ticket.assigneeId) {
      if (ticket.assigneeId === ctx.viewer.user.id)
        throw new AppError('conflict', `You have already claimed ${ticket.key}`);
      const [winner] = await tx.select({ name: users.name }).from(users).where(eq(users.id, ticket.assigneeId));
      throw new AppError('conflict', `${ticket.key} was already claimed by ${winner?.name ?? 'another agent'}`, {
        assigneeId: ticket.assigneeId,
        assigneeName: winner?.name ?? null,
      });
    }
    if (ticket.status === 'closed' || ticket.status === 'resolved')
      throw new AppError('conflict', `${ticket.key} is ${ticket.status}; reopen it first`);
    const after = await applyRaw(tx, ctx, ticket, {
      assigneeId: ctx.viewer.user.id,
      status: ticket.status === 'new' ? 'open' : ticket.status,
    });
    await recordEvent(tx, ctx, after, {
      kind: 'system',
      visibility: 'public',
      body: `Claimed by ${ctx.viewer.user.name}`,
      data: { type: 'assigned', to: ctx.viewer.user.id },
    });
    await recordChange(tx, ctx, 'ticket.claimed', ticket, after);
    return after;
  });
}
