import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import type { TAttachmentRef, TTicket } from '@deskmate/shared';
import { AttachmentList } from '../attachments/AttachmentList';
import { isStatus } from '../api/errors';
import { useUser } from '../auth/session';
import { useTicket, useTicketAction, useTimeline } from '../hooks/tickets';
import { useShortcuts } from '../hooks/useShortcuts';
import { categoryLabel } from '../lib/format';
import { Empty, Loading, PriorityBadge, StatusBadge } from '../ui/bits';
import { Dialog } from '../ui/Dialog';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { useToast } from '../ui/Toasts';
import { AuditTab } from './AuditTab';
import { Composer, type TComposerMode } from './Composer';
import { TicketProperties } from './TicketProperties';
import { Timeline } from './Timeline';

export function TicketPage() {
  const { key = '' } = useParams();
  const ticket = useTicket(key);
  if (ticket.error) {
    return (
      <div className="page">
        {isStatus(ticket.error, 404) ? (
          <Empty title={`${key} was not found`}>
            <p>
              It may have been merged or you may not have access. <Link to="/queue/mine">Back to my tickets</Link>
            </p>
          </Empty>
        ) : (
          <ErrorMessage error={ticket.error} onRetry={() => void ticket.refetch()} />
        )}
      </div>
    );
  }
  if (!ticket.data) return <Loading label={`Loading ${key}…`} />;
  return <TicketView key={key} ticket={ticket.data.ticket} files={ticket.data.attachments} />;
}

