import { sql } from 'drizzle-orm';
import {
  check,
  customType,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { ticketEvents, tickets, users } from './schema.js';
import { emailInbound } from './schema-email.js';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/** Where a file came from: an inbound email, an upload in the console or portal, a chat message. */
export const attachmentSources = ['email', 'upload', 'chat'] as const;
export const attachmentSource = pgEnum('attachment_source', attachmentSources);

/**
 * Every file on a ticket, kept in the database. A file belongs to the ticket itself (its opening
 * mail, the files of a new ticket: `eventId` null) or to the timeline event that brought it, and
 * is seen by whoever sees that event (`attachmentsVisibleTo`). An upload waits with no ticket
 * until the reply, note or new ticket of its uploader references it; unreferenced ones are purged
 * after a day.
 */
export const attachments = pgTable(
  'attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    source: attachmentSource('source').notNull(),
    /** Null only for an upload not attached yet. */
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'cascade' }),
    eventId: uuid('event_id').references(() => ticketEvents.id, { onDelete: 'set null' }),
    inboundId: uuid('inbound_id').references(() => emailInbound.id, { onDelete: 'set null' }),
    /** Who uploaded it (uploads): only they may attach it. */
    uploaderId: uuid('uploader_id').references(() => users.id, { onDelete: 'set null' }),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    /** A small preview of an image, made the first time it is asked for. */
    thumbnail: bytea('thumbnail'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** When an upload was attached (null for files that came with their message). */
    attachedAt: timestamp('attached_at', { withTimezone: true }),
  },
  (t) => [
    index('attachments_ticket_idx').on(t.ticketId, t.createdAt),
    index('attachments_event_idx').on(t.eventId),
    index('attachments_pending_idx')
      .on(t.uploaderId, t.createdAt)
      .where(sql`${t.ticketId} IS NULL`),
    // The same file (a signature logo) mailed again on one ticket is kept once.
    uniqueIndex('attachments_ticket_sha_idx')
      .on(t.ticketId, t.sha256)
      .where(sql`${t.source} = 'email'`),
    check('attachments_ticket_or_pending', sql`${t.ticketId} IS NOT NULL OR ${t.source} = 'upload'`),
  ],
);
