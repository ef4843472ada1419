import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { userRoles, type TUser, type TUserRole } from '@deskmate/shared';
import { userApi } from '../api/client';
import { keys } from '../api/keys';
import { useUser } from '../auth/session';
import { formatDateTime, formatRelative } from '../lib/format';
import { useNow } from '../hooks/useNow';
import { Loading, PageHeader } from '../ui/bits';
import { Dialog } from '../ui/Dialog';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { useToast } from '../ui/Toasts';

function InviteDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<TUserRole>('agent');
  const queryClient = useQueryClient();
  const toast = useToast();
  const invite = useMutation({
    mutationFn: () => userApi.invite({ email, name, role }),
    onSuccess: ({ user }) => {
      void queryClient.invalidateQueries({ queryKey: ['users'] });
      toast(`Invitation sent to ${user.email}`);
      setEmail('');
      setName('');
      onClose();
    },
  });
  return (
    <Dialog open={open} title="Invite someone" onClose={onClose}>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          invite.mutate();
        }}
      >
        <Field label="Email">
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label="Name">
          <input required value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Role">
          <select value={role} onChange={(e) => setRole(e.target.value as TUserRole)}>
            {userRoles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </Field>
        <p className="hint">They get an email with a link valid for 7 days to choose a password.</p>
        <ErrorMessage error={invite.error} />
        <button type="submit" className="btn btn-primary" disabled={invite.isPending}>
          Send invitation
        </button>
      </form>
    </Dialog>
  );
}

function SecuritySettings() {
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: keys.security, queryFn: userApi.security });
  const toast = useToast();
  const save = useMutation({
    mutationFn: userApi.setSecurity,
    onSuccess: (data) => {
      queryClient.setQueryData(keys.security, data);
      toast('Sign-in security saved');
    },
  });
  if (!settings.data) return settings.error ? <ErrorMessage error={settings.error} /> : <Loading />;
  const roles = settings.data.require2faRoles;
  const toggle = (role: 'agent' | 'admin', on: boolean) =>
    save.mutate({ require2faRoles: on ? [...roles, role] : roles.filter((r) => r !== role) });
  return (
    <section className="card stack" aria-labelledby="security-h">
      <h2 id="security-h">Require two-factor sign-in</h2>
      <div className="row wrap">
        {(['agent', 'admin'] as const).map((role) => (
          <label key={role} className="check">
            <input
              type="checkbox"
              checked={roles.includes(role)}
              disabled={save.isPending}
              onChange={(e) => toggle(role, e.target.checked)}
            />
            All {role}s
          </label>
        ))}
      </div>
      <p className="hint">People in these roles set up 2FA at their next sign-in.</p>
      <ErrorMessage error={save.error} />
    </section>
  );
}

function UserRow({ user, self }: { user: TUser; self: boolean }) {
  const queryClient = useQueryClient();
  const now = useNow();
  const toast = useToast();
  const done = (what: string) => () => {
    void queryClient.invalidateQueries({ queryKey: ['users'] });
    toast(what);
  };
  const role = useMutation({
    mutationFn: (r: TUserRole) => userApi.setRole(user.id, r),
    onSuccess: done(`${user.name}'s role changed`),
  });
  const active = useMutation({
    mutationFn: () => (user.active ? userApi.deactivate(user.id) : userApi.reactivate(user.id)),
    onSuccess: done(user.active ? `${user.name} deactivated` : `${user.name} reactivated`),
  });
  const require2fa = useMutation({
    mutationFn: (on: boolean) => userApi.update(user.id, { twoFactorRequired: on }),
    onSuccess: done('Saved'),
  });
  const clearBounce = useMutation({
    mutationFn: () => userApi.clearEmailBounce(user.id),
    onSuccess: done(`Mail to ${user.email} resumes`),
  });
  const error = role.error ?? active.error ?? require2fa.error ?? clearBounce.error;
  const bounce = user.emailBounce;
  const paused = bounce?.pausedUntil && new Date(bounce.pausedUntil).getTime() > now;
  return (
    <tr className={user.active ? undefined : 'muted'}>
      <td>
        <strong>{user.name}</strong>
        <br />
        <span className="small">{user.email}</span>
        {user.invited && <span className="badge">Invited</span>}
        {bounce && (
          <div className="bounce small" role="status">
            <span className="badge badge-warn" title={bounce.reason ?? undefined}>
              Bouncing
            </span>{' '}
            since {formatRelative(bounce.bouncedAt, now)}
            {bounce.reason ? `: ${bounce.reason}` : ''}.{' '}
            {paused
              ? `Mail to this address is paused until ${formatDateTime(bounce.pausedUntil!)}.`
              : 'The pause is over.'}{' '}
            <button
              type="button"
              className="btn btn-sm btn-ghost"
              disabled={clearBounce.isPending}
              onClick={() => clearBounce.mutate()}
            >
              Clear
            </button>
          </div>
        )}
        {error !== null && <ErrorMessage error={error} />}
      </td>
      <td>
        <select
          aria-label={`Role of ${user.name}`}
          value={user.role}
          disabled={self || role.isPending}
          onChange={(e) => role.mutate(e.target.value as TUserRole)}
        >
          {userRoles.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </td>
      <td>
        {user.twoFactorMethod === 'none' ? 'Off' : user.twoFactorMethod === 'totp' ? 'App' : 'Email'}
        <label className="check small">
          <input
            type="checkbox"
            checked={user.twoFactorRequired}
            disabled={require2fa.isPending}
            onChange={(e) => require2fa.mutate(e.target.checked)}
          />
          Required
        </label>
      </td>
      <td className="small">{user.lastLoginAt ? formatRelative(user.lastLoginAt, now) : 'Never'}</td>
      <td>
        {!self && (
          <button
            type="button"
            className={`btn btn-sm ${user.active ? 'btn-ghost' : 'btn-secondary'}`}
            disabled={active.isPending}
            onClick={() => active.mutate()}
          >
            {user.active ? 'Deactivate' : 'Reactivate'}
          </button>
        )}
      </td>
    </tr>
  );
}

export function UsersAdmin() {
  const me = useUser();
  const [q, setQ] = useState('');
  const [role, setRole] = useState<TUserRole | ''>('');
  const [inviting, setInviting] = useState(false);
  const params = { ...(q.trim() ? { q: q.trim() } : {}), ...(role ? { role } : {}) };
  const users = useQuery({ queryKey: keys.users(params), queryFn: () => userApi.list(params) });
  return (
    <div className="page stack">
      <PageHeader
        title="Users"
        actions={
          <button type="button" className="btn btn-primary" onClick={() => setInviting(true)}>
            Invite
          </button>
        }
      />
      <SecuritySettings />
      <div className="filter-bar">
        <label className="sr-only" htmlFor="user-search">
          Search users
        </label>
        <input
          id="user-search"
          type="search"
          placeholder="Search by name or email"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <label className="inline-field">
          <span>Role</span>
          <select value={role} onChange={(e) => setRole(e.target.value as TUserRole | '')}>
            <option value="">Any</option>
            {userRoles.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
      </div>
      {users.error ? (
        <ErrorMessage error={users.error} onRetry={() => void users.refetch()} />
      ) : !users.data ? (
        <Loading />
      ) : (
        <div className="table-wrap" tabIndex={0}>
          <table className="table">
            <caption className="sr-only">Users</caption>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Role</th>
                <th scope="col">Two-factor</th>
                <th scope="col">Last sign-in</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((u) => (
                <UserRow key={u.id} user={u} self={u.id === me.id} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <InviteDialog open={inviting} onClose={() => setInviting(false)} />
    </div>
  );
}
