import { and, eq, sql, type SQL } from 'drizzle-orm';
import { isAdmin, isAgent, type TTicketActionVia } from '@deskmate/shared';
import type { DbOrTx } from '../db/client.js';
import { groupMembers, ticketEvents, ticketWatchers, tickets } from '../db/schema.js';
import type { UserRow } from '../http/context.js';

// Who may see and change what is decided in one policy.ts per resource folder (tickets, attachments,
// canned, announcements, views, kb, users, groups), beside that resource's routes and service, so
// a folder holds all of a resource (STYLE 2, 3); the role helper they build on is shared/roles.ts.

/** A user with what ticket access depends on: their role and their groups. */
export interface Viewer {
  user: UserRow;
  groupIds: string[];
}

export async function viewerFor(
  db: DbOrTx,
  user: UserRow,
  /** How an agent's groups are read (a batch passes its own, which reads many people's at once). */
  groupIdsOf: (userId: string) => Promise<string[]> = async (userId) =>
    (await db.select({ groupId: groupMembers.groupId }).from(groupMembers).where(eq(groupMembers.userId, userId))).map(
      (r) => r.groupId,
    ),
): Promise<Viewer> {
  if (!isAgent(user)) return { user, groupIds: [] };
  return { user, groupIds: await groupIdsOf(user.id) };
}

/** Re-exported for the ticket commands that import it from here; the helper itself is shared. */
export { isAgent };

type Access = { requesterId: string; assigneeId: string | null; groupId: string | null };

/**
 * Who sees a ticket: its requester and watchers; agents for tickets of their groups, tickets
 * assigned to them and tickets not yet routed to any group; admins all.
 */
export function canView(viewer: Viewer, ticket: Access, watcherIds: readonly string[]): boolean {
  const { user } = viewer;
  if (isAdmin(user)) return true;
  if (ticket.requesterId === user.id || watcherIds.includes(user.id)) return true;
  if (!isAgent(user)) return false;
  return ticket.assigneeId === user.id || ticket.groupId === null || viewer.groupIds.includes(ticket.groupId);
}

/** Who works a ticket (claim, assign, status, notes): agents who can see it, as agents. */
export function canWork(viewer: Viewer, ticket: Access): boolean {
  const { user } = viewer;
  if (isAdmin(user)) return true;
  if (!isAgent(user)) return false;
  return ticket.assigneeId === user.id || ticket.groupId === null || viewer.groupIds.includes(ticket.groupId);
}

/**
 * Who may act on a ticket from where the request says it came (`via`). The triage card is the
 * desk's: only agents act from it, even on a ticket they requested themselves, although a
 * requester may reply to or resolve their own ticket from their DM or the portal (no `via`).
 * The bots say where a click came from and show the refusal; they do not check roles (#17).
 */
export function canActVia(viewer: Viewer, via: TTicketActionVia | undefined): boolean {
  return via === undefined || isAgent(viewer.user);
}

/**
 * Who reads a ticket's audit trail (every change with its before and after values): those who
 * work it. A requester or watcher sees the timeline instead.
 */
export function canReadAudit(viewer: Viewer, ticket: Access): boolean {
  return canWork(viewer, ticket);
}

/** May this viewer read internal notes of this ticket (and their files)? Only those who work it. */
export const seesInternal = (viewer: Viewer, ticket: Access): boolean => canWork(viewer, ticket);

export type Visible = Access & { id: string };

/** The ticket's timeline events this viewer may read: all of them, or the public ones. */
export function eventsVisibleTo(viewer: Viewer, ticket: Visible): SQL {
  const own = eq(ticketEvents.ticketId, ticket.id);
  return seesInternal(viewer, ticket) ? own : and(own, eq(ticketEvents.visibility, 'public'))!;
}

/** The same rule as `canView`, as SQL for lists and search. */
export function visibleTo(viewer: Viewer): SQL | undefined {
  const { user } = viewer;
  if (isAdmin(user)) return undefined;
  const own = sql`(${tickets.requesterId} = ${user.id} OR EXISTS (SELECT 1 FROM ${ticketWatchers} w WHERE w.ticket_id = ${tickets.id} AND w.user_id = ${user.id}))`;
  if (!isAgent(user)) return own;
  const groups = viewer.groupIds.length
    ? sql`${tickets.groupId} IN (${sql.join(
        viewer.groupIds.map((g) => sql`${g}`),
        sql`, `,
      )})`
    : sql`FALSE`;
  return sql`(${own} OR ${tickets.assigneeId} = ${user.id} OR ${tickets.groupId} IS NULL OR ${groups})`;
}
