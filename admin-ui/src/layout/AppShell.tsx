import { useEffect, useRef, useState } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { useSession, useUser } from '../auth/session';
import { useActiveAnnouncements, useUnreadCount } from '../hooks/data';
import { useQueueCounts } from '../hooks/tickets';
import { confirmSignOut } from '../hooks/useDraft';
import { useLiveUpdates } from '../hooks/useLiveUpdates';
import { useSavedViews } from '../hooks/useSavedViews';
import { useShortcuts } from '../hooks/useShortcuts';
import { useTheme, type TTheme } from '../hooks/useTheme';
import { queues } from '../lib/queues';
import { Avatar } from '../ui/bits';
import { HelpOverlay } from './HelpOverlay';
import { NotificationList } from './NotificationList';
import { isAdmin } from '@deskmate/shared';

const adminLinks = [
  ['users', 'Users'],
  ['groups', 'Groups'],
  ['sla', 'SLA policies'],
  ['kb', 'Knowledge base'],
  ['canned', 'Canned responses'],
  ['announcements', 'Announcements'],
  ['integrations', 'Integrations'],
  ['sso', 'Single sign-on'],
  ['audit', 'Audit log'],
] as const;

function Sidebar({ onNavigate }: { onNavigate: () => void }) {
  const user = useUser();
  const { views, remove } = useSavedViews(user.id);
  const counts = useQueueCounts().data?.counts;
  return (
    <nav className="sidebar-nav" aria-label="Main">
      <Link to="/tickets/new" className="btn btn-secondary btn-sm new-ticket-link" onClick={onNavigate}>
        New ticket
      </Link>
      <h2 className="nav-heading">Queues</h2>
      <ul>
        {queues.map((q) => (
          <li key={q.id}>
            {/* The link keeps its name ("Unassigned"); the count is its description ("4 tickets"). */}
            <NavLink
              to={`/queue/${q.id}`}
              onClick={onNavigate}
              className="queue-link"
              aria-describedby={counts ? `queue-count-${q.id}` : undefined}
            >
              <span>{q.label}</span>
              {counts && (
                <span className="nav-count" aria-hidden="true" data-testid={`count-${q.id}`}>
                  {counts[q.id]}
                </span>
              )}
            </NavLink>
            {counts && (
              <span id={`queue-count-${q.id}`} hidden>
                {counts[q.id]} {counts[q.id] === 1 ? 'ticket' : 'tickets'}
              </span>
            )}
          </li>
        ))}
      </ul>
      {views.length > 0 && (
        <>
          <h2 className="nav-heading">Saved views</h2>
          <ul>
            {views.map((v) => (
              <li key={v.id} className="saved-view">
                <Link to={`/queue/${v.queue}${v.search ? `?${v.search}` : ''}`} onClick={onNavigate}>
                  {v.name}
                </Link>
                <button
                  type="button"
                  className="btn btn-ghost btn-icon btn-sm"
                  aria-label={`Delete view ${v.name}`}
                  onClick={() => remove(v.id)}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <h2 className="nav-heading">Insights</h2>
      <ul>
        <li>
          <NavLink to="/reports" onClick={onNavigate}>
            Reports
          </NavLink>
        </li>
      </ul>
      {isAdmin(user) && (
        <>
          <h2 className="nav-heading">Admin</h2>
          <ul>
            {adminLinks.map(([path, label]) => (
              <li key={path}>
                <NavLink to={`/admin/${path}`} onClick={onNavigate}>
                  {label}
                </NavLink>
              </li>
            ))}
          </ul>
        </>
      )}
    </nav>
  );
}

function Bell() {
  const unread = useUnreadCount();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const count = unread.data?.count ?? 0;
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  return (
    <div className="popover-anchor" ref={ref}>
      <button
        type="button"
        className="btn btn-ghost btn-icon bell"
        aria-expanded={open}
        aria-controls="notifications-popover"
        aria-label={count ? `Notifications, ${count} unread` : 'Notifications'}
        onClick={() => setOpen((o) => !o)}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path
            fill="currentColor"
            d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
          />
        </svg>
        {count > 0 && (
          <span className="bell-count" data-testid="unread-count">
            {count > 99 ? '99+' : count}
          </span>
        )}
      </button>
      {open && (
        <div id="notifications-popover" className="popover" role="region" aria-label="Notifications">
          <NotificationList onNavigate={() => setOpen(false)} />
          <Link className="popover-footer" to="/notifications" onClick={() => setOpen(false)}>
            Open the inbox
          </Link>
        </div>
      )}
    </div>
  );
}

function UserMenu() {
  const user = useUser();
  const { signOut } = useSession();
  const [theme, setTheme] = useTheme();
  const navigate = useNavigate();
  return (
    <details className="user-menu">
      <summary>
        <Avatar name={user.name} size="sm" />
        <span className="vh-sm">{user.name}</span>
        <span className="sr-only">: account menu</span>
      </summary>
      <div className="menu" role="group" aria-label="Account">
        <p className="muted small">
          {user.email} · {user.role}
        </p>
        <label className="menu-row">
          Theme
          <select value={theme} onChange={(e) => setTheme(e.target.value as TTheme)}>
            <option value="system">System</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </label>
        <Link to="/account">Account and security</Link>
        <Link to="/portal">Requester portal</Link>
        <button
          type="button"
          className="link"
          onClick={() => confirmSignOut(user.id) && void signOut().then(() => navigate('/login'))}
        >
          Sign out
        </button>
        <button
          type="button"
          className="link"
          onClick={() => confirmSignOut(user.id) && void signOut(true).then(() => navigate('/login'))}
        >
          Sign out everywhere
        </button>
      </div>
    </details>
  );
}

/** The agent and admin console: header, navigation, live updates, shortcuts, announcements. */
export function AppShell() {
  const live = useLiveUpdates();
  const navigate = useNavigate();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const [help, setHelp] = useState(false);
  const [search, setSearch] = useState('');
  const searchRef = useRef<HTMLInputElement>(null);
  const announcements = useActiveAnnouncements();
  const [dismissed, setDismissed] = useState<string[]>([]);

  useEffect(() => setMenuOpen(false), [location.pathname]);

  useShortcuts({
    '?': () => setHelp(true),
    '/': () => searchRef.current?.focus(),
    'g m': () => void navigate('/queue/mine'),
    'g u': () => void navigate('/queue/unassigned'),
    'g g': () => void navigate('/queue/groups'),
    'g a': () => void navigate('/queue/all'),
    'g r': () => void navigate('/queue/at-risk'),
    'g b': () => void navigate('/queue/breached'),
    'g n': () => void navigate('/notifications'),
  });

  const banners = (announcements.data?.items ?? []).filter((a) => !dismissed.includes(a.id));

  return (
    <div className={menuOpen ? 'shell menu-open' : 'shell'}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          type="button"
          className="btn btn-ghost btn-icon menu-toggle"
          aria-label="Menu"
          aria-expanded={menuOpen}
          aria-controls="sidebar"
          onClick={() => setMenuOpen((o) => !o)}
        >
          ☰
        </button>
        <Link to="/queue/mine" className="brand">
          <span className="brand-mark" aria-hidden="true">
            D
          </span>
          <span className="vh-sm">Deskmate</span>
        </Link>
        <form
          className="search"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            const q = search.trim();
            void navigate(q ? `/queue/all?q=${encodeURIComponent(q)}` : '/queue/all');
            searchRef.current?.blur();
          }}
        >
          <label htmlFor="global-search" className="sr-only">
            Search tickets
          </label>
          <input
            id="global-search"
            ref={searchRef}
            type="search"
            placeholder="Search, or jump to a key (/)"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') searchRef.current?.blur();
              if (e.key === 'Enter' && /^[A-Za-z][A-Za-z0-9]{0,9}-\d+$/.test(search.trim())) {
                e.preventDefault();
                void navigate(`/tickets/${search.trim().toUpperCase()}`);
              }
            }}
          />
        </form>
        <span className={`live live-${live}`} title={live === 'live' ? 'Live updates on' : 'Reconnecting…'}>
          <span className="sr-only">{live === 'live' ? 'Live updates on' : 'Live updates reconnecting'}</span>
        </span>
        <button
          type="button"
          className="btn btn-ghost btn-icon hide-sm"
          aria-label="Keyboard shortcuts"
          onClick={() => setHelp(true)}
        >
          ?
        </button>
        <Bell />
        <UserMenu />
      </header>
      <aside id="sidebar" className="sidebar">
        <Sidebar onNavigate={() => setMenuOpen(false)} />
      </aside>
      <main id="main" className="content" tabIndex={-1}>
        {banners.map((a) => (
          <div key={a.id} className="announcement" role="note">
            <div>
              <strong>{a.title}</strong> {a.body}
            </div>
            <button type="button" className="btn btn-ghost btn-sm" onClick={() => setDismissed((d) => [...d, a.id])}>
              Dismiss
            </button>
          </div>
        ))}
        <Outlet />
      </main>
      <HelpOverlay open={help} onClose={() => setHelp(false)} />
    </div>
  );
}
