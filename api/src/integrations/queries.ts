import { and, eq, sql } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { DbOrTx } from '../db/client.js';
import type { TMessageRefLookupQuery, TMessageRefTicket } from '@deskmate/shared';
import { inboundEvents, userIdentities } from '../db/schema.js';
import { findMessageRefTicket } from '../delivery/message-refs.js';
import { notFound } from '../http/errors.js';

/** Record a provider event id (Slack event_id, Teams activity id): true only the first time. */
export async function recordInboundEvent(
  db: DbOrTx,
  clock: Clock,
  event: { provider: string; eventId: string },
): Promise<boolean> {
  const rows = await db
    .insert(inboundEvents)
    .values({ provider: event.provider, providerEventId: event.eventId, receivedAt: clock.now() })
    .onConflictDoNothing()
    .returning({ id: inboundEvents.id });
  return rows.length === 1;
}

/** Which ticket a chat message Deskmate sent belongs to (404 when it is none of ours). */
export async function lookupMessageRef(db: DbOrTx, query: TMessageRefLookupQuery): Promise<TMessageRefTicket> {
  const ref = await findMessageRefTicket(db, query);
  if (!ref) throw notFound('Message');
  return ref;
}

/**
 * Provider data kept with a chat identity (a Teams personal-chat conversation reference), merged
 * key by key, and returned: the bot keeps what it needs there rather than in its memory.
 */
export async function mergeIdentityData(
  db: DbOrTx,
  identity: { provider: 'slack' | 'teams'; providerUserId: string },
  data: Record<string, unknown> | undefined,
): Promise<Record<string, unknown>> {
  const which = and(
    eq(userIdentities.provider, identity.provider),
    eq(userIdentities.providerUserId, identity.providerUserId),
  );
  const [stored] =
    data && Object.keys(data).length
      ? await db
          .update(userIdentities)
          .set({ data: sql`${userIdentities.data} || ${JSON.stringify(data)}::jsonb` })
          .where(which)
          .returning({ data: userIdentities.data })
      : await db.select({ data: userIdentities.data }).from(userIdentities).where(which);
  return (stored?.data ?? {}) as Record<string, unknown>;
}
