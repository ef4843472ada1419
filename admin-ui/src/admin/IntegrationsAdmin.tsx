import { Fragment, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiTokenScopes, type TDeliveryFailure, type TInboxActivity, type TIntegrationsStatus } from '@deskmate/shared';
import { integrationApi, userApi } from '../api/client';
import { keys } from '../api/keys';
import { useNow } from '../hooks/useNow';
import { formatDateTime, formatRelative } from '../lib/format';
import { trafficText } from '../lib/integrations';
import { Loading, PageHeader } from '../ui/bits';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { useToast } from '../ui/Toasts';

type TScope = (typeof apiTokenScopes)[number];
type TChannelStatus = TIntegrationsStatus[keyof TIntegrationsStatus];

const failureStatus: Record<TDeliveryFailure['status'], string> = {
  pending: 'will be retried',
  dead: 'gave up',
  sent: 'sent on a later attempt',
};

/**
 * One channel: whether it is set up, its last traffic and its last failed delivery; for Slack and
 * Teams also the requests answered and not yet acted on, and those that failed.
 */
function ChannelCard({
  title,
  status,
  inbox,
  badge,
  setup,
  receiving,
  sending,
  now,
}: {
  title: string;
  status: TChannelStatus;
  inbox?: TInboxActivity;
  badge: { label: string; on: boolean };
  setup: [string, string][];
  /** Whether this channel receives and sends for real; when off its times read "not configured". */
  receiving: boolean;
  sending: { on: boolean; off?: string };
  now: number;
}) {
  const failure = status.lastFailure;
  const inboxFailure = inbox?.lastFailure;
  return (
    <section className="card stack" aria-label={`${title} status`}>
      <h2>{title}</h2>
      <p>
        <span className={`badge ${badge.on ? 'badge-status-open' : ''}`}>{badge.label}</span>
      </p>
      <dl className="facts small">
        {setup.map(([term, value]) => (
          <Fragment key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </Fragment>
        ))}
        <dt>Last received</dt>
        <dd>{trafficText(status.lastInboundAt, receiving, now)}</dd>
        <dt>Last sent</dt>
        <dd>{trafficText(status.lastSentAt, sending.on, now, sending.off)}</dd>
        <dt>Waiting to send</dt>
        <dd>{status.pending}</dd>
        <dt>Last failure</dt>
        <dd>
          {failure ? (
            <>
              <code>{failure.error}</code> ({failure.kind}, failed {formatRelative(failure.failedAt, now)},{' '}
              {failure.attempts} {failure.attempts === 1 ? 'attempt' : 'attempts'}, {failureStatus[failure.status]})
            </>
          ) : (
            'none'
          )}
        </dd>
        {inbox && (
          <>
            <dt>Requests waiting</dt>
            <dd>{inbox.waiting}</dd>
            <dt>Failed requests</dt>
            <dd>
              {inbox.failed}
              {inboxFailure && (
                <>
                  {' '}
                  (last: {inboxFailure.request ? <code>{inboxFailure.request}</code> : 'a request'},{' '}
                  {formatRelative(inboxFailure.failedAt, now)}: <code>{inboxFailure.error}</code>)
                </>
              )}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

/**
 * Integrations: the status of Slack, Teams and email (configured or not, last traffic, last
 * failure), API tokens (the Slack/Teams bot acts through one with chat:act) and the outgoing mail log.
 */
export function IntegrationsAdmin() {
  const queryClient = useQueryClient();
  const now = useNow();
  const toast = useToast();
  const status = useQuery({ queryKey: keys.integrationStatus, queryFn: integrationApi.status });
  const tokens = useQuery({ queryKey: keys.tokens, queryFn: integrationApi.tokens });
  const mail = useQuery({ queryKey: keys.mail, queryFn: userApi.mail });
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<TScope[]>(['chat:act']);
  const create = useMutation({
    mutationFn: () => integrationApi.createToken(name.trim(), scopes),
    onSuccess: () => {
      setName('');
      void queryClient.invalidateQueries({ queryKey: keys.tokens });
    },
  });
  const revoke = useMutation({
    mutationFn: integrationApi.revokeToken,
    onSuccess: () => {
      toast('Token revoked');
      void queryClient.invalidateQueries({ queryKey: keys.tokens });
    },
  });
  const s = status.data;
  const inbound = s ? [s.email.inbound.imap && 'IMAP', s.email.inbound.webhook && 'webhook'].filter(Boolean) : [];

  return (
    <div className="page stack">
      <PageHeader title="Integrations" />
      {status.error ? (
        <ErrorMessage error={status.error} onRetry={() => void status.refetch()} />
      ) : !s ? (
        <Loading />
      ) : (
        <div className="cards">
          <ChannelCard
            title="Slack"
            status={s.slack}
            inbox={s.slack.inbox}
            now={now}
            badge={{ label: s.slack.configured ? 'Configured' : 'Not configured', on: s.slack.configured }}
            receiving={s.slack.configured}
            sending={{ on: s.slack.configured }}
            setup={[
              [
                'Mode',
                s.slack.mode === 'socket'
                  ? 'Socket Mode'
                  : s.slack.mode === 'http'
                    ? 'HTTP events (/slack/events)'
                    : 'off',
              ],
            ]}
          />
          <ChannelCard
            title="Teams"
            status={s.teams}
            inbox={s.teams.inbox}
            now={now}
            badge={{
              label: s.teams.configured ? 'Configured' : s.teams.emulatorOnly ? 'Emulator only' : 'Not configured',
              on: s.teams.configured,
            }}
            receiving={s.teams.configured || s.teams.emulatorOnly}
            sending={{ on: s.teams.configured || s.teams.emulatorOnly }}
            setup={[
              [
                'Endpoint',
                s.teams.configured
                  ? 'Bot Framework (/api/messages)'
                  : s.teams.emulatorOnly
                    ? 'Bot Framework Emulator on this machine'
                    : 'off',
              ],
            ]}
          />
          <ChannelCard
            title="Email"
            status={s.email}
            now={now}
            badge={{
              label: s.email.configured ? 'SMTP configured' : 'Not configured (dev outbox)',
              on: s.email.configured,
            }}
            receiving={inbound.length > 0}
            sending={{ on: s.email.configured, off: 'not configured (mail stays in the dev outbox below)' }}
            setup={[
              ['Outgoing', s.email.outbound === 'smtp' ? 'SMTP' : 'dev outbox (below)'],
              ['Incoming', inbound.length ? inbound.join(' and ') : 'off'],
            ]}
          />
        </div>
      )}

      <section className="card stack" aria-labelledby="tokens-h">
        <h2 id="tokens-h">API tokens</h2>
        {create.data && (
          <div className="notice" role="status">
            <p>
              Copy the token for <strong>{create.data.apiToken.name}</strong> now; it is not shown again:
            </p>
            <code className="secret">{create.data.token}</code>
          </div>
        )}
        <form
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            create.mutate();
          }}
        >
          <Field label="Name">
            <input required value={name} placeholder="Slack bot" onChange={(e) => setName(e.target.value)} />
          </Field>
          <fieldset className="choice-group">
            <legend>Scopes</legend>
            <div className="row wrap">
              {apiTokenScopes.map((s) => (
                <label key={s} className="check">
                  <input
                    type="checkbox"
                    checked={scopes.includes(s)}
                    onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))}
                  />
                  {s}
                </label>
              ))}
            </div>
          </fieldset>
          <button type="submit" className="btn btn-primary" disabled={create.isPending || !scopes.length}>
            Create token
          </button>
        </form>
        <ErrorMessage error={create.error ?? revoke.error ?? tokens.error} />
        {tokens.data && (
          <div className="table-wrap" tabIndex={0}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Prefix</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.data.items.map((t) => (
                  <tr key={t.id} className={t.revokedAt ? 'muted' : undefined}>
                    <td>{t.name}</td>
                    <td>
                      <code>{t.prefix}…</code>
                    </td>
                    <td>{t.scopes.join(', ')}</td>
                    <td>{formatDateTime(t.createdAt)}</td>
                    <td>{t.lastUsedAt ? formatRelative(t.lastUsedAt, now) : 'Never'}</td>
                    <td>
                      {t.revokedAt ? (
                        'Revoked'
                      ) : (
                        <button type="button" className="btn btn-ghost btn-sm" onClick={() => revoke.mutate(t.id)}>
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card stack" aria-labelledby="mail-h">
        <h2 id="mail-h">Outgoing mail</h2>
        <p className="muted small">
          Development only: until SMTP is configured, mail lands here, sign-in codes and links included, so that a
          developer can sign in. Once SMTP is configured, codes and links are sent and never kept or shown.
        </p>
        {mail.data && (
          <div className="table-wrap" tabIndex={0}>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">To</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {mail.data.items.slice(0, 50).map((m) => (
                  <tr key={m.id}>
                    <td>{formatDateTime(m.createdAt)}</td>
                    <td>{m.to}</td>
                    <td>{m.subject}</td>
                    <td>{m.kind}</td>
                    <td>{m.status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
