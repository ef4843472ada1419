import { z } from 'zod';

/**
 * What GET /api/events streams (Server-Sent Events), by event name: ids only, never content, so a
 * client refetches what changed through the routes that check what it may see.
 */
export const ZLiveTicketEvent = z.object({
  type: z.enum(['ticket.created', 'ticket.updated', 'ticket.event']),
  key: z.string(),
  /** For ticket.event: the timeline row that was added. */
  eventId: z.string().optional(),
});
export type TLiveTicketEvent = z.infer<typeof ZLiveTicketEvent>;

export const ZLiveNotificationEvent = z.object({ type: z.literal('notification.created') });
export type TLiveNotificationEvent = z.infer<typeof ZLiveNotificationEvent>;

/** The stream's event names and the data each carries. */
export const liveStreamEvents = { ticket: ZLiveTicketEvent, notification: ZLiveNotificationEvent } as const;
export type TLiveStreamEvents = { [N in keyof typeof liveStreamEvents]: z.infer<(typeof liveStreamEvents)[N]> };
