import { ticketPriorities, type TTicketPriority } from '../domain.js';
import type { TImpact, TUrgency } from './schemas.js';

/**
 * Impact x urgency -> priority. Rows: who is affected; columns: how much it blocks them.
 *
 * |                             | it can wait | slowing me down | I can't work |
 * |-----------------------------|-------------|-----------------|--------------|
 * | just me                     | low         | medium          | high         |
 * | my team                     | medium      | medium          | high         |
 * | whole office / many people  | medium      | high            | urgent       |
 *
 * Monotonic in both directions: more people or more blocked never gives a lower priority.
 * Only a whole office that cannot work is urgent; one person who cannot work is high, because a
 * person fully blocked costs a day of work, which small IT teams treat as same-day.
 */
export const priorityMatrix: Readonly<Record<TImpact, Readonly<Record<TUrgency, TTicketPriority>>>> = {
  me: { can_wait: 'low', slowed: 'medium', blocked: 'high' },
  team: { can_wait: 'medium', slowed: 'medium', blocked: 'high' },
  many: { can_wait: 'medium', slowed: 'high', blocked: 'urgent' },
};

/** The priority the impact x urgency matrix gives, before the classifier's floor. */
export function matrixPriority(impact: TImpact, urgency: TUrgency): TTicketPriority {
  return priorityMatrix[impact][urgency];
}

export function maxPriority(a: TTicketPriority, b: TTicketPriority): TTicketPriority {
  return ticketPriorities.indexOf(a) >= ticketPriorities.indexOf(b) ? a : b;
}

/**
 * The ticket's priority: the matrix, raised to the classifier's priority when that is higher
 * (keyword rules such as "phishing" or "server down" are a floor the user cannot talk down).
 */
export function ticketPriority(floor: TTicketPriority | null, impact: TImpact, urgency: TUrgency): TTicketPriority {
  const fromMatrix = matrixPriority(impact, urgency);
  return floor ? maxPriority(floor, fromMatrix) : fromMatrix;
}
