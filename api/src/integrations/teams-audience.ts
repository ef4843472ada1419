import { and, eq, inArray, sql } from 'drizzle-orm';
import { assignableAgents, TEAMS_REFRESH_USERS_MAX, type TTeamsTicketAudience, isAdmin } from '@deskmate/shared';
import type { DbOrTx } from '../db/client.js';
import { tickets, userIdentities } from '../db/schema.js';
import { notFound } from '../http/errors.js';
import { listAgentDirectory } from '../users/directory.js';

/**
 * Who a ticket's Teams card is for. The people whose card refreshes into their own view: its
 * requester, its assignee, then the agents who work it (its group's, every agent's when it has
 * none, and admins), as far as Teams knows them (the user id the bot kept with their identity),
 * at most Teams' 60. And whom the card's Assign menu offers (the same rule as Slack's menu).
 */
export async function teamsTicketAudience(db: DbOrTx, key: string): Promise<TTeamsTicketAudience> {
  const [ticket] = await db
    .select({ requesterId: tickets.requesterId, assigneeId: tickets.assigneeId, groupId: tickets.groupId })
    .from(tickets)
    .where(eq(tickets.key, key));
  if (!ticket) throw notFound('Ticket');
  const directory = await listAgentDirectory(db);
  const workers = directory.filter((a) => isAdmin(a) || ticket.groupId === null || a.groupIds.includes(ticket.groupId));
  const people = [
    ...new Set([ticket.requesterId, ...(ticket.assigneeId ? [ticket.assigneeId] : []), ...workers.map((a) => a.id)]),
  ];
  // The bot keeps each Teams user's id (their MRI) with their identity; older identities have it
  // only in their personal chat's conversation reference.
  const mri = sql<
    string | null
  >`coalesce(${userIdentities.data}->>'mri', ${userIdentities.data}->'conversationReference'->'user'->>'id')`;
  const rows = await db
    .select({ userId: userIdentities.userId, mri })
    .from(userIdentities)
    .where(and(eq(userIdentities.provider, 'teams'), inArray(userIdentities.userId, people)));
  const byUser = new Map<string, string>();
  for (const r of rows) if (r.mri && !byUser.has(r.userId)) byUser.set(r.userId, r.mri);
  const userIds = people.flatMap((id) => (byUser.has(id) ? [byUser.get(id)!] : []));
  return {
    userIds: [...new Set(userIds)].slice(0, TEAMS_REFRESH_USERS_MAX),
    agents: assignableAgents(directory, {
      group: ticket.groupId ? { id: ticket.groupId } : null,
      assignee: ticket.assigneeId ? { id: ticket.assigneeId } : null,
    }),
  };
}
