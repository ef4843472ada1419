import { lazy, useEffect, useState, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, NavLink, Navigate, Route, Routes, useLocation, useNavigate, useParams } from 'react-router';
import { ticketApi } from '../api/client';
import { useSession, useUser } from '../auth/session';
import { useActiveAnnouncements } from '../hooks/data';
import { useTicket, useTicketAction, useTimeline } from '../hooks/tickets';
import { confirmSignOut, useDraft } from '../hooks/useDraft';
import { useLiveUpdates } from '../hooks/useLiveUpdates';
import { useNow } from '../hooks/useNow';
import { formatRelative } from '../lib/format';
import { Avatar, Empty, Loading, PageHeader, StatusBadge } from '../ui/bits';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { useToast } from '../ui/Toasts';
import { Timeline } from '../workspace/Timeline';
import { AttachmentList } from '../attachments/AttachmentList';
import { AttachmentPicker, pasteFiles, useFileDrop } from '../attachments/AttachmentPicker';
import { useUploads } from '../attachments/useUploads';
import { HelpArticle, HelpCategory, HelpCentreHome, prefillFrom } from './HelpCentre';
import { Wizard } from './Wizard';
import { isAgent } from '@deskmate/shared';

const AccountPage = lazy(() => import('../account/AccountPage'));

function PortalShell({ children }: { children: ReactNode }) {
  const user = useUser();
  const { signOut } = useSession();
  const navigate = useNavigate();
  const announcements = useActiveAnnouncements();
  useLiveUpdates();
  return (
    <div className="portal">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/portal" className="brand">
          <span className="brand-mark" aria-hidden="true">
            D
          </span>
          <span className="vh-sm">Help</span>
        </Link>
        <nav className="portal-nav" aria-label="Portal">
          <NavLink to="/portal" end>
            Get help
          </NavLink>
          <NavLink to="/portal/kb">Help articles</NavLink>
          <NavLink to="/portal/tickets">My tickets</NavLink>
          <NavLink to="/portal/account">Account</NavLink>
          {isAgent(user) && <NavLink to="/queue/mine">Console</NavLink>}
        </nav>
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          onClick={() => confirmSignOut(user.id) && void signOut().then(() => navigate('/login'))}
        >
          Sign out
        </button>
      </header>
      <main id="main" className="portal-main" tabIndex={-1}>
        {announcements.data?.items.map((a) => (
          <div key={a.id} className="announcement card" role="note">
            <div>
              <strong>{a.title}</strong> {a.body}
            </div>
          </div>
        ))}
        {children}
      </main>
    </div>
  );
}

function HelpPage() {
  const user = useUser();
  const location = useLocation();
  const navigate = useNavigate();
  // A question from the help centre ("Still need help?") starts the wizard once; a reload resumes it.
  const [prefill] = useState(() => prefillFrom(location.state));
  useEffect(() => {
    if (location.state) navigate(location.pathname, { replace: true, state: null });
  }, [location.state, location.pathname, navigate]);
  return (
    <div className="stack">
      <PageHeader title={`Hi ${user.name.split(' ')[0]}, how can we help?`}>
        <p className="muted">
          Describe the problem; we will suggest an answer or open a ticket for you. Or{' '}
          <Link to="/portal/kb">browse the help articles</Link>.
        </p>
      </PageHeader>
      {prefill && (
        <p className="notice">
          We started your request from your question, “{prefill.text}”. Use Back to change how it is described.
        </p>
      )}
      <Wizard prefill={prefill} />
    </div>
  );
}

