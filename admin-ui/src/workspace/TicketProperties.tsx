import { useState } from 'react';
import {
  ticketCategories,
  ticketPriorities,
  ticketStatuses,
  type TTicket,
  type TTicketCategory,
  type TTicketPriority,
  type TTicketStatus,
} from '@deskmate/shared';
import { useUser } from '../auth/session';
import { useAgentDirectory, useGroups } from '../hooks/data';
import { useTicketAction } from '../hooks/tickets';
import { categoryLabel, formatDateTime, priorityLabels, statusLabels } from '../lib/format';
import { Avatar } from '../ui/bits';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { useToast } from '../ui/Toasts';
import { SlaPanel } from './SlaTimer';

/** The side panel of a ticket: its fields (each saves on change), SLA clocks, people and watchers. */
export function TicketProperties({ ticket }: { ticket: TTicket }) {
  const me = useUser();
  const agents = useAgentDirectory();
  const groups = useGroups();
  const action = useTicketAction(ticket.key);
  const toast = useToast();
  const [watcher, setWatcher] = useState('');
  const watching = ticket.watchers.some((w) => w.id === me.id);
  const update = (patch: Parameters<typeof action.mutate>[0], what: string) =>
    action.mutate(patch, { onSuccess: () => toast(what) });
  // The current assignee stays selectable even when no longer in the directory (deactivated).
  const assignees: { id: string; name: string; away?: boolean }[] =
    ticket.assignee && !agents.some((a) => a.id === ticket.assignee?.id) ? [...agents, ticket.assignee] : agents;

  return (
    <div className="properties">
      <section aria-labelledby="sla-heading">
        <h2 id="sla-heading" className="panel-heading">
          SLA
        </h2>
        <SlaPanel ticket={ticket} />
      </section>
      <section aria-labelledby="fields-heading" className="stack">
        <h2 id="fields-heading" className="panel-heading">
          Details
        </h2>
        <Field label="Status">
          <select
            value={ticket.status}
            disabled={action.isPending}
            onChange={(e) =>
              update(
                { kind: 'update', patch: { status: e.target.value as TTicketStatus } },
                `Status: ${statusLabels[e.target.value as TTicketStatus]}`,
              )
            }
          >
            {ticketStatuses.map((s) => (
              <option key={s} value={s}>
                {statusLabels[s]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Priority">
          <select
            value={ticket.priority}
            disabled={action.isPending}
            onChange={(e) =>
              update({ kind: 'update', patch: { priority: e.target.value as TTicketPriority } }, 'Priority changed')
            }
          >
            {ticketPriorities.map((p) => (
              <option key={p} value={p}>
                {priorityLabels[p]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Category">
          <select
            value={ticket.category ?? ''}
            disabled={action.isPending}
            onChange={(e) =>
              update(
                { kind: 'update', patch: { category: (e.target.value || null) as TTicketCategory | null } },
                'Category changed',
              )
            }
          >
            <option value="">Uncategorised</option>
            {ticketCategories.map((c) => (
              <option key={c} value={c}>
                {categoryLabel(c)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Assignee">
          <select
            value={ticket.assignee?.id ?? ''}
            disabled={action.isPending}
            onChange={(e) =>
              update({ kind: 'update', patch: { assigneeId: e.target.value || null } }, 'Assignee changed')
            }
          >
            <option value="">Unassigned</option>
            {assignees.map((a) => (
              <option key={a.id} value={a.id}>
                {a.id === me.id ? `${a.name} (me)` : a.away ? `${a.name} (away)` : a.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Group">
          <select
            value={ticket.group?.id ?? ''}
            disabled={action.isPending}
            onChange={(e) => update({ kind: 'update', patch: { groupId: e.target.value || null } }, 'Group changed')}
          >
            <option value="">No group</option>
            {(groups.data?.items ?? []).map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </Field>
        <ErrorMessage error={action.error} />
      </section>
      <section aria-labelledby="people-heading">
        <h2 id="people-heading" className="panel-heading">
          Requester
        </h2>
        <p className="person">
          <Avatar name={ticket.requester.name} size="sm" />
          <span>
            {ticket.requester.name}
            <br />
            <a className="small" href={`mailto:${ticket.requester.email}`}>
              {ticket.requester.email}
            </a>
          </span>
        </p>
        <dl className="facts small">
          <dt>Opened</dt>
          <dd>
            {formatDateTime(ticket.createdAt)} via {ticket.channel}
          </dd>
          {ticket.firstRespondedAt && (
            <>
              <dt>First response</dt>
              <dd>{formatDateTime(ticket.firstRespondedAt)}</dd>
            </>
          )}
          {ticket.resolvedAt && (
            <>
              <dt>Resolved</dt>
              <dd>{formatDateTime(ticket.resolvedAt)}</dd>
            </>
          )}
          {ticket.csat && (
            <>
              <dt>Satisfaction</dt>
              <dd>
                {ticket.csat.rating}/5{ticket.csat.comment ? ` “${ticket.csat.comment}”` : ''}
              </dd>
            </>
          )}
        </dl>
      </section>
      <section aria-labelledby="watchers-heading">
        <h2 id="watchers-heading" className="panel-heading">
          Watchers
        </h2>
        {ticket.watchers.length === 0 ? (
          <p className="muted small">Nobody is watching.</p>
        ) : (
          <ul className="watchers">
            {ticket.watchers.map((w) => (
              <li key={w.id}>
                <Avatar name={w.name} size="sm" />
                {w.name}
                <button
                  type="button"
                  className="btn btn-ghost btn-icon btn-sm"
                  aria-label={`Remove ${w.name} from watchers`}
                  onClick={() => update({ kind: 'unwatch', userId: w.id }, `${w.name} no longer watches`)}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <div className="row">
          <button
            type="button"
            className="btn btn-secondary btn-sm"
            disabled={action.isPending}
            onClick={() =>
              watching
                ? update({ kind: 'unwatch', userId: me.id }, 'Stopped watching')
                : update({ kind: 'watch' }, 'Watching')
            }
          >
            {watching ? 'Stop watching' : 'Watch'}
          </button>
          <label className="inline-field">
            <span className="sr-only">Add a watcher</span>
            <select
              value={watcher}
              onChange={(e) => {
                setWatcher('');
                if (e.target.value) update({ kind: 'watch', userId: e.target.value }, 'Watcher added');
              }}
            >
              <option value="">Add watcher…</option>
              {agents
                .filter((a) => !ticket.watchers.some((w) => w.id === a.id))
                .map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
            </select>
          </label>
        </div>
      </section>
    </div>
  );
}
