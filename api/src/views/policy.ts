import { and, eq, type SQL } from 'drizzle-orm';
import { savedViews } from '../db/schema.js';
import type { UserRow } from '../http/context.js';

/**
 * Saved views belong to one person: only they read, replace or delete them; to anyone else (an
 * admin too) another's view is as unknown as a missing one (404).
 */
export function ownViews(user: Pick<UserRow, 'id'>): SQL {
  return eq(savedViews.userId, user.id);
}

/** One view, if it is this user's. */
export function ownView(user: Pick<UserRow, 'id'>, id: string): SQL {
  return and(eq(savedViews.id, id), ownViews(user))!;
}
