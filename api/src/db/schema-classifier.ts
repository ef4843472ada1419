import { boolean, index, integer, jsonb, pgTable, serial, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tickets } from './schema.js';

/**
 * What the classifier said when a ticket was filed, and which of its answers the ticket took (a
 * requester or agent may have chosen the priority or category themselves). The agreement report
 * counts the tickets whose fields came from the classifier and were not corrected.
 */
export const classifierPredictions = pgTable(
  'classifier_predictions',
  {
    ticketId: uuid('ticket_id')
      .primaryKey()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    priority: text('priority').notNull(),
    category: text('category').notNull(),
    priorityUsed: boolean('priority_used').notNull(),
    categoryUsed: boolean('category_used').notNull(),
    /** The classifier_models version that classified it; null for the shipped model. */
    modelVersion: integer('model_version'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('classifier_predictions_created_idx').on(t.createdAt)],
);

/**
 * The desk's trained classifier: its parameters (every process loads the newest one and reloads
 * when a new one is announced), and what it was trained on. A few recent versions are kept.
 */
export const classifierModels = pgTable('classifier_models', {
  version: serial('version').primaryKey(),
  /** The shipped data and model format it was trained with (see classifierFingerprint in kb). */
  fingerprint: text('fingerprint').notNull(),
  /** sha256 of `examples`: a retrain with the same inputs is skipped. */
  examplesHash: text('examples_hash').notNull(),
  /** The desk's corrections it was trained on, besides the shipped data. */
  examples: jsonb('examples').notNull(),
  corrections: integer('corrections').notNull(),
  /** The trained parameters (kb's TClassifierModel). */
  model: jsonb('model').notNull(),
  /** schedule | manual */
  reason: text('reason').notNull(),
  requestedBy: uuid('requested_by'),
  trainedAt: timestamp('trained_at', { withTimezone: true }).notNull(),
});
