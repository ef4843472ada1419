import { ZUnverifiedEmailData, type TTimelineEvent, type TUnverifiedEmailData } from '@deskmate/shared';
import { AttachmentList } from '../attachments/AttachmentList';
import { useUnverifiedEmailDecision } from '../hooks/tickets';
import { useNow } from '../hooks/useNow';
import { formatDateTime, formatRelative } from '../lib/format';
import { Avatar } from '../ui/bits';
import { useToast } from '../ui/Toasts';

const channelLabel: Record<string, string> = {
  web: 'web',
  slack: 'Slack',
  teams: 'Teams',
  email: 'email',
  api: 'API',
  system: 'Deskmate',
};

/**
 * A mail whose sender Deskmate could not authenticate, held as an internal note: who it claims to
 * be from and why it is held, and (while pending) the agent's two choices. The server decides who
 * may choose; a refusal shows as a toast.
 */
function UnverifiedEmail({
  ticketKey,
  eventId,
  data,
}: {
  ticketKey: string;
  eventId: string;
  data: TUnverifiedEmailData;
}) {
  const decide = useUnverifiedEmailDecision(ticketKey);
  const toast = useToast();
  const sender = data.sender.name ? `${data.sender.name} <${data.sender.address}>` : data.sender.address;
  const choose = (decision: 'accept' | 'discard') =>
    decide.mutate(
      { eventId, decision },
      {
        onSuccess: () => toast(decision === 'accept' ? `Posted as ${sender}'s reply` : 'Discarded'),
        onError: (e) => toast(e.message, 'error'),
      },
    );
  return (
    <div className="unverified-email" role="group" aria-label="Mail from an unverified sender">
      <p className="small">
        <span className="badge badge-warn">Unverified sender</span> From <strong>{sender}</strong>. {data.why}
      </p>
      {data.state === 'pending' ? (
        <div className="row">
          <button
            type="button"
            className="btn btn-sm btn-primary"
            disabled={decide.isPending}
            onClick={() => choose('accept')}
          >
            Accept as their reply
          </button>
          <button
            type="button"
            className="btn btn-sm btn-ghost"
            disabled={decide.isPending}
            onClick={() => choose('discard')}
          >
            Discard
          </button>
        </div>
      ) : (
        <p className="small muted">
          {data.state === 'accepted' ? 'Accepted' : 'Discarded'}
          {data.decidedBy ? ` by ${data.decidedBy.name}` : ''}
          {data.decidedAt ? ` on ${formatDateTime(data.decidedAt)}` : ''}.
        </p>
      )}
    </div>
  );
}

/**
 * The conversation: public replies as messages, internal notes on a distinct tinted card with a
 * lock and the words "Internal note", system events as one quiet line; each message with its
 * files. With `decide` (the console), a mail from an unverified sender offers the agent to accept
 * or discard it.
 */
export function Timeline({
  events,
  requesterId,
  ticketKey,
  decide = false,
}: {
  events: TTimelineEvent[];
  requesterId: string;
  ticketKey: string;
  decide?: boolean;
}) {
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
              data-unverified={e.data.type === 'unverified_email' ? String(e.data.state) : undefined}
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
              {e.body && <div className="event-body">{e.body}</div>}
              <AttachmentList
                ticketKey={ticketKey}
                files={e.attachments}
                label={`Files of this ${internal ? 'note' : 'reply'}`}
              />
              {(() => {
                const unverified = ZUnverifiedEmailData.safeParse(e.data);
                return unverified.success && decide ? (
                  <UnverifiedEmail ticketKey={ticketKey} eventId={e.id} data={unverified.data} />
                ) : null;
              })()}
            </article>
          </li>
        );
      })}
    </ol>
  );
}
