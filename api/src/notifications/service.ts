import { randomUUID } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { TNotification } from '@deskmate/shared';
import { atCommit, type DbOrTx } from '../db/client.js';
import { notifications, users } from '../db/schema.js';
import { queueOutbox } from '../delivery/outbox.js';
import { publishLiveMany } from '../live/bus.js';

export type NotificationType = TNotification['type'];

export interface NotifyInput {
  userIds: (string | null | undefined)[];
  type: NotificationType;
  ticket: { id: string; key: string } | null;
  title: string;
  body?: string;
  /** Internal content may reach agents and admins only: requesters are dropped by construction. */
  visibility: 'public' | 'internal';
  /** Whoever caused it is not notified of their own action. */
  actorId: string | null;
  /** The timeline event it is about (a reply), so a channel can show it in full. */
  eventId?: string;
  /**
   * The caller has just read these users as active (the round-robin pick, a statement before the
   * create's transaction): a public notification to them needs no read of the recipients.
   */
  activeKnown?: boolean;
}

/**
 * Write in-app notifications, one outbox row each for chat and email delivery, and a live event
 * per recipient — all in the caller's transaction, at its end when it is one (`notifyMany`).
 */
export async function notify(tx: DbOrTx, input: NotifyInput): Promise<string[]> {
  return notifyMany(tx, [input]);
}

export function presentNotification(row: typeof notifications.$inferSelect): TNotification {
  const data = row.data as { ticketKey?: string | null };
  return {
    id: row.id,
    type: row.type as NotificationType,
    ticketKey: data.ticketKey ?? null,
    title: row.title,
    body: row.body,
    read: row.readAt !== null,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function unreadCount(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), sql`${notifications.readAt} IS NULL`));
  return row?.n ?? 0;
}

/**
 * Notifications, many at once (the SLA sweep, reminders) or one (`notify`): the actor is skipped,
 * inactive users dropped, requesters never get internal content. One statement reads the
 * recipients; the notifications, their outbox rows and the live events are written with the
 * transaction's other put-off writes at its end (`atCommit`), or at once outside one.
 */
export async function notifyMany(tx: DbOrTx, inputs: NotifyInput[]): Promise<string[]> {
  const wanted = inputs.map((input) => [
    ...new Set(input.userIds.filter((id): id is string => Boolean(id) && id !== input.actorId)),
  ]);
  const allIds = [...new Set(wanted.flat())];
  if (!allIds.length) return [];
  // The role only keeps internal content from requesters; for public content to people known to be
  // active, nothing is left to read.
  const known = inputs.every((input) => input.activeKnown && input.visibility === 'public');
  const recipients = known
    ? allIds.map((id) => ({ id, role: null }))
    : await tx
        .select({ id: users.id, role: users.role })
        .from(users)
        .where(and(inArray(users.id, allIds), eq(users.active, true)));
  const roles = new Map<string, string | null>(recipients.map((r) => [r.id, r.role]));
  const values = inputs.flatMap((input, i) =>
    wanted[i]!.filter((id) => roles.has(id) && (input.visibility === 'public' || roles.get(id) !== 'requester')).map(
      (userId) => ({
        input,
        row: {
          // Ids made here: each outbox row names its notification, and both are written at commit.
          id: randomUUID(),
          userId,
          type: input.type,
          ticketId: input.ticket?.id ?? null,
          title: input.title,
          body: input.body ?? '',
          data: {
            ticketKey: input.ticket?.key ?? null,
            visibility: input.visibility,
            ...(input.eventId ? { eventId: input.eventId } : {}),
          },
        },
      }),
    ),
  );
  if (!values.length) return [];
  const rows = values.map((v) => v.row);
  await atCommit(tx, 'notifications', rows, (all) => tx.insert(notifications).values(all));
  await queueOutbox(
    tx,
    'notification.deliver',
    rows.map((n, i) => ({
      dedupeKey: `notification:${n.id}`,
      payload: {
        notificationId: n.id,
        userId: n.userId,
        type: values[i]!.input.type,
        ticketKey: values[i]!.input.ticket?.key ?? null,
        visibility: values[i]!.input.visibility,
      },
    })),
    'fail',
  );
  // One live event per person is enough: their inbox reloads what is new.
  await publishLiveMany(
    tx,
    [...new Set(rows.map((n) => n.userId))].map((userId) => ({
      type: 'notification.created',
      userId,
      visibility: 'public',
    })),
  );
  return rows.map((n) => n.id);
}
