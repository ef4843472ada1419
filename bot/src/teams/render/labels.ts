import type { TTicketStatus } from '@deskmate/shared';

/** Ticket statuses as people read them (the console uses the same words). */
export const statusLabels: Readonly<Record<TTicketStatus, string>> = {
  new: 'New',
  open: 'Open',
  pending: 'Waiting on you',
  on_hold: 'On hold',
  resolved: 'Resolved',
  closed: 'Closed',
};

/** What an agent reads: "pending" waits on the requester, not on the agent. */
export const agentStatusLabels: Readonly<Record<TTicketStatus, string>> = {
  ...statusLabels,
  pending: 'Waiting on requester',
};