function MyTickets() {
  const now = useNow();
  const list = useQuery({
    queryKey: ['tickets', 'list', { requester: 'me' }],
    queryFn: () => ticketApi.list({ requester: 'me', limit: '100' }),
  });
  return (
    <div className="stack">
      <PageHeader
        title="My tickets"
        actions={
          <Link className="btn btn-primary" to="/portal">
            New request
          </Link>
        }
      />
      {list.error ? (
        <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />
      ) : !list.data ? (
        <Loading />
      ) : list.data.items.length === 0 ? (
        <Empty title="You have no tickets yet" />
      ) : (
        <ul className="articles" aria-label="My tickets">
          {list.data.items.map((t) => (
            <li key={t.id} className="card">
              <div className="row spread wrap">
                <Link to={`/portal/tickets/${t.key}`}>
                  <strong>
                    {t.key} {t.title}
                  </strong>
                </Link>
                <StatusBadge status={t.status} />
              </div>
              <p className="muted small">
                Updated {formatRelative(t.updatedAt, now)}
                {t.assignee ? ` · ${t.assignee.name} is on it` : ''}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Csat({ ticketKey }: { ticketKey: string }) {
  const [rating, setRating] = useState(0);
  const [comment, setComment] = useState('');
  const rate = useTicketAction(ticketKey);
  const labels = ['Very poor', 'Poor', 'Okay', 'Good', 'Excellent'];
  return (
    <form
      className="card stack"
      onSubmit={(e) => {
        e.preventDefault();
        if (rating) rate.mutate({ kind: 'csat', rating, ...(comment.trim() ? { comment: comment.trim() } : {}) });
      }}
    >
      <h2>How did we do?</h2>
      <div className="stars" role="group" aria-label="Rating">
        {labels.map((label, i) => (
          <button
            key={label}
            type="button"
            className="btn btn-secondary"
            aria-pressed={rating === i + 1}
            onClick={() => setRating(i + 1)}
          >
            {i + 1} <span className="sr-only">{label}</span>
          </button>
        ))}
      </div>
      <Field label="Comment (optional)">
        <textarea rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
      </Field>
      <ErrorMessage error={rate.error} />
      <button type="submit" className="btn btn-primary" disabled={!rating || rate.isPending}>
        Send rating
      </button>
    </form>
  );
}

function PortalTicket() {
  const { key = '' } = useParams();
  const ticket = useTicket(key);
  const timeline = useTimeline(key);
  const action = useTicketAction(key);
  const toast = useToast();
  const [text, setText] = useDraft(key, 'reply');
  const uploads = useUploads();
  const drop = useFileDrop(uploads);
  if (ticket.error) return <ErrorMessage error={ticket.error} onRetry={() => void ticket.refetch()} />;
  if (!ticket.data) return <Loading />;
  const t = ticket.data.ticket;
  const resolved = t.status === 'resolved' || t.status === 'closed';
  const canSend = (text.trim() !== '' || uploads.ids.length > 0) && !uploads.uploading && !uploads.failed;
  return (
    <div className="stack">
      <PageHeader title={`${t.key} ${t.title}`}>
        <div className="row wrap">
          <StatusBadge status={t.status} />
          {t.assignee && (
            <span className="row small">
              <Avatar name={t.assignee.name} size="sm" /> {t.assignee.name}
            </span>
          )}
        </div>
      </PageHeader>
      <div className="description">
        {t.description}
        <AttachmentList ticketKey={t.key} files={ticket.data.attachments} label="Files of the ticket" />
      </div>
      {timeline.data ? (
        <Timeline events={timeline.data.items} requesterId={t.requester.id} ticketKey={t.key} />
      ) : (
        <Loading />
      )}
      {t.status === 'resolved' && !t.csat && <Csat ticketKey={t.key} />}
      {t.csat && <p className="muted">You rated this {t.csat.rating}/5. Thank you!</p>}
      <form
        className={`composer stack${drop.dragging ? ' composer-dragging' : ''}`}
        {...drop.props}
        onSubmit={(e) => {
          e.preventDefault();
          if (canSend)
            action.mutate(
              { kind: 'reply', body: text.trim(), attachmentIds: uploads.ids },
              { onSuccess: () => (setText(''), uploads.clear(), toast('Reply sent')) },
            );
        }}
      >
        <Field label={resolved ? 'Still a problem? Reply to reopen' : 'Reply'}>
          <textarea rows={3} value={text} onChange={(e) => setText(e.target.value)} onPaste={pasteFiles(uploads)} />
        </Field>
        <AttachmentPicker uploads={uploads} dragging={drop.dragging} />
        <ErrorMessage error={action.error} />
        <div className="row">
          <button type="submit" className="btn btn-primary" disabled={!canSend || action.isPending}>
            Send
          </button>
          {t.status === 'resolved' && (
            <button type="button" className="btn btn-secondary" onClick={() => action.mutate({ kind: 'reopen' })}>
              Reopen
            </button>
          )}
        </div>
      </form>
    </div>
  );
}

/** The requester portal: the intake wizard, the help centre, my tickets, replies and satisfaction ratings. */
export default function PortalRoutes() {
  return (
    <PortalShell>
      <Routes>
        <Route index element={<HelpPage />} />
        <Route path="tickets" element={<MyTickets />} />
        <Route path="tickets/:key" element={<PortalTicket />} />
        <Route path="kb" element={<HelpCentreHome />} />
        <Route path="kb/category/:category" element={<HelpCategory />} />
        <Route path="kb/:slug" element={<HelpArticle />} />
        <Route path="account" element={<AccountPage />} />
        <Route path="*" element={<Navigate to="/portal" replace />} />
      </Routes>
    </PortalShell>
  );
}
