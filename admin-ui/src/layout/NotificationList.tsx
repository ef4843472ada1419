import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { TNotification } from '@deskmate/shared';
import { notificationApi } from '../api/client';
import { keys } from '../api/keys';
import { useNotifications } from '../hooks/data';
import { useNow } from '../hooks/useNow';
import { formatRelative } from '../lib/format';
import { Empty, Loading } from '../ui/bits';
import { ErrorMessage } from '../ui/ErrorMessage';

/** The inbox: newest first, unread marked, a click opens the ticket and marks it read. */
export function NotificationList({ onNavigate }: { onNavigate?: () => void }) {
  const queryClient = useQueryClient();
  const list = useNotifications();
  const now = useNow();
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.notifications });
  const readAll = useMutation({ mutationFn: notificationApi.readAll, onSuccess: refresh });
  const read = useMutation({ mutationFn: (n: TNotification) => notificationApi.read(n.id), onSuccess: refresh });

  if (list.isPending) return <Loading />;
  if (list.error) return <ErrorMessage error={list.error} onRetry={() => void list.refetch()} />;
  const items = list.data.items;
  return (
    <div className="notification-list">
      <div className="row spread">
        <span className="muted">{items.filter((n) => !n.read).length} unread</span>
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          disabled={readAll.isPending}
          onClick={() => readAll.mutate()}
        >
          Mark all read
        </button>
      </div>
      {items.length === 0 ? (
        <Empty title="You are all caught up" />
      ) : (
        <ul>
          {items.map((n) => (
            <li key={n.id} className={n.read ? 'notification' : 'notification unread'}>
              {n.ticketKey ? (
                <Link
                  to={`/tickets/${n.ticketKey}`}
                  onClick={() => {
                    if (!n.read) read.mutate(n);
                    onNavigate?.();
                  }}
                >
                  <strong>{n.title}</strong>
                  <span>{n.body}</span>
                </Link>
              ) : (
                <div>
                  <strong>{n.title}</strong>
                  <span>{n.body}</span>
                </div>
              )}
              <time dateTime={n.createdAt}>{formatRelative(n.createdAt, now)}</time>
              {!n.read && <span className="sr-only">(unread)</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
