import { and, desc, eq, isNull, lt, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { notifications } from '../db/schema.js';
import { AppError, notFound } from '../http/errors.js';
import { presentNotification } from './service.js';

// A person's own notifications: every query here is scoped to its user id, so another user's
// notification is as unknown as a missing one (404), never readable or markable.

const PAGE = 50;

function decodeCursor(cursor: string): [string, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/.test(id)) throw new Error();
    return [at, id];
  } catch {
    throw new AppError('validation_failed', 'Invalid query.cursor: use the nextCursor of a previous page');
  }
}

/** One page of a user's notifications, newest first (only the unread ones when asked). */
export async function notificationPage(
  db: DbOrTx,
  userId: string,
  query: { unread?: 'true' | 'false'; cursor?: string },
) {
  const where: SQL[] = [eq(notifications.userId, userId)];
  if (query.unread === 'true') where.push(isNull(notifications.readAt));
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor);
    where.push(
      or(
        lt(notifications.createdAt, new Date(at)),
        and(eq(notifications.createdAt, new Date(at)), lt(notifications.id, id)),
      )!,
    );
  }
  const rows = await db
    .select()
    .from(notifications)
    .where(and(...where))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(PAGE + 1);
  const page = rows.slice(0, PAGE);
  const last = page.at(-1);
  return {
    items: page.map(presentNotification),
    nextCursor:
      rows.length > PAGE && last
        ? Buffer.from(JSON.stringify([last.createdAt.toISOString(), last.id])).toString('base64url')
        : null,
  };
}

/** Mark one of the user's notifications read or unread. */
export async function setRead(db: DbOrTx, userId: string, id: string, read: boolean, now: Date) {
  const [row] = await db
    .update(notifications)
    .set({ readAt: read ? now : null })
    .where(and(eq(notifications.id, id), eq(notifications.userId, userId)))
    .returning();
  if (!row) throw notFound('Notification');
  return presentNotification(row);
}

/** Mark all the user's notifications read; how many were unread. */
export async function readAll(db: DbOrTx, userId: string, now: Date): Promise<number> {
  const rows = await db
    .update(notifications)
    .set({ readAt: now })
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return rows.length;
}
