import { and, eq } from 'drizzle-orm';
import { ticketWatchers, users } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import { canWork } from '../policy.js';
import type { TicketRow } from '../presenter.js';
import { recordChange, recordEvent } from '../recorder.js';
import { applyRaw } from './apply.js';
import type { TicketContext } from './context.js';
import { lockVisible } from './load.js';

/**
 * Watchers: agents who work the ticket add or remove anyone; a requester adds or removes people on
 * their own ticket; anyone who can see a ticket may remove themselves.
 */
export async function setWatcher(
  ctx: TicketContext,
  key: string,
  userId: string,
  watching: boolean,
): Promise<TicketRow> {
  return ctx.services.db.transaction(async (tx) => {
    const { ticket } = await lockVisible(tx, ctx.viewer, key);
    const self = userId === ctx.viewer.user.id;
    const allowed = canWork(ctx.viewer, ticket) || ticket.requesterId === ctx.viewer.user.id || (self && !watching);
    if (!allowed) throw new AppError('forbidden', 'Only the requester or the ticket’s agents can change its watchers');
    const [target] = await tx
      .select({ id: users.id, active: users.active, name: users.name })
      .from(users)
      .where(eq(users.id, userId));
    if (!target?.active) throw new AppError('validation_failed', 'Invalid userId: no such active user');
    if (watching) {
      const added = await tx
        .insert(ticketWatchers)
        .values({ ticketId: ticket.id, userId, addedBy: ctx.actor.userId })
        .onConflictDoNothing()
        .returning();
      if (!added.length) return ticket;
    } else {
      const removed = await tx
        .delete(ticketWatchers)
        .where(and(eq(ticketWatchers.ticketId, ticket.id), eq(ticketWatchers.userId, userId)))
        .returning();
      if (!removed.length) return ticket;
    }
    const after = await applyRaw(tx, ctx, ticket, {});
    await recordEvent(tx, ctx, after, {
      kind: 'system',
      visibility: 'internal',
      body: `${target.name} ${watching ? 'now watches' : 'no longer watches'} this ticket`,
      data: { type: watching ? 'watcher_added' : 'watcher_removed', userId },
    });
    await recordChange(tx, ctx, watching ? 'ticket.watcher_added' : 'ticket.watcher_removed', ticket, after);
    return after;
  });
}
