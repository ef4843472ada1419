import { Fragment, useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  userRoles,
  type TGroup,
  type TSsoPolicy,
  type TSsoProvider,
  type TSsoProviderKind,
  type TSsoProviderOptions,
  type TSsoSettings,
  type TSsoTestResult,
  type TUserRole,
} from '@deskmate/shared';
import { groupApi, ssoApi } from '../api/client';
import { keys } from '../api/keys';
import { Loading, PageHeader } from '../ui/bits';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { useToast } from '../ui/Toasts';

const kindLabels: Record<TSsoProviderKind, string> = {
  entra: 'Microsoft Entra ID',
  google: 'Google Workspace',
  slack: 'Sign in with Slack',
  oidc: 'Other OpenID Connect provider',
};

const roleLabels: Record<TUserRole, string> = { requester: 'Requesters', agent: 'Agents', admin: 'Admins' };

const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((v) => v.trim())
    .filter(Boolean);

/** Mapping lines `claim value = target`, one per line. */
function parseLines(text: string): [string, string][] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const at = line.lastIndexOf('=');
      if (at < 1) throw new Error(`“${line}” is not “claim value = target”`);
      return [line.slice(0, at).trim(), line.slice(at + 1).trim()];
    });
}

/** The options every provider has, as form text. */
interface OptionsForm {
  allowedDomains: string;
  allowedTenants: string;
  hostedDomain: string;
  assumeMfa: boolean;
  mfaAcrValues: string;
  roleClaim: string;
  roles: string;
  groupClaim: string;
  groups: string;
}

function optionsForm(options: TSsoProviderOptions | undefined, groups: TGroup[]): OptionsForm {
  const nameOf = (id: string) => groups.find((g) => g.id === id)?.name ?? id;
  return {
    allowedDomains: options?.allowedDomains.join(', ') ?? '',
    allowedTenants: options?.allowedTenants.join(', ') ?? '',
    hostedDomain: options?.hostedDomain ?? '',
    assumeMfa: options?.assumeMfa ?? false,
    mfaAcrValues: options?.mfaAcrValues.join(', ') ?? '',
    roleClaim: options?.claimMapping.roleClaim ?? 'roles',
    roles: options?.claimMapping.roles.map((r) => `${r.value} = ${r.role}`).join('\n') ?? '',
    groupClaim: options?.claimMapping.groupClaim ?? 'groups',
    groups: options?.claimMapping.groups.map((g) => `${g.value} = ${nameOf(g.groupId)}`).join('\n') ?? '',
  };
}

function optionsFrom(form: OptionsForm, groups: TGroup[]): TSsoProviderOptions {
  return {
    allowedDomains: list(form.allowedDomains.toLowerCase()),
    allowedTenants: list(form.allowedTenants),
    hostedDomain: form.hostedDomain.trim().toLowerCase() || null,
    assumeMfa: form.assumeMfa,
    mfaAcrValues: list(form.mfaAcrValues),
    claimMapping: {
      roleClaim: form.roleClaim.trim() || 'roles',
      roles: parseLines(form.roles).map(([value, role]) => {
        if (!(userRoles as readonly string[]).includes(role))
          throw new Error(`“${role}” is not requester, agent or admin`);
        return { value, role: role as TUserRole };
      }),
      groupClaim: form.groupClaim.trim() || 'groups',
      groups: parseLines(form.groups).map(([value, name]) => {
        const group = groups.find((g) => g.name.toLowerCase() === name.toLowerCase() || g.id === name);
        if (!group) throw new Error(`There is no group “${name}”`);
        return { value, groupId: group.id };
      }),
    },
  };
}

