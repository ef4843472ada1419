import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

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
    refKey: text('ref_key'),
    /** pending, sent, skipped (the channel chose not to send: `skipReason` says why), dead. */
    status: text('status').notNull().default('pending'),
    skipReason: text('skip_reason'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** When the last attempt failed (with `lastError`), for the integrations status page. */
    lastFailedAt: timestamp('last_failed_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('deliveries_once_idx').on(t.outboxId, t.channel, t.kind, t.target),
    index('deliveries_status_idx').on(t.status, t.createdAt),
  ],
);

/** The sent message behind a ref key (a ticket's triage card, a person's DM thread), to update in place. */
export const messageRefs = pgTable('message_refs', {
  refKey: text('ref_key').primaryKey(),
  channel: text('channel').notNull(),
  ref: jsonb('ref').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true })
    .notNull()
    .default(sql`now()`),
});
