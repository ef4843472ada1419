import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { TGroup } from '@deskmate/shared';
import { recordAudit, type Actor } from '../audit/record.js';
import type { DbOrTx } from '../db/client.js';
import { groupMembers, groups, users } from '../db/schema.js';
import { AppError, notFound } from '../http/errors.js';
import type { Services } from '../http/context.js';
import { mayBeGroupMember } from './policy.js';

type GroupRow = typeof groups.$inferSelect;

export function presentGroup(group: GroupRow, memberIds: string[]): TGroup {
  return {
    id: group.id,
    name: group.name,
    description: group.description,
    roundRobin: group.roundRobin,
    memberIds,
    createdAt: group.createdAt.toISOString(),
  };
}

async function membersOf(db: DbOrTx, ids: string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>(ids.map((id) => [id, []]));
  if (!ids.length) return map;
  const rows = await db.select().from(groupMembers).where(inArray(groupMembers.groupId, ids));
  for (const r of rows) map.get(r.groupId)?.push(r.userId);
  return map;
}

export async function listGroups(db: DbOrTx): Promise<TGroup[]> {
  const rows = await db.select().from(groups).orderBy(asc(groups.name));
  const members = await membersOf(
    db,
    rows.map((g) => g.id),
  );
  return rows.map((g) => presentGroup(g, members.get(g.id) ?? []));
}

export async function getGroup(db: DbOrTx, id: string): Promise<TGroup> {
  const [row] = await db.select().from(groups).where(eq(groups.id, id));
  if (!row) throw notFound('Group');
  return presentGroup(row, (await membersOf(db, [id])).get(id) ?? []);
}

/** Members must be active agents or admins. */
async function assertAgents(db: DbOrTx, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const rows = await db
    .select({ id: users.id, role: users.role, active: users.active })
    .from(users)
    .where(inArray(users.id, ids));
  const bad = ids.filter((id) => {
    const u = rows.find((r) => r.id === id);
    return !mayBeGroupMember(u);
  });
  if (bad.length)
    throw new AppError(
      'validation_failed',
      'Group members must be active agents or admins',
      bad.map((id) => ({ path: 'body.memberIds', message: `${id} is not an active agent` })),
    );
}

function uniqueName(err: unknown): never {
  if ((err as { cause?: { constraint?: string } }).cause?.constraint === 'groups_name_lower_idx') {
    throw new AppError('conflict', 'A group with this name already exists');
  }
  throw err;
}

export async function createGroup(
  services: Services,
  input: {
    name: string;
    description?: string | null | undefined;
    roundRobin?: boolean | undefined;
    memberIds?: string[] | undefined;
  },
  actor: Actor,
): Promise<TGroup> {
  return services.db
    .transaction(async (tx) => {
      const memberIds = [...new Set(input.memberIds ?? [])];
      await assertAgents(tx, memberIds);
      const [row] = await tx
        .insert(groups)
        .values({ name: input.name, description: input.description ?? null, roundRobin: input.roundRobin ?? false })
        .returning();
      if (memberIds.length)
        await tx.insert(groupMembers).values(memberIds.map((userId) => ({ groupId: row!.id, userId })));
      const group = presentGroup(row!, memberIds);
      await recordAudit(tx, actor, { action: 'group.created', entityType: 'group', entityId: row!.id, after: group });
      return group;
    })
    .catch(uniqueName);
}

export async function updateGroup(
  services: Services,
  id: string,
  patch: { name?: string | undefined; description?: string | null | undefined; roundRobin?: boolean | undefined },
  actor: Actor,
): Promise<TGroup> {
  return services.db
    .transaction(async (tx) => {
      const before = await getGroup(tx, id);
      const values = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      if (Object.keys(values).length)
        await tx
          .update(groups)
          .set({ ...values, updatedAt: sql`now()` })
          .where(eq(groups.id, id));
      const after = await getGroup(tx, id);
      await recordAudit(tx, actor, { action: 'group.updated', entityType: 'group', entityId: id, before, after });
      return after;
    })
    .catch(uniqueName);
}

export async function setGroupMembers(
  services: Services,
  id: string,
  memberIds: string[],
  actor: Actor,
): Promise<TGroup> {
  return services.db.transaction(async (tx) => {
    const before = await getGroup(tx, id);
    const wanted = [...new Set(memberIds)];
    await assertAgents(tx, wanted);
    const removed = before.memberIds.filter((m) => !wanted.includes(m));
    const added = wanted.filter((m) => !before.memberIds.includes(m));
    if (removed.length)
      await tx
        .delete(groupMembers)
        .where(sql`${groupMembers.groupId} = ${id} AND ${inArray(groupMembers.userId, removed)}`);
    if (added.length) await tx.insert(groupMembers).values(added.map((userId) => ({ groupId: id, userId })));
    const after = await getGroup(tx, id);
    await recordAudit(tx, actor, { action: 'group.members_changed', entityType: 'group', entityId: id, before, after });
    return after;
  });
}

export async function deleteGroup(services: Services, id: string, actor: Actor): Promise<void> {
  await services.db.transaction(async (tx) => {
    const before = await getGroup(tx, id);
    await tx.execute(sql`UPDATE tickets SET group_id = NULL WHERE group_id = ${id}`);
    await tx.delete(groups).where(eq(groups.id, id));
    await recordAudit(tx, actor, { action: 'group.deleted', entityType: 'group', entityId: id, before });
  });
}