function OptionsFields({
  kind,
  form,
  onChange,
}: {
  kind: TSsoProviderKind;
  form: OptionsForm;
  onChange: (form: OptionsForm) => void;
}) {
  const set = (patch: Partial<OptionsForm>) => onChange({ ...form, ...patch });
  return (
    <>
      <Field
        label="Email domains that get an account at first sign-in"
        hint="Comma-separated, e.g. example.com. People whose verified email matches an existing user are linked whatever the domain."
      >
        <input value={form.allowedDomains} onChange={(e) => set({ allowedDomains: e.target.value })} />
      </Field>
      {kind === 'entra' && (
        <Field
          label="Allowed tenants"
          hint="Tenant ids whose accounts may sign in; empty: any tenant the issuer accepts."
        >
          <input value={form.allowedTenants} onChange={(e) => set({ allowedTenants: e.target.value })} />
        </Field>
      )}
      {kind === 'google' && (
        <Field label="Google Workspace domain" hint="Only accounts of this domain (the hd claim) can sign in.">
          <input value={form.hostedDomain} onChange={(e) => set({ hostedDomain: e.target.value })} />
        </Field>
      )}
      <label className="check">
        <input type="checkbox" checked={form.assumeMfa} onChange={(e) => set({ assumeMfa: e.target.checked })} />
        This provider always requires MFA for Deskmate (for example an Entra Conditional Access policy)
      </label>
      <Field label="acr values that mean MFA" hint="Besides the standard ones; comma-separated.">
        <input value={form.mfaAcrValues} onChange={(e) => set({ mfaAcrValues: e.target.value })} />
      </Field>
      <fieldset className="stack">
        <legend>Claim mapping (applied at each sign-in)</legend>
        <Field label="Role claim">
          <input value={form.roleClaim} onChange={(e) => set({ roleClaim: e.target.value })} />
        </Field>
        <Field
          label="Role rules"
          hint="One per line: claim value = requester, agent or admin. The highest match wins; no match: requester. Empty: roles are not managed."
        >
          <textarea rows={3} value={form.roles} onChange={(e) => set({ roles: e.target.value })} />
        </Field>
        <Field label="Group claim">
          <input value={form.groupClaim} onChange={(e) => set({ groupClaim: e.target.value })} />
        </Field>
        <Field
          label="Group rules"
          hint="One per line: claim value = Deskmate group name. People join the groups their values name and leave the other mapped groups."
        >
          <textarea rows={3} value={form.groups} onChange={(e) => set({ groups: e.target.value })} />
        </Field>
      </fieldset>
    </>
  );
}

function TestResult({ result }: { result: TSsoTestResult }) {
  const rows: [string, string | undefined][] = [
    ['Discovery', result.discoveryUrl],
    ['Issuer', result.issuer],
    ['Authorization endpoint', result.authorizationEndpoint],
    ['Token endpoint', result.tokenEndpoint],
    ['Signing keys', result.signingKeys?.join(', ')],
    ['PKCE (S256)', result.pkceS256 === undefined ? undefined : result.pkceS256 ? 'supported' : 'not announced'],
    ['Scopes', result.scopes.join(' ')],
    ['Redirect URI', result.redirectUri],
  ];
  return (
    <div className="stack" role="status" aria-label="Test result">
      <p>
        <span className={`badge ${result.ok ? 'badge-status-open' : 'badge-warn'}`}>
          {result.ok ? 'Discovery works' : 'Test failed'}
        </span>{' '}
        {result.error}
      </p>
      <dl className="facts small">
        {rows
          .filter(([, v]) => v)
          .map(([term, value]) => (
            <Fragment key={term}>
              <dt>{term}</dt>
              <dd>{value}</dd>
            </Fragment>
          ))}
      </dl>
      {result.authorizationUrl && (
        <details>
          <summary>What a sign-in would request (dry-run)</summary>
          <code className="small wrap">{result.authorizationUrl}</code>
        </details>
      )}
      {result.warnings.map((w) => (
        <p key={w} className="hint">
          {w}
        </p>
      ))}
    </div>
  );
}

