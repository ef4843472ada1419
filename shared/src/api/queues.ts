import { z } from 'zod';

/**
 * The console's queues: each is a ticket list query (GET /api/tickets) the console opens and
 * the API counts (GET /api/tickets/counts), so a queue and its count cannot disagree.
 */
export const queueIds = ['mine', 'unassigned', 'groups', 'all', 'at-risk', 'breached'] as const;
export type TQueueId = (typeof queueIds)[number];

const active = 'new,open,pending,on_hold';

export const queueDefinitions: readonly { id: TQueueId; label: string; params: Readonly<Record<string, string>> }[] = [
  { id: 'mine', label: 'Mine', params: { assignee: 'me', status: active } },
  { id: 'unassigned', label: 'Unassigned', params: { assignee: 'none', status: active } },
  { id: 'groups', label: 'My groups', params: { group: 'mine', status: active } },
  { id: 'all', label: 'All tickets', params: {} },
  { id: 'at-risk', label: 'At risk', params: { status: active, sla: 'at_risk' } },
  { id: 'breached', label: 'Breached', params: { status: active, sla: 'breached' } },
];

/** How many tickets each queue holds now, for the person asking. */
export const ZQueueCounts = z.object({
  counts: z.object(Object.fromEntries(queueIds.map((id) => [id, z.number().int()])) as Record<TQueueId, z.ZodNumber>),
});
export type TQueueCounts = z.infer<typeof ZQueueCounts>;
