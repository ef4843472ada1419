import { z } from 'zod';
import { isTimeZone } from './sla.js';

/** How a person gets notifications: both (default), chat, email, or digest (one email a day). */
export const notificationDeliveryModes = ['both', 'chat', 'email', 'digest'] as const;

/** The request and response shapes of the email routes (api/src/email/routes.ts). */
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time such as 22:00');

export const ZNotificationPreferences = z.object({
  /** both (default), chat, email, or digest: one email a day instead of one per notification. */
  delivery: z.enum(notificationDeliveryModes),
  /** Email waits while these hold (local time of `timeZone`); chat is not delayed. */
  quietHours: z.object({ start: hhmm, end: hhmm }).nullable(),
  timeZone: z.string().nullable(),
});
export type TNotificationPreferences = z.infer<typeof ZNotificationPreferences>;

export const ZUpdateNotificationPreferences = z
  .object({
    delivery: z.enum(notificationDeliveryModes).optional(),
    quietHours: z
      .object({ start: hhmm, end: hhmm })
      .strict()
      .refine((q) => q.start !== q.end, { message: 'start and end must differ' })
      .nullable()
      .optional(),
    timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/London').nullable().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, { message: 'must change at least one field' });

export const ZInboundResult = z.object({
  outcome: z.enum(['replied', 'noted', 'created', 'ignored', 'rejected', 'duplicate', 'failed']),
  reason: z.string().nullable(),
  messageId: z.string(),
  ticketKey: z.string().nullable(),
  matchedBy: z.enum(['token', 'thread', 'subject', 'new']).nullable(),
});

/**
 * What the mail server that hands a mail to the webhook knows of its delivery (Postfix pipe(8):
 * `clientIp=${client_address}&helo=${client_helo}&mailFrom=${sender}`): with the client IP Deskmate
 * can check SPF itself. Only the webhook's authenticated caller can pass it.
 */
export const ZInboundWebhookQuery = z
  .object({
    clientIp: z.union([z.ipv4(), z.ipv6()], { message: 'must be an IPv4 or IPv6 address' }).optional(),
    helo: z
      .string()
      .max(255)
      .regex(/^[A-Za-z0-9.:[\]_-]+$/, 'must be a host name or address literal')
      .optional(),
    mailFrom: z.union([z.literal(''), z.email({ message: 'must be an email address' })]).optional(),
  })
  .strict();

export const ZInboundEmail = z.object({
  id: z.string(),
  messageId: z.string(),
  source: z.string(),
  from: z.string().nullable(),
  subject: z.string().nullable(),
  outcome: z.string(),
  reason: z.string().nullable(),
  matchedBy: z.string().nullable(),
  ticketKey: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  receivedAt: z.string(),
});

export const ZInboundEmailQuery = z
  .object({
    outcome: z.enum(['replied', 'noted', 'created', 'ignored', 'rejected', 'failed']).optional(),
  })
  .strict();
