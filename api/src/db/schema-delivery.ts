import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { TDeliveryChannel, TMessageRefPurpose } from '@deskmate/shared';
import { tickets, users, visibility } from './schema.js';

/**
 * One message a channel sends for an outbox row (a Slack DM, a Teams card, an email), with its
 * own retries: a failure on one channel never repeats another channel's message.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    outboxId: bigint('outbox_id', { mode: 'number' }).notNull(),
    channel: text('channel').notNull(),
    kind: text('kind').notNull(),
    target: text('target').notNull(),
    /** The plan's ref key (see TMessageRefKey), when the message is one updated in place or threaded under. */
    refPurpose: text('ref_purpose').$type<TMessageRefPurpose>(),
    refTicketId: uuid('ref_ticket_id'),
    refUserId: uuid('ref_user_id'),
    /** pending, sent, skipped (the channel chose not to send: `skipReason` says why), dead. */
    status: text('status').notNull().default('pending'),
    skipReason: text('skip_reason'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** When the last attempt failed (with `lastError`), for the integrations status page. */
    lastFailedAt: timestamp('last_failed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    /** When a pending delivery is due: now when planned, later after a failure (the retry's backoff). */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * The run of a worker that claimed it (DeliveryRunner), and when that run last showed it is
     * alive: a claim older than JOBS_LOCK_LIFETIME is a dead worker's, and another may take it.
     */
    runId: uuid('run_id'),
    runSeenAt: timestamp('run_seen_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('deliveries_once_idx').on(t.outboxId, t.channel, t.kind, t.target),
    index('deliveries_status_idx').on(t.status, t.createdAt),
    index('deliveries_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    check(
      'deliveries_ref_shape',
      sql`(${t.refPurpose} IS NULL AND ${t.refTicketId} IS NULL AND ${t.refUserId} IS NULL)
        OR (${t.refPurpose} = 'triage_card' AND ${t.refTicketId} IS NOT NULL AND ${t.refUserId} IS NULL)
        OR (${t.refPurpose} IN ('dm_thread', 'email_thread') AND ${t.refTicketId} IS NOT NULL AND ${t.refUserId} IS NOT NULL)`,
    ),
  ],
);

/**
 * The sent message behind a ref key (a ticket's triage card, a person's DM or email thread of a
 * ticket), to update in place or thread under, and to trace a message written in its thread back
 * to its ticket. One row per channel and ref key.
 */
export const messageRefs = pgTable(
  'message_refs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The channel that sent it: slack, teams, email. */
    provider: text('provider').$type<TDeliveryChannel>().notNull(),
    purpose: text('purpose').$type<TMessageRefPurpose>().notNull(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    /** Whose thread it is (dm_thread, email_thread); null for a ticket's triage card. */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    /** What a message written in its thread becomes (see messageRefVisibility); null for email. */
    visibility: visibility('visibility'),
    /** Slack channel id, Teams conversation id, email thread root. */
    conversationId: text('conversation_id').notNull(),
    /** Slack ts, Teams activity id, email Message-ID: the message a thread hangs under. */
    messageId: text('message_id').notNull(),
    /** Whatever else the channel keeps with the handle (a Teams service URL, email References). */
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .default(sql`now()`),
  },
  (t) => [
    uniqueIndex('message_refs_card_idx')
      .on(t.provider, t.purpose, t.ticketId)
      .where(sql`${t.userId} IS NULL`),
    uniqueIndex('message_refs_person_idx')
      .on(t.provider, t.purpose, t.ticketId, t.userId)
      .where(sql`${t.userId} IS NOT NULL`),
    // A message written in a thread: which of ours is its root?
    index('message_refs_message_idx').on(t.provider, t.conversationId, t.messageId),
    check('message_refs_provider', sql`${t.provider} IN ('slack', 'teams', 'email')`),
    check(
      'message_refs_purpose_shape',
      sql`(${t.purpose} = 'triage_card' AND ${t.userId} IS NULL AND ${t.visibility} = 'internal')
        OR (${t.purpose} = 'dm_thread' AND ${t.userId} IS NOT NULL AND ${t.visibility} = 'public')
        OR (${t.purpose} = 'email_thread' AND ${t.provider} = 'email' AND ${t.userId} IS NOT NULL AND ${t.visibility} IS NULL)`,
    ),
  ],
);
