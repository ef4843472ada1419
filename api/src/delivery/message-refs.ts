import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import {
  messageRefVisibility,
  type TDeliveryChannel,
  type TMessageRef,
  type TMessageRefKey,
  type TMessageRefLookupQuery,
  type TMessageRefPurpose,
  type TMessageRefTicket,
} from '@deskmate/shared';
import { atCommit, type DbOrTx } from '../db/client.js';
import { tickets } from '../db/schema.js';
import { messageRefs } from '../db/schema-delivery.js';

/**
 * The one home of `message_refs`: what a delivery updates in place or threads under, and which
 * ticket a message written in a thread belongs to. A ref key is typed (TMessageRefKey) and stored
 * as columns; nothing here builds or parses a string key.
 */

/** A ref key as `deliveries` stores it. */
export function refKeyColumns(key: TMessageRefKey | null): {
  refPurpose: TMessageRefPurpose | null;
  refTicketId: string | null;
  refUserId: string | null;
} {
  if (!key) return { refPurpose: null, refTicketId: null, refUserId: null };
  return { refPurpose: key.purpose, refTicketId: key.ticketId, refUserId: 'userId' in key ? key.userId : null };
}

/** The ref key stored as columns (a delivery's, a message ref's); null when there is none. */
export function refKeyOf(row: {
  purpose: TMessageRefPurpose | null;
  ticketId: string | null;
  userId: string | null;
}): TMessageRefKey | null {
  const { purpose, ticketId, userId } = row;
  if (!purpose || !ticketId) return null;
  if (purpose === 'triage_card') return { purpose, ticketId };
  // The table's check constraint rules a thread without its person out.
  return userId ? { purpose, ticketId, userId } : null;
}

/** The message ref of this ref key on this channel, as a condition on `message_refs` (to read it with a join). */
export const refKeyWhere = (channel: TDeliveryChannel, key: TMessageRefKey): SQL | undefined =>
  and(
    eq(messageRefs.provider, channel),
    eq(messageRefs.purpose, key.purpose),
    eq(messageRefs.ticketId, key.ticketId),
    'userId' in key ? eq(messageRefs.userId, key.userId) : isNull(messageRefs.userId),
  );

/**
 * The advisory lock under which deliveries that share a ref key run one at a time, so an update
 * never races the first post (a name to hash, never parsed).
 */
export const refLockName = (channel: TDeliveryChannel, key: TMessageRefKey): string =>
  ['ref', channel, key.purpose, key.ticketId, 'userId' in key ? key.userId : ''].join(':');

/** Take the ref key's lock until the end of this transaction. */
export async function lockRefKey(tx: DbOrTx, channel: TDeliveryChannel, key: TMessageRefKey): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${refLockName(channel, key)}, 0))`);
}

/** The message sent earlier for this ref key on this channel, as the channel returned it. */
export async function loadMessageRef(
  db: DbOrTx,
  channel: TDeliveryChannel,
  key: TMessageRefKey,
): Promise<TMessageRef | null> {
  const [row] = await db.select(messageRefColumns).from(messageRefs).where(refKeyWhere(channel, key));
  return messageRefOf(row);
}

/** The columns a message ref is read from (`messageRefOf` makes them one). */
export const messageRefColumns = {
  conversation: messageRefs.conversationId,
  message: messageRefs.messageId,
  data: messageRefs.data,
};

/** A ref as the channel returned it, from `messageRefColumns` (all null from an outer join: none). */
export function messageRefOf(
  row: { conversation: string | null; message: string | null; data: Record<string, unknown> | null } | undefined,
): TMessageRef | null {
  return row?.conversation != null && row.message != null
    ? { ...row.data, conversation: row.conversation, message: row.message }
    : null;
}

/**
 * Keep (or replace) the message sent for this ref key on this channel: in a transaction, with its
 * other writes at its end (`atCommit`; the ref key's lock is held until then).
 */
export async function saveMessageRef(
  db: DbOrTx,
  channel: TDeliveryChannel,
  key: TMessageRefKey,
  ref: TMessageRef,
  now: Date,
): Promise<void> {
  const { conversation, message, ...data } = ref;
  const handle = { conversationId: conversation, messageId: message, data, updatedAt: now };
  const person = 'userId' in key;
  const row = {
    provider: channel,
    purpose: key.purpose,
    ticketId: key.ticketId,
    userId: person ? key.userId : null,
    visibility: messageRefVisibility[key.purpose],
    ...handle,
  };
  await atCommit(db, `message_ref:${refLockName(channel, key)}`, [row], (rows) =>
    db
      .insert(messageRefs)
      .values(rows)
      // The two partial unique indexes: a triage card per ticket, a thread per ticket and person.
      .onConflictDoUpdate(
        person
          ? {
              target: [messageRefs.provider, messageRefs.purpose, messageRefs.ticketId, messageRefs.userId],
              targetWhere: sql`user_id IS NOT NULL`,
              set: handle,
            }
          : {
              target: [messageRefs.provider, messageRefs.purpose, messageRefs.ticketId],
              targetWhere: sql`user_id IS NULL`,
              set: handle,
            },
      ),
  );
}

/**
 * Which ticket a chat message Deskmate sent belongs to (its triage card, a person's DM thread),
 * and what a message written in its thread becomes; null when it is not one of ours.
 */
export async function findMessageRefTicket(db: DbOrTx, q: TMessageRefLookupQuery): Promise<TMessageRefTicket | null> {
  const [row] = await db
    .select({ purpose: messageRefs.purpose, userId: messageRefs.userId, ticketKey: tickets.key })
    .from(messageRefs)
    .innerJoin(tickets, eq(tickets.id, messageRefs.ticketId))
    .where(
      and(
        eq(messageRefs.provider, q.channel),
        eq(messageRefs.conversationId, q.conversation),
        eq(messageRefs.messageId, q.message),
      ),
    )
    .limit(1);
  if (row?.purpose === 'triage_card') return { purpose: row.purpose, visibility: 'internal', ticketKey: row.ticketKey };
  if (row?.purpose === 'dm_thread' && row.userId)
    return { purpose: row.purpose, visibility: 'public', ticketKey: row.ticketKey, userId: row.userId };
  return null;
}
