import { useQuery } from '@tanstack/react-query';
import type { TTicket } from '@deskmate/shared';
import { slaApi } from '../api/client';
import { useNow } from '../hooks/useNow';
import { formatDateTime, formatDuration } from '../lib/format';
import { slaClocks, withWarnTimes, worstClock, type TClockView } from '../lib/sla';

function clockText(clock: TClockView): string {
  if (clock.done) return clock.state === 'breached' ? 'Missed' : 'Met';
  switch (clock.state) {
    case 'breached':
      return clock.remainingMs !== null && clock.remainingMs < 0
        ? `Breached ${formatDuration(clock.remainingMs)} ago`
        : 'Breached';
    case 'paused':
      return 'Paused';
    case 'met':
      return 'Met';
    case 'none':
      return 'No SLA';
    default:
      return clock.remainingMs !== null ? `${formatDuration(clock.remainingMs)} left` : '—';
  }
}

/** The most urgent SLA clock of a ticket, ticking (queue rows). */
export function SlaBadge({ ticket }: { ticket: TTicket }) {
  const now = useNow();
  const clock = worstClock(ticket, now);
  if (!clock) return <span className="sla sla-none">—</span>;
  return (
    <span
      className={`sla sla-${clock.done ? 'met' : clock.state}`}
      title={`${clock.label}${clock.dueAt ? ` due ${formatDateTime(clock.dueAt)}` : ''}`}
    >
      <span className="sr-only">{clock.label}: </span>
      {clockText(clock)}
    </span>
  );
}

/** Both SLA clocks of a ticket with their due times, ticking (ticket page). */
export function SlaPanel({ ticket }: { ticket: TTicket }) {
  const now = useNow();
  // The explanation names the policy and its warning time; the clocks still show without it.
  const explain = useQuery({
    queryKey: ['sla-explain', ticket.key, ticket.updatedAt],
    queryFn: () => slaApi.explain(ticket.key),
    retry: false,
    staleTime: 60_000,
  });
  const warnAt = explain.data ? [explain.data.firstResponse.warnAt, explain.data.resolution.warnAt] : [];
  const clocks = withWarnTimes(slaClocks(ticket, now), warnAt, now);
  return (
    <dl className="sla-panel">
      {explain.data?.policy && (
        <div className="small muted">
          <dt className="sr-only">Policy</dt>
          <dd>
            {explain.data.policy.name ?? 'SLA policy'}
            {explain.data.calendar?.name ? ` · ${explain.data.calendar.name}` : ''}
          </dd>
        </div>
      )}
      {clocks.map((c) => (
        <div key={c.label} className={`sla-clock sla-${c.state}`}>
          <dt>{c.label}</dt>
          <dd>
            <span
              className="sla-remaining"
              data-testid={`sla-${c.label === 'Resolution' ? 'resolution' : 'first-response'}`}
            >
              {clockText(c)}
            </span>
            {c.dueAt && <span className="muted small">due {formatDateTime(c.dueAt)}</span>}
            {warnAt[clocks.indexOf(c)] && c.state === 'ok' && (
              <span className="muted small">warning at {formatDateTime(warnAt[clocks.indexOf(c)]!)}</span>
            )}
          </dd>
        </div>
      ))}
      {ticket.sla.escalationLevel > 0 && (
        <div className="sla-clock">
          <dt>Escalation</dt>
          <dd>Level {ticket.sla.escalationLevel}</dd>
        </div>
      )}
    </dl>
  );
}
