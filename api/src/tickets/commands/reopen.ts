import { AppError } from '../../http/errors.js';
import { syncSla } from '../../sla/sync.js';
import type { TicketRow } from '../presenter.js';
import { recordChange } from '../recorder.js';
import { applyStatus } from './apply.js';
import type { TicketContext } from './context.js';
import { lockVisible } from './load.js';

/** Reopen a resolved or closed ticket (the requester or its agents). */
export async function reopenTicket(ctx: TicketContext, key: string): Promise<TicketRow> {
  return ctx.services.db.transaction(async (tx) => {
    const { ticket, watchers } = await lockVisible(tx, ctx.viewer, key);
    if (ticket.status !== 'resolved' && ticket.status !== 'closed')
      throw new AppError('conflict', `${ticket.key} is not resolved or closed`);
    const after = await syncSla(tx, await applyStatus(tx, ctx, ticket, watchers, 'open'), ctx.services.clock.now());
    await recordChange(tx, ctx, 'ticket.reopened', ticket, after);
    return after;
  });
}
