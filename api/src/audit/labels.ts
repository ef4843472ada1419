import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { groups, tickets, users } from '../db/schema.js';

type AuditRef = { entityType: string; entityId: string | null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What people call the entities of some audit rows: a ticket by its key (IT-1042), a user and a
 * group by name. Keyed `type:id`; an entity since deleted (or of another type) has no label.
 */
export async function auditEntityLabels(db: DbOrTx, rows: readonly AuditRef[]): Promise<Map<string, string>> {
  const ids = (type: string) => [
    ...new Set(
      rows.filter((r) => r.entityType === type && r.entityId && UUID.test(r.entityId)).map((r) => r.entityId!),
    ),
  ];
  const [ticketIds, userIds, groupIds] = [ids('ticket'), ids('user'), ids('group')];
  const [ticketRows, userRows, groupRows] = await Promise.all([
    ticketIds.length
      ? db.select({ id: tickets.id, label: tickets.key }).from(tickets).where(inArray(tickets.id, ticketIds))
      : [],
    userIds.length ? db.select({ id: users.id, label: users.name }).from(users).where(inArray(users.id, userIds)) : [],
    groupIds.length
      ? db.select({ id: groups.id, label: groups.name }).from(groups).where(inArray(groups.id, groupIds))
      : [],
  ]);
  const labels = new Map<string, string>();
  for (const [type, found] of [
    ['ticket', ticketRows],
    ['user', userRows],
    ['group', groupRows],
  ] as const)
    for (const r of found) labels.set(`${type}:${r.id}`, r.label);
  return labels;
}

export const auditLabelKey = (row: AuditRef): string => `${row.entityType}:${row.entityId ?? ''}`;
