import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { ticketWatchers, tickets, userSessions, users } from '../db/schema.js';

/** No session (an integration acting for a user): matches no row. */
const NO_SESSION = '00000000-0000-0000-0000-000000000000';

/** What the ticket policy needs to decide whether a live event of a ticket may reach someone. */
export type TicketAccess = {
  requesterId: string;
  assigneeId: string | null;
  groupId: string | null;
  watchers: string[];
} | null;

export async function ticketAccess(db: DbOrTx, ticketId: string): Promise<TicketAccess> {
  const [t] = await db
    .select({ requesterId: tickets.requesterId, assigneeId: tickets.assigneeId, groupId: tickets.groupId })
    .from(tickets)
    .where(eq(tickets.id, ticketId));
  if (!t) return null;
  const w = await db
    .select({ userId: ticketWatchers.userId })
    .from(ticketWatchers)
    .where(eq(ticketWatchers.ticketId, ticketId));
  return { ...t, watchers: w.map((r) => r.userId) };
}

/** The stream holder as they are now: token version, active, role, and whether their session was revoked. */
export async function streamHolder(db: DbOrTx, userId: string, sid: string | null) {
  const [u] = await db
    .select({
      tv: users.tokenVersion,
      active: users.active,
      role: users.role,
      sessionRevoked: sql<boolean>`${userSessions.id} IS NULL OR ${userSessions.revokedAt} IS NOT NULL`,
    })
    .from(users)
    .leftJoin(userSessions, and(eq(userSessions.id, sid ?? NO_SESSION), eq(userSessions.userId, users.id)))
    .where(eq(users.id, userId));
  return u;
}
