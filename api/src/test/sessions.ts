import { userSessions } from '../db/schema.js';
import type { Db } from '../db/client.js';

type NewSession = typeof userSessions.$inferInsert;

// Session rows of tokens that `sessionCookie` minted, by database name, not yet written.
const unsaved = new Map<string, NewSession[]>();

/** Remember a session row to write before the next request to an app on `database`. */
export function queueTestSession(database: string, row: NewSession): void {
  const rows = unsaved.get(database) ?? [];
  rows.push(row);
  unsaved.set(database, rows);
}

/**
 * Write the queued session rows of `database` (TestApp.fetch calls this before each request), so
 * a test can mint a session cookie synchronously and still be checked against a real row.
 */
export async function saveTestSessions(db: Db, database: string): Promise<void> {
  const rows = unsaved.get(database);
  if (!rows?.length) return;
  unsaved.delete(database);
  await db.insert(userSessions).values(rows).onConflictDoNothing();
}
