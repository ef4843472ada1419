import { eq } from 'drizzle-orm';
import type { TClassification } from '@deskmate/kb';
import { atCommit, type DbOrTx } from '../db/client.js';
import { classifierFeedback } from '../db/schema.js';
import { classifierPredictions } from '../db/schema-classifier.js';
import type { TicketRow } from '../tickets/presenter.js';

const DAY = 86_400_000;

/** How long after filing an agent's change of priority or category still counts as a correction. */
export const correctionWindowDays = 7;

/** The text a ticket is classified from: what it was filed with. */
export const classificationText = (ticket: { title: string; description: string }): string =>
  `${ticket.title}\n${ticket.description}`;

/**
 * Whether an agent's change of a ticket's priority or category is a correction of how it was
 * classified, to learn from: made within `correctionWindowDays` of filing and while the ticket is
 * not resolved or closed. A change later on, or to a finished ticket, follows events (it got
 * worse, someone escalated it, a tidy-up) rather than saying what the ticket was.
 */
export function isCorrection(ticket: Pick<TicketRow, 'createdAt' | 'status'>, now: Date): boolean {
  return (
    now.getTime() - ticket.createdAt.getTime() <= correctionWindowDays * DAY &&
    ticket.status !== 'resolved' &&
    ticket.status !== 'closed'
  );
}

/**
 * Keep what the classifier said of a new ticket, and which of its answers the ticket took (the
 * others were chosen by the requester or an agent): the basis of the agreement report.
 */
export async function recordPrediction(
  tx: DbOrTx,
  ticket: TicketRow,
  guess: TClassification,
  used: { priority: boolean; category: boolean },
  modelVersion: number | null,
): Promise<void> {
  const row = {
    ticketId: ticket.id,
    text: classificationText(ticket),
    priority: guess.priority,
    category: guess.category,
    priorityUsed: used.priority,
    categoryUsed: used.category,
    modelVersion,
    createdAt: ticket.createdAt,
  };
  // With the transaction's other put-off writes: nothing reads it back in the create.
  await atCommit(tx, 'classifier_predictions', [row], (rows) =>
    tx.insert(classifierPredictions).values(rows).onConflictDoNothing(),
  );
}

/**
 * An agent set a ticket's priority or category: within the correction window it becomes (or
 * updates) the labelled example of that ticket and field. `before` is the ticket before the
 * change. What was predicted is the classifier's answer at filing, or the value before when the
 * ticket has no prediction (filed with the classifier off).
 */
export async function recordCorrection(
  tx: DbOrTx,
  before: TicketRow,
  field: 'priority' | 'category',
  value: string,
  userId: string | null,
  now: Date,
): Promise<void> {
  if (!isCorrection(before, now)) return;
  const [prediction] = await tx
    .select({ text: classifierPredictions.text, predicted: classifierPredictions[field] })
    .from(classifierPredictions)
    .where(eq(classifierPredictions.ticketId, before.id));
  await tx
    .insert(classifierFeedback)
    .values({
      ticketId: before.id,
      field,
      predicted: prediction ? prediction.predicted : before[field],
      corrected: value,
      text: prediction?.text ?? classificationText(before),
      userId,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: [classifierFeedback.ticketId, classifierFeedback.field],
      set: { corrected: value, userId, updatedAt: now },
    });
}
