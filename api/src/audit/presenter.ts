import type { z } from 'zod';
import type { TPersonRef, TTicketAuditEvent, ZAuditEvent } from '@deskmate/shared';
import type { auditEvents } from '../db/schema.js';

type AuditRow = typeof auditEvents.$inferSelect;
type TAuditEvent = z.infer<typeof ZAuditEvent>;

/**
 * An audit row for the admins' log (GET /api/audit): everything, IP and user agent included, and
 * what people call the entity (a ticket's key, a user's or group's name) when it still exists.
 */
export function presentAuditEvent(row: AuditRow, entityLabel: string | null = null): TAuditEvent {
  return {
    id: row.id,
    actorId: row.actorId,
    actorType: row.actorType,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    entityLabel,
    before: row.before,
    after: row.after,
    ip: row.ip,
    userAgent: row.userAgent,
    channel: row.channel,
    createdAt: row.createdAt.toISOString(),
  };
}

/** An audit row of a ticket for the agents who work it: the actor by name, no IP or user agent. */
export function presentTicketAuditEvent(row: AuditRow, actor: TPersonRef | null): TTicketAuditEvent {
  return {
    id: row.id,
    action: row.action,
    actorType: row.actorType,
    actor,
    channel: row.channel,
    before: row.before,
    after: row.after,
    createdAt: row.createdAt.toISOString(),
  };
}
