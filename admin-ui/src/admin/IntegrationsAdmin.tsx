import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiTokenScopes } from '@deskmate/shared';
import { integrationApi, userApi } from '../api/client';
import { keys } from '../api/keys';
import { useNow } from '../hooks/useNow';
import { formatDateTime, formatRelative } from '../lib/format';
import { Loading, PageHeader } from '../ui/bits';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { useToast } from '../ui/Toasts';

type TScope = (typeof apiTokenScopes)[number];

/**
 * What the API exposes about integrations: API tokens (the Slack/Teams bot acts through one with
 * chat:act) and the outgoing mail log. There is no status endpoint for Slack, Teams or email yet.
 */
export function IntegrationsAdmin() {
  const queryClient = useQueryClient();
  const now = useNow();
  const toast = useToast();
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

  const active = (tokens.data?.items ?? []).filter((t) => !t.revokedAt);
  const chatTokens = active.filter((t) => t.scopes.includes('chat:act'));
  const lastChat =
    chatTokens
      .map((t) => t.lastUsedAt)
      .filter((x): x is string => !!x)
      .sort()
      .at(-1) ?? null;
  const lastMail = mail.data?.items[0] ?? null;

  return (
    <div className="page stack">
      <PageHeader title="Integrations" />
      <div className="cards">
        {(['Slack', 'Teams'] as const).map((channel) => (
          <section key={channel} className="card stack" aria-label={`${channel} status`}>
            <h2>{channel}</h2>
            <p>
              <span className={`badge ${chatTokens.length ? 'badge-status-open' : ''}`}>
                {chatTokens.length ? 'Bot token active' : 'No bot token'}
              </span>
            </p>
            <p className="small muted">
              Last event: {lastChat ? formatRelative(lastChat, now) : 'none yet'} (the bot acts through a chat:act
              token; the API does not report {channel} settings yet).
            </p>
          </section>
        ))}
        <section className="card stack" aria-label="Email status">
          <h2>Email</h2>
          {mail.error ? (
            <ErrorMessage error={mail.error} />
          ) : !mail.data ? (
            <Loading />
          ) : (
            <>
              <p>
                <span className="badge">{lastMail ? `Last message ${lastMail.status}` : 'No mail yet'}</span>
              </p>
              <p className="small muted">
                {lastMail
                  ? `“${lastMail.subject}” to ${lastMail.to}, ${formatRelative(lastMail.createdAt, now)}`
                  : 'Nothing has been sent.'}
              </p>
            </>
          )}
        </section>
      </div>

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
        <p className="muted small">Until SMTP is configured, mail lands here (the development outbox).</p>
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
