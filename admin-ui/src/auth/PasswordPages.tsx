import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { authApi } from '../api/client';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { AuthLayout } from './LoginPage';
import { homeFor, useSession } from './session';

export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const send = useMutation({ mutationFn: () => authApi.forgotPassword(email) });
  return (
    <AuthLayout title="Reset your password">
      {send.isSuccess ? (
        <p role="status">If an account exists for {email}, we sent it a link to choose a new password.</p>
      ) : (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            send.mutate();
          }}
        >
          <Field label="Email">
            <input
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </Field>
          <ErrorMessage error={send.error} />
          <button type="submit" className="btn btn-primary" disabled={send.isPending}>
            Email me a link
          </button>
        </form>
      )}
      <Link to="/login">Back to sign in</Link>
    </AuthLayout>
  );
}

export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const [password, setPassword] = useState('');
  const reset = useMutation({ mutationFn: () => authApi.resetPassword(params.get('token') ?? '', password) });
  return (
    <AuthLayout title="Choose a new password">
      {reset.isSuccess ? (
        <p role="status">
          Your password is changed. <Link to="/login">Sign in</Link>
        </p>
      ) : (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            reset.mutate();
          }}
        >
          <Field label="New password" hint="At least 10 characters; avoid common passwords.">
            <input
              type="password"
              autoComplete="new-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Field>
          <ErrorMessage error={reset.error} />
          <button type="submit" className="btn btn-primary" disabled={reset.isPending}>
            Set password
          </button>
        </form>
      )}
    </AuthLayout>
  );
}

export function AcceptInvitePage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { signedIn } = useSession();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const accept = useMutation({
    mutationFn: () => authApi.acceptInvite(params.get('token') ?? '', password, name.trim() || undefined),
    onSuccess: (res) => {
      if ('user' in res) {
        signedIn(res.user);
        void navigate(homeFor(res.user), { replace: true });
      } else void navigate('/login', { replace: true });
    },
  });
  return (
    <AuthLayout title="Join Deskmate">
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          accept.mutate();
        }}
      >
        <Field label="Your name" hint="Leave empty to keep the name you were invited with.">
          <input autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Choose a password">
          <input
            type="password"
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <ErrorMessage error={accept.error} />
        <button type="submit" className="btn btn-primary" disabled={accept.isPending}>
          Join
        </button>
      </form>
    </AuthLayout>
  );
}
