import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { notificationDeliveryModes } from '@deskmate/shared';
import { ticketEvents, tickets, users, visibility } from './schema.js';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/**
 * Every Message-ID of a ticket's email thread: the ones we sent (per recipient) and the ones we
 * received, so that In-Reply-To/References of a reply find the ticket, the person it was sent to
 * and whether it carried internal content.
 */
export const emailMessageIds = pgTable(
  'email_message_ids',
  {
    /** Without angle brackets, as written. */
    messageId: text('message_id').primaryKey(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    /** Outgoing: the recipient; incoming: the sender. */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    direction: text('direction').notNull(),
    visibility: visibility('visibility').notNull().default('public'),
    /** email.notification, email.ticket_created, inbound, … */
    kind: text('kind').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('email_message_ids_ticket_idx').on(t.ticketId, t.createdAt),
    check('email_message_ids_direction', sql`${t.direction} IN ('in', 'out')`),
  ],
);

/**
 * What became of each inbound email (webhook or IMAP): replied, noted, created, ignored (auto-replies,
 * bounces, our own mail), rejected (a sender not allowed, a bad token, a rate limit) or failed —
 * with the reason, so an admin can see why a mail did not land.
 */
export const emailInbound = pgTable(
  'email_inbound',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    messageId: text('message_id').notNull(),
    /** imap or webhook */
    source: text('source').notNull(),
    fromAddress: text('from_address'),
    subject: text('subject'),
    outcome: text('outcome').notNull(),
    reason: text('reason'),
    /** token, thread, subject or new: how the ticket was found. */
    matchedBy: text('matched_by'),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    eventId: uuid('event_id').references(() => ticketEvents.id, { onDelete: 'set null' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    details: jsonb('details').notNull().default({}),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('email_inbound_received_idx').on(t.receivedAt),
    index('email_inbound_message_idx').on(t.messageId),
    index('email_inbound_ticket_idx').on(t.ticketId),
  ],
);

export const notificationDelivery = pgEnum('notification_delivery', notificationDeliveryModes);

/**
 * How a person wants to hear about tickets: chat, email, both (the default, when no row exists),
 * or a daily email digest only; and quiet hours during which email waits.
 */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    delivery: notificationDelivery('delivery').notNull().default('both'),
    /** Local wall-clock times `HH:MM`; the window may span midnight (22:00-07:00). */
    quietStart: text('quiet_start'),
    quietEnd: text('quiet_end'),
    /** IANA zone of the quiet hours and the digest; null: the user's zone, else DIGEST_TIME_ZONE. */
    timeZone: text('time_zone'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check(
      'notification_preferences_quiet',
      sql`(${t.quietStart} IS NULL) = (${t.quietEnd} IS NULL) AND (${t.quietStart} IS NULL OR ${t.quietStart} <> ${t.quietEnd})`,
    ),
  ],
);
