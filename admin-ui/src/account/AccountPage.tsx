import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { authApi } from '../api/client';
import { RecoveryCodes } from '../auth/RecoveryCodes';
import { ActiveSessions } from './ActiveSessions';
import { TotpEnrolment } from '../auth/TotpEnrolment';
import { useSession, useUser } from '../auth/session';
import { useTheme, type TTheme } from '../hooks/useTheme';
import { PageHeader } from '../ui/bits';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { useToast } from '../ui/Toasts';
import { isAgent } from '@deskmate/shared';

function TwoFactor() {
  const user = useUser();
  const { signedIn } = useSession();
  const [mode, setMode] = useState<'idle' | 'totp' | 'disable'>('idle');
  const [code, setCode] = useState('');
  const toast = useToast();
  const refresh = useMutation({ mutationFn: authApi.me, onSuccess: (r) => signedIn(r.user) });
  const email = useMutation({ mutationFn: authApi.emailEnable });
  const sendCode = useMutation({ mutationFn: authApi.emailSend });
  const disable = useMutation({
    mutationFn: () => authApi.disable2fa(code.trim()),
    onSuccess: (r) => {
      signedIn(r.user);
      setMode('idle');
      setCode('');
      toast('Two-factor sign-in is off');
    },
  });

  if (email.data) {
    return (
      <RecoveryCodes
        codes={email.data.recoveryCodes}
        onDone={() => {
          email.reset();
          refresh.mutate();
        }}
      />
    );
  }
  if (mode === 'totp') {
    return (
      <TotpEnrolment
        onDone={() => {
          setMode('idle');
          refresh.mutate();
          toast('Two-factor sign-in is on');
        }}
      />
    );
  }
  if (user.twoFactorMethod !== 'none') {
    return (
      <div className="stack">
        <p data-testid="2fa-status">
          Two-factor sign-in is <strong>on</strong> (
          {user.twoFactorMethod === 'totp' ? 'authenticator app' : 'emailed codes'}).
        </p>
        {mode === 'disable' ? (
          <form
            className="stack"
            onSubmit={(e) => {
              e.preventDefault();
              disable.mutate();
            }}
          >
            {user.twoFactorMethod === 'email' && (
              <button
                type="button"
                className="btn btn-secondary"
                onClick={() => sendCode.mutate()}
                disabled={sendCode.isPending}
              >
                {sendCode.isSuccess ? 'Code sent' : 'Email me a code'}
              </button>
            )}
            <Field label="Current code or a recovery code">
              <input autoComplete="one-time-code" required value={code} onChange={(e) => setCode(e.target.value)} />
            </Field>
            <ErrorMessage error={disable.error ?? sendCode.error} />
            <div className="row">
              <button type="submit" className="btn btn-danger" disabled={disable.isPending}>
                Turn off
              </button>
              <button type="button" className="btn btn-ghost" onClick={() => setMode('idle')}>
                Cancel
              </button>
            </div>
          </form>
        ) : user.twoFactorRequired ? (
          <p className="muted small">Your administrator requires two-factor sign-in.</p>
        ) : (
          <button type="button" className="btn btn-secondary" onClick={() => setMode('disable')}>
            Turn off two-factor sign-in
          </button>
        )}
      </div>
    );
  }
  return (
    <div className="stack">
      <p data-testid="2fa-status">
        Two-factor sign-in is <strong>off</strong>. Add a second step so that a stolen password is not enough.
      </p>
      <div className="row wrap">
        <button type="button" className="btn btn-primary" onClick={() => setMode('totp')}>
          Use an authenticator app
        </button>
        <button type="button" className="btn btn-secondary" disabled={email.isPending} onClick={() => email.mutate()}>
          Use codes by email
        </button>
      </div>
      <ErrorMessage error={email.error ?? refresh.error} />
    </div>
  );
}

function Profile() {
  const user = useUser();
  const { signedIn } = useSession();
  const [name, setName] = useState(user.name);
  const toast = useToast();
  const save = useMutation({
    mutationFn: (body: { name?: string; away?: boolean }) => authApi.updateMe(body),
    onSuccess: (r) => {
      signedIn(r.user);
      toast('Saved');
    },
  });
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ name: name.trim() });
      }}
    >
      <Field label="Name">
        <input required value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
      </Field>
      {isAgent(user) && (
        <label className="check">
          <input type="checkbox" checked={user.away} onChange={(e) => save.mutate({ away: e.target.checked })} />
          Away (round-robin skips me)
        </label>
      )}
      <ErrorMessage error={save.error} />
      <button type="submit" className="btn btn-secondary" disabled={save.isPending}>
        Save profile
      </button>
    </form>
  );
}

function Password() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const { signedIn } = useSession();
  const toast = useToast();
  const change = useMutation({
    mutationFn: () => authApi.changePassword(current, next),
    onSuccess: (r) => {
      signedIn(r.user);
      setCurrent('');
      setNext('');
      toast('Password changed; other devices are signed out');
    },
  });
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        change.mutate();
      }}
    >
      <Field label="Current password">
        <input
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
      </Field>
      <Field label="New password">
        <input
          type="password"
          autoComplete="new-password"
          required
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
      </Field>
      <ErrorMessage error={change.error} />
      <button type="submit" className="btn btn-secondary" disabled={change.isPending}>
        Change password
      </button>
    </form>
  );
}

/** Profile, theme, two-factor sign-in, password, and my sessions (sign out one, or everywhere). */
export default function AccountPage() {
  const user = useUser();
  const [theme, setTheme] = useTheme();
  return (
    <div className="page page-narrow stack">
      <PageHeader title="Account and security">
        <p className="muted">
          {user.email} · {user.role}
        </p>
      </PageHeader>
      <section className="card stack" aria-labelledby="profile-h">
        <h2 id="profile-h">Profile</h2>
        <Profile />
        <Field label="Theme">
          <select value={theme} onChange={(e) => setTheme(e.target.value as TTheme)}>
            <option value="system">Same as the system</option>
            <option value="light">Light</option>
            <option value="dark">Dark</option>
          </select>
        </Field>
      </section>
      <section className="card stack" aria-labelledby="twofa-h">
        <h2 id="twofa-h">Two-factor sign-in</h2>
        <TwoFactor />
      </section>
      <section className="card stack" aria-labelledby="password-h">
        <h2 id="password-h">Password</h2>
        <Password />
      </section>
      <section className="card stack" aria-labelledby="sessions-h">
        <h2 id="sessions-h">Active sessions</h2>
        <ActiveSessions />
      </section>
    </div>
  );
}
