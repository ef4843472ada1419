import { asc } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { ticketEvents } from '../db/schema.js';
import { eventsVisibleTo, type Viewer, type Visible } from './policy.js';

/** A ticket's timeline as this viewer may read it (internal events only for those who work it), oldest first. */
export async function visibleTimeline(db: DbOrTx, viewer: Viewer, ticket: Visible) {
  return db
    .select()
    .from(ticketEvents)
    .where(eventsVisibleTo(viewer, ticket))
    .orderBy(asc(ticketEvents.createdAt), asc(ticketEvents.id));
}
