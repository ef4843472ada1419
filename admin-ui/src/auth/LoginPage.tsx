import { useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { ssoErrorMessages, type TSsoErrorCode, type TUser } from '@deskmate/shared';
import { authApi, ssoApi } from '../api/client';
import { keys } from '../api/keys';
import { safeNext } from '../lib/redirect';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { homeFor, useSession } from './session';
import { TotpEnrolment } from './TotpEnrolment';
import { RecoveryCodes } from './RecoveryCodes';

type TStep = { kind: 'password' } | { kind: 'code'; method: 'totp' | 'email' } | { kind: 'enroll' };

/** Back from single sign-on with a second factor due (`?sso_step=`): the step to show first. */
function stepAfterSso(value: string | null): TStep {
  if (value === 'totp' || value === 'email') return { kind: 'code', method: value };
  if (value === 'enroll') return { kind: 'enroll' };
  return { kind: 'password' };
}

const ssoError = (code: string | null): string | null =>
  code && code in ssoErrorMessages ? ssoErrorMessages[code as TSsoErrorCode] : null;

/** "Sign in with …" for each single sign-on provider, keeping where the person was going. */
function SsoButtons({ next }: { next: string | null }) {
  const options = useQuery({ queryKey: keys.ssoLogin, queryFn: ssoApi.loginOptions, staleTime: 60_000 });
  const providers = options.data?.providers ?? [];
  if (!providers.length) return null;
  const suffix = next ? `&next=${encodeURIComponent(next)}` : '';
  return (
    <div className="stack sso-options" aria-label="Single sign-on">
      {providers.map((p) => (
        <a key={p.id} className="btn btn-secondary" href={`${p.loginUrl}${suffix}`}>
          Sign in with {p.displayName}
        </a>
      ))}
      <p className="muted small sso-or">or with your email and password</p>
    </div>
  );
}

export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main id="main" className="auth-page">
      <div className="auth-card">
        <p className="brand">
          <span className="brand-mark" aria-hidden="true">
            D
          </span>
          Deskmate
        </p>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

export function LoginPage() {
  const { session, signedIn } = useSession();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [step, setStep] = useState<TStep>(() => stepAfterSso(params.get('sso_step')));
  const ssoProblem = ssoError(params.get('sso_error'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const next = safeNext(params.get('next'));

  const finish = (user: TUser) => {
    signedIn(user);
    void navigate(next ?? homeFor(user), { replace: true });
  };

  const login = useMutation({
    mutationFn: () => authApi.login(email, password),
    onSuccess: (res) => {
      if ('user' in res) finish(res.user);
      else if (res.method === 'enroll') setStep({ kind: 'enroll' });
      else setStep({ kind: 'code', method: res.method });
    },
  });
  const verify = useMutation({
    mutationFn: () => authApi.verify2fa(code.replace(/\s+/g, '')),
    onSuccess: (r) => finish(r.user),
  });
  const resend = useMutation({ mutationFn: authApi.resend2fa });
  const enrolEmail = useMutation({ mutationFn: authApi.emailEnable });
  // A new install has nobody to sign in as: send its first visitor to the setup page.
  const setup = useQuery({ queryKey: ['setup'], queryFn: authApi.setupStatus, staleTime: 60_000 });
  const afterEnrol = useMutation({ mutationFn: authApi.me, onSuccess: (r) => finish(r.user) });

  if (session.status === 'signed-in' && step.kind === 'password' && !login.isPending) {
    return <Navigate to={next ?? homeFor(session.user)} replace />;
  }
  if (setup.data?.needed) return <Navigate to="/setup" replace />;

  if (step.kind === 'enroll') {
    return (
      <AuthLayout title="Set up two-factor sign-in">
        <p>Your administrator requires a second step when you sign in.</p>
        {enrolEmail.data ? (
          <RecoveryCodes codes={enrolEmail.data.recoveryCodes} onDone={() => afterEnrol.mutate()} />
        ) : (
          <>
            <TotpEnrolment onDone={() => afterEnrol.mutate()} />
            <p className="muted">
              No authenticator app?{' '}
              <button type="button" className="link" onClick={() => enrolEmail.mutate()}>
                Get codes by email instead
              </button>
            </p>
          </>
        )}
        <ErrorMessage error={enrolEmail.error ?? afterEnrol.error} />
      </AuthLayout>
    );
  }

  if (step.kind === 'code') {
    const onSubmit = (e: FormEvent) => {
      e.preventDefault();
      verify.mutate();
    };
    return (
      <AuthLayout title="Two-factor sign-in">
        <form className="stack" onSubmit={onSubmit}>
          <p>
            {step.method === 'totp'
              ? 'Enter the six-digit code from your authenticator app.'
              : `We emailed a six-digit code to ${email || 'your email address'}.`}
          </p>
          <Field label="Code" hint="Lost your device? Enter one of your recovery codes.">
            <input
              name="code"
              autoComplete="one-time-code"
              autoFocus
              required
              minLength={6}
              maxLength={32}
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          </Field>
          <ErrorMessage error={verify.error ?? resend.error} />
          <button type="submit" className="btn btn-primary" disabled={verify.isPending}>
            {verify.isPending ? 'Checking…' : 'Verify'}
          </button>
          {step.method === 'email' && (
            <button type="button" className="btn btn-ghost" disabled={resend.isPending} onClick={() => resend.mutate()}>
              {resend.isSuccess ? 'Code sent again' : 'Send another code'}
            </button>
          )}
          <button
            type="button"
            className="link"
            onClick={() => {
              setStep({ kind: 'password' });
              setCode('');
              verify.reset();
            }}
          >
            Use a different account
          </button>
        </form>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout title="Sign in">
      {session.status === 'signed-out' && session.expired && (
        <p className="notice" role="status">
          Your session has ended. Sign in again to carry on where you were.
        </p>
      )}
      {ssoProblem && (
        <p className="error" role="alert">
          {ssoProblem}
        </p>
      )}
      <SsoButtons next={next} />
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          login.mutate();
        }}
      >
        <Field label="Email">
          <input
            type="email"
            name="email"
            autoComplete="username"
            required
            autoFocus
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <Field label="Password">
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <ErrorMessage error={login.error} />
        <button type="submit" className="btn btn-primary" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        <Link to="/forgot-password">Forgot your password?</Link>
      </form>
    </AuthLayout>
  );
}
