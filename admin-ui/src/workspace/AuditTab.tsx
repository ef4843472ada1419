import { useInfiniteQuery } from '@tanstack/react-query';
import type { TTicket, TTimelineEvent } from '@deskmate/shared';
import { ticketApi } from '../api/client';
import { isStatus } from '../api/errors';
import { keys } from '../api/keys';
import { formatDateTime } from '../lib/format';
import { Empty, LoadMore, Loading } from '../ui/bits';
import { ErrorMessage } from '../ui/ErrorMessage';

function changes(before: unknown, after: unknown): string {
  if (!before || !after || typeof before !== 'object' || typeof after !== 'object') return '';
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  return Object.keys(a)
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .slice(0, 6)
    .map((k) => `${k}: ${JSON.stringify(b[k] ?? null)} → ${JSON.stringify(a[k] ?? null)}`)
    .join('; ');
}

/**
 * What happened to a ticket: its audit trail (before/after values), open to the agents who work
 * it. An agent who only sees it (a watcher from another group) gets its system events instead.
 */
export function AuditTab({ ticket, timeline }: { ticket: TTicket; timeline: TTimelineEvent[] }) {
  const audit = useInfiniteQuery({
    queryKey: keys.ticketAudit(ticket.id),
    queryFn: ({ pageParam }) => ticketApi.audit(ticket.key, pageParam || undefined),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  if (isStatus(audit.error, 403)) {
    const events = timeline.filter((e) => e.kind === 'system');
    return (
      <div className="stack">
        <p className="muted small">
          Ticket history. The full audit trail (before and after values) is open to the agents who work this ticket.
        </p>
        <ul className="audit-list">
          {events.map((e) => (
            <li key={e.id}>
              <time dateTime={e.createdAt}>{formatDateTime(e.createdAt)}</time>{' '}
              <strong>{e.author?.name ?? 'Deskmate'}</strong> {e.body}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  if (audit.isPending) return <Loading />;
  if (audit.error) return <ErrorMessage error={audit.error} onRetry={() => void audit.refetch()} />;
  const rows = audit.data.pages.flatMap((p) => p.items);
  if (!rows.length) return <Empty title="No audit entries" />;
  return (
    <div className="stack">
      <div className="table-wrap" tabIndex={0}>
        <table className="table">
          <caption className="sr-only">Audit log of {ticket.key}</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Change</th>
              <th scope="col">Channel</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.id}>
                <td>{formatDateTime(e.createdAt)}</td>
                <td>{e.actor?.name ?? (e.actorType === 'system' ? 'Deskmate' : e.actorType)}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td className="small">{changes(e.before, e.after)}</td>
                <td>{e.channel ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <LoadMore pages={audit} label="Older entries" small />
    </div>
  );
}
