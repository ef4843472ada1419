import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { ZTicketKey, type ZAuditQuery } from '@deskmate/shared';
import type { DbOrTx } from '../db/client.js';
import { auditEvents, tickets } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import { auditEntityLabels, auditLabelKey } from './labels.js';
import { presentAuditEvent } from './presenter.js';

const PAGE = 100;

/** One page of the audit log, newest first, filtered by actor, action, entity and time. */
export async function auditLogPage(db: DbOrTx, q: z.infer<typeof ZAuditQuery>) {
  const where: SQL[] = [];
  if (q.actor) where.push(eq(auditEvents.actorId, q.actor));
  if (q.action) where.push(eq(auditEvents.action, q.action));
  if (q.entity) where.push(eq(auditEvents.entityType, q.entity));
  if (q.entityId) {
    // A ticket is known by its key: IT-1042 finds the rows of that ticket (none for an unknown key).
    const key = ZTicketKey.safeParse(q.entityId.toUpperCase());
    if (key.success) {
      const [ticket] = await db.select({ id: tickets.id }).from(tickets).where(eq(tickets.key, key.data));
      where.push(eq(auditEvents.entityType, 'ticket'), eq(auditEvents.entityId, ticket?.id ?? q.entityId));
    } else where.push(eq(auditEvents.entityId, q.entityId));
  }
  if (q.from) where.push(gte(auditEvents.createdAt, new Date(q.from)));
  if (q.to) where.push(lte(auditEvents.createdAt, new Date(q.to)));
  if (q.cursor) {
    if (!/^\d+$/.test(q.cursor))
      throw new AppError('validation_failed', 'Invalid query.cursor: use the nextCursor of a previous page');
    where.push(lt(auditEvents.id, Number(q.cursor)));
  }
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(...where))
    .orderBy(desc(auditEvents.id))
    .limit(PAGE + 1);
  const page = rows.slice(0, PAGE);
  const labels = await auditEntityLabels(db, page);
  return {
    items: page.map((row) => presentAuditEvent(row, labels.get(auditLabelKey(row)) ?? null)),
    nextCursor: rows.length > PAGE ? String(page.at(-1)!.id) : null,
  };
}
