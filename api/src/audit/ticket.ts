import { and, desc, eq, lt } from 'drizzle-orm';
import type { TTicketAuditEvent } from '@deskmate/shared';
import type { DbOrTx } from '../db/client.js';
import { auditEvents, users } from '../db/schema.js';
import { presentTicketAuditEvent } from './presenter.js';

/**
 * One page of a ticket's audit rows, newest first. The cursor is the id of the last row of the
 * previous page, as for GET /api/audit. The caller has checked that the viewer may read them.
 */
export async function ticketAuditPage(
  db: DbOrTx,
  ticketId: string,
  page: { cursor?: string | undefined; limit: number },
): Promise<{ items: TTicketAuditEvent[]; nextCursor: string | null }> {
  const rows = await db
    .select({ event: auditEvents, actorName: users.name, actorEmail: users.email })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(
      and(
        eq(auditEvents.entityType, 'ticket'),
        eq(auditEvents.entityId, ticketId),
        page.cursor ? lt(auditEvents.id, Number(page.cursor)) : undefined,
      ),
    )
    .orderBy(desc(auditEvents.id))
    .limit(page.limit + 1);
  const items = rows.slice(0, page.limit);
  return {
    items: items.map(({ event, actorName, actorEmail }) =>
      presentTicketAuditEvent(
        event,
        event.actorId && actorName !== null && actorEmail !== null
          ? { id: event.actorId, name: actorName, email: actorEmail }
          : null,
      ),
    ),
    nextCursor: rows.length > page.limit ? String(items.at(-1)!.event.id) : null,
  };
}
