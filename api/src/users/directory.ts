import { asc, eq, sql } from 'drizzle-orm';
import type { TDirectoryAgent } from '@deskmate/shared';
import type { DbOrTx } from '../db/client.js';
import { groupMembers, users } from '../db/schema.js';
import { isAdmin } from '@deskmate/shared';
import { worksTicketsSql } from './policy.js';

/**
 * The people tickets can be assigned to: active agents and admins, with their groups, by name.
 * Agents need it for the assign menus and may not read the user list (GET /api/users).
 */
export async function listAgentDirectory(db: DbOrTx): Promise<TDirectoryAgent[]> {
  const rows = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      away: users.away,
      groupIds: sql<
        string[]
      >`coalesce(array_agg(${groupMembers.groupId}::text ORDER BY ${groupMembers.groupId}) FILTER (WHERE ${groupMembers.groupId} IS NOT NULL), '{}')`,
    })
    .from(users)
    .leftJoin(groupMembers, eq(groupMembers.userId, users.id))
    .where(worksTicketsSql())
    .groupBy(users.id)
    .orderBy(asc(users.name), asc(users.id));
  return rows.map((r) => ({ ...r, role: isAdmin(r) ? 'admin' : 'agent' }));
}
