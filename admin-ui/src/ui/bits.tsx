import type { ReactNode } from 'react';
import type { TTicketPriority, TTicketStatus } from '@deskmate/shared';
import { initials, priorityLabels, statusLabels } from '../lib/format';

export function StatusBadge({ status }: { status: TTicketStatus }) {
  return <span className={`badge badge-status-${status}`}>{statusLabels[status]}</span>;
}

export function PriorityBadge({ priority }: { priority: TTicketPriority }) {
  return (
    <span className={`badge badge-priority-${priority}`}>
      <span className="dot" aria-hidden="true" />
      {priorityLabels[priority]}
    </span>
  );
}

export function Avatar({ name, size = 'md' }: { name: string; size?: 'sm' | 'md' }) {
  return (
    <span className={`avatar avatar-${size}`} aria-hidden="true">
      {initials(name)}
    </span>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

export function PageHeader({ title, actions, children }: { title: string; actions?: ReactNode; children?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {children}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

/** The next page of an infinite list (audit logs), while there is one. */
export function LoadMore({
  pages,
  label,
  small = false,
}: {
  pages: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> };
  label: string;
  small?: boolean;
}) {
  if (!pages.hasNextPage) return null;
  return (
    <button
      type="button"
      className={small ? 'btn btn-secondary btn-sm' : 'btn btn-secondary'}
      disabled={pages.isFetchingNextPage}
      onClick={() => void pages.fetchNextPage()}
    >
      {pages.isFetchingNextPage ? 'Loading…' : label}
    </button>
  );
}