function ProviderCard({ provider, groups }: { provider: TSsoProvider; groups: TGroup[] }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [editing, setEditing] = useState(false);
  const [form, setForm] = useState(() => optionsForm(provider.options, groups));
  const [enabled, setEnabled] = useState(provider.enabled);
  const [secret, setSecret] = useState('');
  const [formError, setFormError] = useState<string | null>(null);
  const test = useMutation({ mutationFn: () => ssoApi.test(provider.id) });
  const done = (what: string) => {
    void queryClient.invalidateQueries({ queryKey: keys.sso });
    toast(what);
  };
  const save = useMutation({
    mutationFn: (options: TSsoProviderOptions) =>
      provider.source === 'env'
        ? ssoApi.updateEnv({ enabled, options })
        : ssoApi.update(provider.id, {
            kind: provider.kind,
            displayName: provider.displayName,
            ...(provider.kind === 'oidc' ? { issuer: provider.issuer } : {}),
            ...(provider.tenant ? { tenant: provider.tenant } : {}),
            clientId: provider.clientId,
            ...(secret ? { clientSecret: secret } : {}),
            enabled,
            options,
          }),
    onSuccess: () => {
      setEditing(false);
      done(`${provider.displayName} saved`);
    },
  });
  const remove = useMutation({
    mutationFn: () => ssoApi.remove(provider.id),
    onSuccess: () => done(`${provider.displayName} removed`),
  });
  const onSave = (e: FormEvent) => {
    e.preventDefault();
    try {
      setFormError(null);
      save.mutate(optionsFrom(form, groups));
    } catch (err) {
      setFormError((err as Error).message);
    }
  };
  return (
    <section className="card stack" aria-label={`Provider ${provider.displayName}`}>
      <h3>
        {provider.displayName}{' '}
        <span className={`badge ${provider.enabled ? 'badge-status-open' : ''}`}>
          {provider.enabled ? 'On' : 'Off'}
        </span>
      </h3>
      <dl className="facts small">
        <dt>Kind</dt>
        <dd>{kindLabels[provider.kind]}</dd>
        <dt>Configured by</dt>
        <dd>{provider.source === 'env' ? 'OIDC_* environment variables' : 'this console'}</dd>
        <dt>Issuer</dt>
        <dd>{provider.issuer}</dd>
        <dt>Client id</dt>
        <dd>{provider.clientId}</dd>
        <dt>Client secret</dt>
        <dd>{provider.hasClientSecret ? 'set' : 'none (public client, PKCE only)'}</dd>
        <dt>Role rules</dt>
        <dd>{provider.options.claimMapping.roles.length || 'none'}</dd>
        <dt>Group rules</dt>
        <dd>{provider.options.claimMapping.groups.length || 'none'}</dd>
      </dl>
      <div className="row wrap">
        <button type="button" className="btn btn-secondary" disabled={test.isPending} onClick={() => test.mutate()}>
          {test.isPending ? 'Testing…' : 'Test'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => setEditing((v) => !v)}>
          {editing ? 'Close' : 'Edit options'}
        </button>
        {provider.source === 'console' && (
          <button type="button" className="btn btn-ghost" disabled={remove.isPending} onClick={() => remove.mutate()}>
            Remove
          </button>
        )}
      </div>
      {test.data && <TestResult result={test.data} />}
      <ErrorMessage error={test.error ?? remove.error} />
      {editing && (
        <form className="stack" onSubmit={onSave}>
          <label className="check">
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
            Offer “Sign in with {provider.displayName}”
          </label>
          {provider.source === 'console' && (
            <Field label="New client secret" hint="Leave empty to keep the stored one.">
              <input type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} />
            </Field>
          )}
          <OptionsFields kind={provider.kind} form={form} onChange={setForm} />
          {formError && (
            <p className="error" role="alert">
              {formError}
            </p>
          )}
          <ErrorMessage error={save.error} />
          <button type="submit" className="btn btn-primary" disabled={save.isPending}>
            Save
          </button>
        </form>
      )}
    </section>
  );
}

