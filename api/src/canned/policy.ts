import { eq, or, type SQL } from 'drizzle-orm';
import { isAdmin } from '@deskmate/shared';
import { cannedResponses } from '../db/schema.js';
import type { UserRow } from '../http/context.js';

type Canned = { shared: boolean; createdBy: string | null };

/** Who may read (and use) a canned response: a shared one any agent, a private one its author; admins all. */
export function canReadCanned(user: UserRow, row: Canned): boolean {
  return row.shared || row.createdBy === user.id || isAdmin(user);
}

/** Who may change or delete a canned response: its author or an admin. */
export function canEditCanned(user: UserRow, row: Canned): boolean {
  return row.createdBy === user.id || isAdmin(user);
}

/** What the list shows: the shared responses and the user's own (an admin's list too; others' drafts stay out of it). */
export function listedCanned(user: UserRow): SQL {
  return or(eq(cannedResponses.shared, true), eq(cannedResponses.createdBy, user.id))!;
}
