import type { TTimelineEvent } from '@deskmate/shared';
import { useNow } from '../hooks/useNow';
import { formatDateTime, formatRelative } from '../lib/format';
import { Avatar } from '../ui/bits';

const channelLabel: Record<string, string> = {
  web: 'web',
  slack: 'Slack',
  teams: 'Teams',
  email: 'email',
  api: 'API',
  system: 'Deskmate',
};

/**
 * The conversation: public replies as messages, internal notes on a distinct tinted card with a
 * lock and the words "Internal note", system events as one quiet line.
 */
export function Timeline({ events, requesterId }: { events: TTimelineEvent[]; requesterId: string }) {
  const now = useNow();
  return (
    <ol className="timeline" aria-label="Conversation">
      {events.map((e) => {
        const when = (
          <time dateTime={e.createdAt} title={formatDateTime(e.createdAt)}>
            {formatRelative(e.createdAt, now)}
          </time>
        );
        if (e.kind === 'system') {
          return (
            <li key={e.id} className="event event-system">
              <span>
                {e.author ? `${e.author.name}: ` : ''}
                {e.body}
              </span>{' '}
              · {when}
            </li>
          );
        }
        const internal = e.visibility === 'internal';
        const fromRequester = e.author?.id === requesterId;
        return (
          <li
            key={e.id}
            className={`event ${internal ? 'event-internal' : fromRequester ? 'event-requester' : 'event-public'}`}
            data-visibility={e.visibility}
          >
            <Avatar name={e.author?.name ?? 'Deskmate'} />
            <article
              aria-label={
                internal
                  ? `Internal note by ${e.author?.name ?? 'Deskmate'}`
                  : `Reply by ${e.author?.name ?? 'Deskmate'}`
              }
            >
              <header>
                <strong>{e.author?.name ?? 'Deskmate'}</strong>
                {internal ? (
                  <span className="badge badge-internal">
                    <svg viewBox="0 0 24 24" width="12" height="12" aria-hidden="true">
                      <path fill="currentColor" d="M17 9V7a5 5 0 0 0-10 0v2H5v13h14V9h-2ZM9 7a3 3 0 0 1 6 0v2H9V7Z" />
                    </svg>
                    Internal note
                  </span>
                ) : (
                  <span className="badge badge-public">{fromRequester ? 'Requester' : 'Public reply'}</span>
                )}
                <span className="muted small">
                  via {channelLabel[e.channel] ?? e.channel} · {when}
                </span>
              </header>
              <div className="event-body">{e.body}</div>
            </article>
          </li>
        );
      })}
    </ol>
  );
}