function AddProvider({ groups, onDone }: { groups: TGroup[]; onDone: () => void }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [kind, setKind] = useState<TSsoProviderKind>('entra');
  const [id, setId] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [issuer, setIssuer] = useState('');
  const [tenant, setTenant] = useState('');
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const [form, setForm] = useState(() => optionsForm(undefined, groups));
  const [formError, setFormError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: ssoApi.create,
    onSuccess: (p) => {
      void queryClient.invalidateQueries({ queryKey: keys.sso });
      toast(`${p.displayName} added`);
      onDone();
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    try {
      setFormError(null);
      create.mutate({
        id: id || kind,
        kind,
        displayName: displayName || kindLabels[kind],
        ...(kind === 'oidc' ? { issuer } : {}),
        ...(kind === 'entra' ? { tenant: tenant || 'organizations' } : {}),
        clientId,
        ...(clientSecret ? { clientSecret } : {}),
        enabled: true,
        options: optionsFrom(form, groups),
      });
    } catch (err) {
      setFormError((err as Error).message);
    }
  };
  return (
    <form className="card stack" aria-label="Add a provider" onSubmit={onSubmit}>
      <h3>Add a provider</h3>
      <Field label="Provider">
        <select value={kind} onChange={(e) => setKind(e.target.value as TSsoProviderKind)}>
          {(Object.keys(kindLabels) as TSsoProviderKind[]).map((k) => (
            <option key={k} value={k}>
              {kindLabels[k]}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Id" hint="Lower-case letters, digits, dashes: it names the provider in the sign-in URL.">
        <input
          value={id}
          placeholder={kind}
          pattern="[a-z0-9][a-z0-9-]{0,39}"
          onChange={(e) => setId(e.target.value)}
        />
      </Field>
      <Field label="Button name" hint="Shown as “Sign in with …”.">
        <input value={displayName} placeholder={kindLabels[kind]} onChange={(e) => setDisplayName(e.target.value)} />
      </Field>
      {kind === 'oidc' && (
        <Field label="Issuer URL">
          <input type="url" required value={issuer} onChange={(e) => setIssuer(e.target.value)} />
        </Field>
      )}
      {kind === 'entra' && (
        <Field
          label="Tenant"
          hint="Your directory (tenant) id for your organisation only, or organizations for any work account."
        >
          <input value={tenant} placeholder="organizations" onChange={(e) => setTenant(e.target.value)} />
        </Field>
      )}
      <Field label="Client id">
        <input required value={clientId} onChange={(e) => setClientId(e.target.value)} />
      </Field>
      <Field label="Client secret">
        <input
          type="password"
          autoComplete="off"
          value={clientSecret}
          onChange={(e) => setClientSecret(e.target.value)}
        />
      </Field>
      <OptionsFields kind={kind} form={form} onChange={setForm} />
      {formError && (
        <p className="error" role="alert">
          {formError}
        </p>
      )}
      <ErrorMessage error={create.error} />
      <button type="submit" className="btn btn-primary" disabled={create.isPending}>
        Add provider
      </button>
    </form>
  );
}

function PolicyCard({ settings }: { settings: TSsoSettings }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const [policy, setPolicy] = useState<TSsoPolicy>(settings.policy);
  const save = useMutation({
    mutationFn: () => ssoApi.setPolicy(policy),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.sso });
      toast('Sign-in policy saved');
    },
  });
  const toggle = <T,>(values: T[], value: T, on: boolean) =>
    on ? [...values, value] : values.filter((v) => v !== value);
  return (
    <form
      className="card stack"
      aria-labelledby="sso-policy-h"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <h2 id="sso-policy-h">Sign-in policy</h2>
      <fieldset className="stack">
        <legend>Require single sign-on (password sign-in is refused) for</legend>
        <div className="row wrap">
          {userRoles.map((role) => (
            <label key={role} className="check">
              <input
                type="checkbox"
                checked={policy.requireSsoRoles.includes(role)}
                onChange={(e) =>
                  setPolicy({ ...policy, requireSsoRoles: toggle(policy.requireSsoRoles, role, e.target.checked) })
                }
              />
              {roleLabels[role]}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="stack">
        <legend>When the provider did multi-factor sign-in</legend>
        <label className="check">
          <input
            type="radio"
            name="provider-mfa"
            checked={policy.providerMfa === 'trusted'}
            onChange={() => setPolicy({ ...policy, providerMfa: 'trusted' })}
          />
          It counts as Deskmate’s two-factor sign-in
        </label>
        <label className="check">
          <input
            type="radio"
            name="provider-mfa"
            checked={policy.providerMfa === 'ignored'}
            onChange={() => setPolicy({ ...policy, providerMfa: 'ignored' })}
          />
          Deskmate still asks its own second factor
        </label>
      </fieldset>
      <fieldset className="stack">
        <legend>Break-glass admins (password and two-factor sign-in, for when the provider is down)</legend>
        {settings.admins.map((a) => (
          <label key={a.id} className="check">
            <input
              type="checkbox"
              checked={policy.breakGlassAdminIds.includes(a.id)}
              onChange={(e) =>
                setPolicy({ ...policy, breakGlassAdminIds: toggle(policy.breakGlassAdminIds, a.id, e.target.checked) })
              }
            />
            {a.name} <span className="small muted">{a.email}</span>
            {!a.ready && <span className="badge badge-warn">needs a password and two-factor sign-in</span>}
          </label>
        ))}
      </fieldset>
      <p className="notice" data-testid="break-glass">
        {settings.breakGlass} At least one admin can always sign in with a password and two-factor sign-in: a policy
        that would lock every admin out is refused.
      </p>
      <ErrorMessage error={save.error} />
      <button type="submit" className="btn btn-primary" disabled={save.isPending}>
        Save policy
      </button>
    </form>
  );
}

/** Single sign-on: providers (test, options, add), the redirect URI, the policy and break-glass. */
export function SsoAdmin() {
  const settings = useQuery({ queryKey: keys.sso, queryFn: ssoApi.settings });
  const groups = useQuery({ queryKey: keys.groups, queryFn: groupApi.list });
  const [adding, setAdding] = useState(false);
  if (!settings.data || !groups.data) {
    return settings.error ? <ErrorMessage error={settings.error} /> : <Loading />;
  }
  const groupList = groups.data.items;
  return (
    <div className="page stack">
      <PageHeader
        title="Single sign-on"
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setAdding((v) => !v)}>
            {adding ? 'Cancel' : 'Add provider'}
          </button>
        }
      />
      <section className="card stack" aria-label="Redirect URI">
        <p>
          Register this redirect URI with every provider:{' '}
          <code data-testid="redirect-uri">{settings.data.redirectUri}</code>
        </p>
      </section>
      {adding && <AddProvider groups={groupList} onDone={() => setAdding(false)} />}
      <h2>Providers</h2>
      {settings.data.providers.length === 0 && <p className="muted">No provider yet: set OIDC_ISSUER or add one.</p>}
      {settings.data.providers.map((p) => (
        <ProviderCard key={`${p.id}:${JSON.stringify(p.options)}`} provider={p} groups={groupList} />
      ))}
      <PolicyCard key={JSON.stringify(settings.data.policy)} settings={settings.data} />
    </div>
  );
}
