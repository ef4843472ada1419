import { useQuery } from '@tanstack/react-query';
import type { TTicket, TTimelineEvent } from '@deskmate/shared';
import { auditApi, userApi } from '../api/client';
import { keys } from '../api/keys';
import { useUser } from '../auth/session';
import { formatDateTime } from '../lib/format';
import { Empty, Loading } from '../ui/bits';
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
 * What happened to a ticket. Admins read the audit log (before/after, IP, channel); agents, for
 * whom /api/audit is closed, see the ticket's system events.
 */
export function AuditTab({ ticket, timeline }: { ticket: TTicket; timeline: TTimelineEvent[] }) {
  const me = useUser();
  const isAdmin = me.role === 'admin';
  const audit = useQuery({
    queryKey: keys.ticketAudit(ticket.id),
    queryFn: () => auditApi.list({ entity: 'ticket', entityId: ticket.id }),
    enabled: isAdmin,
  });
  const users = useQuery({
    queryKey: keys.users({}),
    queryFn: () => userApi.list(),
    enabled: isAdmin,
    staleTime: 60_000,
  });
  if (!isAdmin) {
    const events = timeline.filter((e) => e.kind === 'system');
    return (
      <div className="stack">
        <p className="muted small">Ticket history. The full audit log (before and after values) is open to admins.</p>
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
  if (!audit.data.items.length) return <Empty title="No audit entries" />;
  const name = (id: string | null) =>
    id ? (users.data?.items.find((u) => u.id === id)?.name ?? id.slice(0, 8)) : 'system';
  return (
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
          {audit.data.items.map((e) => (
            <tr key={e.id}>
              <td>{formatDateTime(e.createdAt)}</td>
              <td>{name(e.actorId)}</td>
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
  );
}
