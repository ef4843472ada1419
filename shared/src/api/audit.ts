import { z } from 'zod';
import { ZChannel } from '../domain.js';
import { ZPersonRef } from './tickets.js';

/**
 * One audit row of a ticket, for the people who work it: who (with their name, since agents may
 * not read the user list), what, and the before/after values. IP and user agent stay in the
 * admins' audit log (GET /api/audit).
 */
export const ZTicketAuditEvent = z.object({
  id: z.number(),
  action: z.string(),
  actorType: z.string(),
  /** Null for the system and for people since deleted. */
  actor: ZPersonRef.nullable(),
  channel: ZChannel.nullable(),
  before: z.unknown(),
  after: z.unknown(),
  createdAt: z.string(),
});
export type TTicketAuditEvent = z.infer<typeof ZTicketAuditEvent>;

export const ZTicketAuditQuery = z
  .object({
    cursor: z
      .string()
      .regex(/^\d{1,18}$/, 'use the nextCursor of a previous page')
      .optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  })
  .strict();

export const ZTicketAuditList = z.object({ items: z.array(ZTicketAuditEvent), nextCursor: z.string().nullable() });
