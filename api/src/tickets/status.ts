import type { TTicketStatus } from '@deskmate/shared';

/**
 * The status machine. `new` is only ever the first status; `open` from `resolved` or `closed` is
 * a reopen. Requesters may only resolve their own ticket or reopen a resolved one.
 */
export const transitions: Record<TTicketStatus, readonly TTicketStatus[]> = {
  new: ['open', 'pending', 'on_hold', 'resolved', 'closed'],
  open: ['pending', 'on_hold', 'resolved', 'closed'],
  pending: ['open', 'on_hold', 'resolved', 'closed'],
  on_hold: ['open', 'pending', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: ['open'],
};

export const requesterTransitions: Record<TTicketStatus, readonly TTicketStatus[]> = {
  new: ['resolved'],
  open: ['resolved'],
  pending: ['open', 'resolved'],
  on_hold: ['resolved'],
  resolved: ['open'],
  closed: [],
};

export const statusLabel: Record<TTicketStatus, string> = {
  new: 'New',
  open: 'Open',
  pending: 'Waiting on you',
  on_hold: 'On hold',
  resolved: 'Resolved',
  closed: 'Closed',
};

export function canTransition(from: TTicketStatus, to: TTicketStatus, asRequester: boolean): boolean {
  return (asRequester ? requesterTransitions : transitions)[from].includes(to);
}
