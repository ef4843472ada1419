import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { ticketEvents } from '../db/schema.js';
import { attachments } from '../db/schema-attachments.js';
import type { UserRow } from '../http/context.js';
import { seesInternal, type Viewer, type Visible } from '../tickets/policy.js';

/**
 * The ticket's attachments this viewer may read: the same rule as the event each one belongs to.
 * A file of the ticket itself (its opening mail, the files it was opened with: no event) is as
 * public as the ticket; a file of an internal note is seen only by those who see internal notes;
 * an upload not attached yet belongs to no ticket and is never selected. Every read of
 * attachments (list, download, thumbnail, the timeline, email notifications) selects through this.
 */
export function attachmentsVisibleTo(viewer: Viewer, ticket: Visible): SQL {
  const own = eq(attachments.ticketId, ticket.id);
  if (seesInternal(viewer, ticket)) return own;
  return and(
    own,
    sql`(${attachments.eventId} IS NULL OR EXISTS (SELECT 1 FROM ${ticketEvents} e WHERE e.id = ${attachments.eventId} AND e.ticket_id = ${attachments.ticketId} AND e.visibility = 'public'))`,
  )!;
}

/**
 * An upload not attached yet is its uploader's alone: nobody else (an admin neither) can see,
 * attach or take it back; to them it does not exist.
 */
export function ownUnattachedUploads(user: Pick<UserRow, 'id'>, ids: readonly string[]): SQL {
  return and(
    inArray(attachments.id, [...ids]),
    eq(attachments.source, 'upload'),
    eq(attachments.uploaderId, user.id),
    isNull(attachments.ticketId),
  )!;
}
