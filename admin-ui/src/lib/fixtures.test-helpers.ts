import type { TTicket } from '@deskmate/shared';

/** A ticket with every field filled, for the console's pure logic tests. */
export function ticket(overrides: Partial<TTicket> = {}): TTicket {
  return {
    id: overrides.key ?? 'id-1',
    key: 'IT-1',
    title: 'Printer jams',
    description: 'It jams',
    status: 'open',
    priority: 'medium',
    category: 'hardware',
    channel: 'web',
    requester: { id: 'r1', name: 'Alice', email: 'alice@example.com' },
    assignee: null,
    group: null,
    watchers: [],
    mergedIntoKey: null,
    csat: null,
    sla: {
      firstResponseDueAt: null,
      resolutionDueAt: null,
      firstResponseWarnAt: null,
      resolutionWarnAt: null,
      atRisk: false,
      firstResponseBreached: false,
      resolutionBreached: false,
      paused: false,
      escalationLevel: 0,
    },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    firstRespondedAt: null,
    resolvedAt: null,
    closedAt: null,
    ...overrides,
  };
}
