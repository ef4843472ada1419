import {
  ticketPriorities,
  ticketStatuses,
  type TBulkTicketAction,
  type TTicketPriority,
  type TTicketStatus,
} from '@deskmate/shared';
import { useUser } from '../auth/session';
import { useAgentDirectory } from '../hooks/data';
import { useBulkAction } from '../hooks/tickets';
import { priorityLabels, statusLabels } from '../lib/format';
import { ErrorMessage } from '../ui/ErrorMessage';
import { useToast } from '../ui/Toasts';

/** Actions on the selected tickets (claim, assign, status, priority), with each ticket that failed and why. */
export function BulkBar({ selected, onDone }: { selected: string[]; onDone: () => void }) {
  const me = useUser();
  const agents = useAgentDirectory();
  const bulk = useBulkAction();
  const toast = useToast();
  const apply = (action: TBulkTicketAction, what: string) =>
    bulk.mutate(
      { keys: selected, action },
      {
        onSuccess: ({ done, failed }) => {
          toast(
            failed.length ? `${what}: ${done} done, ${failed.length} failed` : `${what}: ${done} tickets`,
            failed.length ? 'error' : 'info',
          );
          if (!failed.length) onDone();
        },
      },
    );
  return (
    <div className="bulk-bar" role="region" aria-label="Bulk actions">
      <strong>{selected.length} selected</strong>
      <button
        type="button"
        className="btn btn-secondary btn-sm"
        disabled={bulk.isPending}
        onClick={() => apply({ claim: true }, 'Claimed')}
      >
        Claim
      </button>
      <button
        type="button"
        className="btn btn-secondary btn-sm"
        disabled={bulk.isPending}
        onClick={() => apply({ assigneeId: me.id }, 'Assigned to you')}
      >
        Assign to me
      </button>
      <label className="inline-field">
        <span>Assign</span>
        <select
          value=""
          disabled={bulk.isPending}
          onChange={(e) =>
            e.target.value && apply({ assigneeId: e.target.value === 'none' ? null : e.target.value }, 'Assigned')
          }
        >
          <option value="">Choose…</option>
          <option value="none">Nobody</option>
          {agents.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field">
        <span>Status</span>
        <select
          value=""
          disabled={bulk.isPending}
          onChange={(e) => e.target.value && apply({ status: e.target.value as TTicketStatus }, 'Status changed')}
        >
          <option value="">Choose…</option>
          {ticketStatuses.map((s) => (
            <option key={s} value={s}>
              {statusLabels[s]}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-field">
        <span>Priority</span>
        <select
          value=""
          disabled={bulk.isPending}
          onChange={(e) => e.target.value && apply({ priority: e.target.value as TTicketPriority }, 'Priority changed')}
        >
          <option value="">Choose…</option>
          {ticketPriorities.map((p) => (
            <option key={p} value={p}>
              {priorityLabels[p]}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="btn btn-ghost btn-sm" onClick={onDone}>
        Clear selection
      </button>
      {bulk.error && <ErrorMessage error={bulk.error} />}
      {bulk.data && bulk.data.failed.length > 0 && (
        <div className="error" role="alert">
          <p className="error-title">
            {bulk.data.failed.length} of {bulk.data.failed.length + bulk.data.done} tickets were not changed:
          </p>
          <ul className="small">
            {bulk.data.failed.map((f) => (
              <li key={f.key}>
                <strong>{f.key}</strong>: {f.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