function MergeDialog({ ticket, open, onClose }: { ticket: TTicket; open: boolean; onClose: () => void }) {
  const [into, setInto] = useState('');
  const merge = useTicketAction(ticket.key);
  const toast = useToast();
  return (
    <Dialog open={open} title={`Merge ${ticket.key}`} onClose={onClose}>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          merge.mutate(
            { kind: 'merge', intoKey: into.trim().toUpperCase() },
            {
              onSuccess: () => {
                toast(`${ticket.key} merged into ${into.trim().toUpperCase()}`);
                onClose();
              },
            },
          );
        }}
      >
        <p>This ticket is closed as a duplicate; its requester and conversation are linked to the other ticket.</p>
        <Field label="Merge into ticket" hint="For example IT-1042">
          <input
            required
            pattern="[A-Za-z][A-Za-z0-9]{0,9}-[0-9]{1,9}"
            value={into}
            onChange={(e) => setInto(e.target.value)}
          />
        </Field>
        <ErrorMessage error={merge.error} />
        <div className="row">
          <button type="submit" className="btn btn-danger" disabled={merge.isPending}>
            Merge
          </button>
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function TicketView({ ticket, files }: { ticket: TTicket; files: TAttachmentRef[] }) {
  const me = useUser();
  const navigate = useNavigate();
  const location = useLocation();
  const timeline = useTimeline(ticket.key);
  const action = useTicketAction(ticket.key);
  const toast = useToast();
  const [tab, setTab] = useState<'conversation' | 'audit'>('conversation');
  const [mode, setMode] = useState<TComposerMode>('reply');
  const [focusSignal, setFocusSignal] = useState(0);
  const [merging, setMerging] = useState(false);
  const closed = ticket.status === 'resolved' || ticket.status === 'closed';
  const headingRef = useRef<HTMLHeadingElement>(null);
  // A new page for screen readers and keyboards: focus starts at the ticket's title.
  useEffect(() => headingRef.current?.focus(), []);

  const claim = () =>
    action.mutate(
      { kind: 'claim' },
      { onSuccess: () => toast(`Claimed ${ticket.key}`), onError: (e) => toast(e.message, 'error') },
    );
  const compose = (m: TComposerMode) => {
    setTab('conversation');
    setMode(m);
    setFocusSignal((n) => n + 1);
  };
  useShortcuts(
    {
      c: () => !ticket.assignee && claim(),
      r: () => compose('reply'),
      n: () => compose('note'),
      // Back to the queue it was opened from; a ticket opened by link goes to "Mine".
      Escape: () => void (location.key === 'default' ? navigate('/queue/mine') : navigate(-1)),
    },
    !merging,
  );

  return (
    <div className="page page-ticket">
      <header className="ticket-header">
        <nav aria-label="Breadcrumb" className="small">
          <Link to="/queue/mine">Queues</Link> / <span>{ticket.key}</span>
        </nav>
        <h1 ref={headingRef} tabIndex={-1}>
          <span className="ticket-key">{ticket.key}</span> {ticket.title}
        </h1>
        <div className="row wrap">
          <StatusBadge status={ticket.status} />
          <PriorityBadge priority={ticket.priority} />
          <span className="badge">{categoryLabel(ticket.category)}</span>
          <span className="muted small" data-testid="assignee">
            {ticket.assignee
              ? `Assigned to ${ticket.assignee.id === me.id ? 'you' : ticket.assignee.name}`
              : 'Unassigned'}
          </span>
          {ticket.mergedIntoKey && (
            <span className="badge">
              Merged into <Link to={`/tickets/${ticket.mergedIntoKey}`}>{ticket.mergedIntoKey}</Link>
            </span>
          )}
        </div>
        <div className="row wrap ticket-actions">
          {!ticket.assignee && (
            <button type="button" className="btn btn-primary" disabled={action.isPending} onClick={claim}>
              Claim <kbd>c</kbd>
            </button>
          )}
          {!closed ? (
            <button
              type="button"
              className="btn btn-secondary"
              disabled={action.isPending}
              onClick={() =>
                action.mutate(
                  { kind: 'update', patch: { status: 'resolved' } },
                  { onSuccess: () => toast(`${ticket.key} resolved`) },
                )
              }
            >
              Resolve
            </button>
          ) : (
            <button
              type="button"
              className="btn btn-secondary"
              disabled={action.isPending}
              onClick={() => action.mutate({ kind: 'reopen' }, { onSuccess: () => toast(`${ticket.key} reopened`) })}
            >
              Reopen
            </button>
          )}
          {!ticket.mergedIntoKey && (
            <button type="button" className="btn btn-ghost" onClick={() => setMerging(true)}>
              Merge…
            </button>
          )}
        </div>
        <ErrorMessage error={action.error} />
      </header>
      <div className="ticket-layout">
        <section className="ticket-main" aria-label="Ticket">
          <div className="tabs" role="tablist" aria-label="Ticket views">
            <button
              type="button"
              role="tab"
              id="tab-conversation"
              aria-selected={tab === 'conversation'}
              aria-controls="panel-conversation"
              onClick={() => setTab('conversation')}
            >
              Conversation
            </button>
            <button
              type="button"
              role="tab"
              id="tab-audit"
              aria-selected={tab === 'audit'}
              aria-controls="panel-audit"
              onClick={() => setTab('audit')}
            >
              Audit
            </button>
          </div>
          {tab === 'conversation' ? (
            <div role="tabpanel" id="panel-conversation" aria-labelledby="tab-conversation" className="stack">
              <div className="description">
                <h2 className="sr-only">Description</h2>
                <p>{ticket.description}</p>
                <AttachmentList ticketKey={ticket.key} files={files} label="Files of the ticket" />
              </div>
              {timeline.error ? (
                <ErrorMessage error={timeline.error} onRetry={() => void timeline.refetch()} />
              ) : timeline.data ? (
                <Timeline
                  events={timeline.data.items}
                  requesterId={ticket.requester.id}
                  ticketKey={ticket.key}
                  decide
                />
              ) : (
                <Loading label="Loading the conversation…" />
              )}
              {ticket.mergedIntoKey ? (
                <p className="notice">
                  This ticket was merged. Continue the conversation on{' '}
                  <Link to={`/tickets/${ticket.mergedIntoKey}`}>{ticket.mergedIntoKey}</Link>.
                </p>
              ) : (
                <Composer ticket={ticket} mode={mode} onModeChange={setMode} focusSignal={focusSignal} />
              )}
            </div>
          ) : (
            <div role="tabpanel" id="panel-audit" aria-labelledby="tab-audit">
              <AuditTab ticket={ticket} timeline={timeline.data?.items ?? []} />
            </div>
          )}
        </section>
        <aside className="ticket-side" aria-label="Properties">
          <TicketProperties ticket={ticket} />
        </aside>
      </div>
      <MergeDialog ticket={ticket} open={merging} onClose={() => setMerging(false)} />
    </div>
  );
}
