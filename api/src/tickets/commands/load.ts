import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { ticketWatchers, tickets } from '../../db/schema.js';
import { AppError, notFound } from '../../http/errors.js';
import { canView, canWork, type Viewer } from '../policy.js';
import { ticketColumns, type TicketRow } from '../presenter.js';

export async function watcherIds(db: DbOrTx, ticketId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: ticketWatchers.userId })
    .from(ticketWatchers)
    .where(eq(ticketWatchers.ticketId, ticketId));
  return rows.map((r) => r.userId);
}

/** Load a ticket the viewer may see, locked for update; anything else is 404 (no IDOR oracle). */
export async function lockVisible(
  tx: DbOrTx,
  viewer: Viewer,
  key: string,
): Promise<{ ticket: TicketRow; watchers: string[] }> {
  const [ticket] = await tx.select(ticketColumns).from(tickets).where(eq(tickets.key, key)).for('update');
  if (!ticket) throw notFound('Ticket');
  const watchers = await watcherIds(tx, ticket.id);
  if (!canView(viewer, ticket, watchers)) throw notFound('Ticket');
  return { ticket, watchers };
}

export function assertWorker(viewer: Viewer, ticket: TicketRow): void {
  if (!canWork(viewer, ticket)) throw new AppError('forbidden', 'Only agents working this ticket can do this');
}

/** A ticket the viewer may see (not locked); anything else is 404. */
export async function getVisibleTicket(db: DbOrTx, viewer: Viewer, key: string): Promise<TicketRow> {
  const [ticket] = await db.select(ticketColumns).from(tickets).where(eq(tickets.key, key));
  if (!ticket || !canView(viewer, ticket, await watcherIds(db, ticket.id))) throw notFound('Ticket');
  return ticket;
}
