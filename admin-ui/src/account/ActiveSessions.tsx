import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import type { TUserSession } from '@deskmate/shared';
import { authApi } from '../api/client';
import { keys } from '../api/keys';
import { useSession } from '../auth/session';
import { useNow } from '../hooks/useNow';
import { formatDateTime, formatRelative } from '../lib/format';
import { Loading } from '../ui/bits';
import { ErrorMessage } from '../ui/ErrorMessage';
import { useToast } from '../ui/Toasts';

function SessionItem({ session, onSignOut, busy }: { session: TUserSession; onSignOut(): void; busy: boolean }) {
  const now = useNow();
  return (
    <li className="card" data-testid="session">
      <div className="row spread wrap">
        <span className="row wrap">
          <strong>{session.device}</strong>
          {session.current && <span className="badge">This device</span>}
        </span>
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          disabled={busy}
          onClick={onSignOut}
          // Every row has a "Sign out"; other devices' buttons say which device they end.
          aria-label={session.current ? undefined : `Sign out ${session.device}`}
        >
          Sign out
        </button>
      </div>
      <p className="muted small">
        {session.ip ?? 'Unknown address'} · last seen{' '}
        <time dateTime={session.lastSeenAt} title={formatDateTime(session.lastSeenAt)}>
          {formatRelative(session.lastSeenAt, now)}
        </time>{' '}
        · signed in {formatDateTime(session.createdAt)}
      </p>
    </li>
  );
}

/** My active sessions, each with "Sign out", and "Sign out everywhere". */
export function ActiveSessions() {
  const { signOut } = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const toast = useToast();
  const list = useQuery({ queryKey: keys.sessions, queryFn: authApi.sessions });
  const end = useMutation({
    mutationFn: (session: TUserSession) => authApi.endSession(session.id),
    onSuccess: (_r, session) => {
      toast(`Signed out ${session.device}`);
      void queryClient.invalidateQueries({ queryKey: keys.sessions });
    },
  });
  const signOutHere = () => void signOut().then(() => navigate('/login'));

  return (
    <div className="stack">
      <ErrorMessage error={list.error ?? end.error} onRetry={() => void list.refetch()} />
      {!list.data ? (
        !list.error && <Loading label="Loading sessions…" />
      ) : (
        <ul className="articles" aria-label="Active sessions">
          {list.data.items.map((session) => (
            <SessionItem
              key={session.id}
              session={session}
              busy={end.isPending}
              onSignOut={() => (session.current ? signOutHere() : end.mutate(session))}
            />
          ))}
        </ul>
      )}
      <p>Signing out everywhere ends every session on every device, this one included.</p>
      <div className="row wrap">
        <button
          type="button"
          className="btn btn-danger"
          onClick={() => void signOut(true).then(() => navigate('/login'))}
        >
          Sign out everywhere
        </button>
      </div>
    </div>
  );
}
