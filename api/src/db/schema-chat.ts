import { customType, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { chatSessions } from './schema.js';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/**
 * Files someone shared in a chat conversation while the wizard was still asking (no ticket yet),
 * already judged like any attachment. When the conversation opens its ticket they become the
 * ticket's files (as public as the ticket) and are removed from here; a conversation that starts
 * over drops them.
 */
export const chatSessionFiles = pgTable(
  'chat_session_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => chatSessions.id, { onDelete: 'cascade' }),
    filename: text('filename').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    content: bytea('content').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('chat_session_files_session_idx').on(t.sessionId, t.createdAt),
    uniqueIndex('chat_session_files_session_sha_idx').on(t.sessionId, t.sha256),
  ],
);
