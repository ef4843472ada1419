import { randomBytes } from 'node:crypto';
import type { TTicketPriority, TTicketStatus, TUserRole } from '@deskmate/shared';
import type { Db } from '../db/client.js';
import { groupMembers, groups, tickets, users } from '../db/schema.js';
import { nextTicketKey } from '../tickets/keys.js';
import { ticketColumns, type TicketRow } from '../tickets/presenter.js';

const unique = () => randomBytes(4).toString('hex');

export type UserRow = typeof users.$inferSelect;
export type GroupRow = typeof groups.$inferSelect;
export type { TicketRow } from '../tickets/presenter.js';

/** Factories build what a test needs, with sensible defaults that any test may override. */
export async function createUser(
  db: Db,
  overrides: Partial<typeof users.$inferInsert> & { role?: TUserRole } = {},
): Promise<UserRow> {
  const id = unique();
  const [row] = await db
    .insert(users)
    .values({ email: `user-${id}@example.test`, name: `User ${id}`, role: 'requester', ...overrides })
    .returning();
  return row!;
}

export async function createGroup(
  db: Db,
  overrides: Partial<typeof groups.$inferInsert> & { members?: string[] } = {},
): Promise<GroupRow> {
  const { members = [], ...values } = overrides;
  const [row] = await db
    .insert(groups)
    .values({ name: `Group ${unique()}`, ...values })
    .returning();
  if (members.length) await db.insert(groupMembers).values(members.map((userId) => ({ groupId: row!.id, userId })));
  return row!;
}

export async function createTicket(
  db: Db,
  overrides: Partial<typeof tickets.$inferInsert> & {
    requesterId?: string;
    status?: TTicketStatus;
    priority?: TTicketPriority;
  } = {},
): Promise<TicketRow> {
  const requesterId = overrides.requesterId ?? (await createUser(db)).id;
  const { number, key } = await nextTicketKey(db, 'IT');
  const [row] = await db
    .insert(tickets)
    .values({ number, key, title: `Ticket ${unique()}`, description: 'Something is broken', ...overrides, requesterId })
    // The columns a ticket row has (not the derived SLA ones): migration tests create tickets in
    // schemas from before those columns.
    .returning(ticketColumns);
  return row!;
}
