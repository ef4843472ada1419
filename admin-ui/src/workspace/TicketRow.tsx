import { memo } from 'react';
import { Link } from 'react-router';
import type { TTicket } from '@deskmate/shared';
import { formatRelative } from '../lib/format';
import { Avatar, PriorityBadge, StatusBadge } from '../ui/bits';
import { SlaBadge } from './SlaTimer';

/** One queue row: selection box, key and title (the link), people, status, priority, SLA, age. */
export const TicketRow = memo(function TicketRow({
  ticket,
  selected,
  current,
  now,
  onToggle,
  onHover,
}: {
  ticket: TTicket;
  selected: boolean;
  current: boolean;
  now: number;
  onToggle: (key: string) => void;
  onHover: (key: string) => void;
}) {
  return (
    <div
      className={`ticket-row${current ? ' current' : ''}${selected ? ' selected' : ''}`}
      onMouseEnter={() => onHover(ticket.key)}
    >
      <input
        type="checkbox"
        className="row-check"
        aria-label={`Select ${ticket.key}`}
        checked={selected}
        onChange={() => onToggle(ticket.key)}
      />
      <div className="row-main">
        <Link to={`/tickets/${ticket.key}`} className="row-link" aria-current={current ? 'true' : undefined}>
          <span className="row-key">{ticket.key}</span>
          <span className="row-title">{ticket.title}</span>
        </Link>
        <span className="row-meta muted small">
          {ticket.requester.name}
          {ticket.group ? ` · ${ticket.group.name}` : ''} · updated {formatRelative(ticket.updatedAt, now)}
        </span>
      </div>
      <div className="row-badges">
        <StatusBadge status={ticket.status} />
        <PriorityBadge priority={ticket.priority} />
        <SlaBadge ticket={ticket} />
      </div>
      <div className="row-assignee" title={ticket.assignee ? `Assigned to ${ticket.assignee.name}` : 'Unassigned'}>
        {ticket.assignee ? (
          <>
            <Avatar name={ticket.assignee.name} size="sm" />
            <span className="sr-only">Assigned to {ticket.assignee.name}</span>
          </>
        ) : (
          <span className="muted small">Unassigned</span>
        )}
      </div>
    </div>
  );
});
