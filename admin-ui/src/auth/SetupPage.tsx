import { useState } from 'react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Navigate, useNavigate } from 'react-router';
import { authApi } from '../api/client';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { AuthLayout } from './LoginPage';
import { homeFor, useSession } from './session';

/**
 * First run of a production install: no administrator exists yet. The one-time setup code is in
 * the log Deskmate printed at start (and nowhere else), so only whoever runs the server can use it.
 */
export function SetupPage() {
  const status = useQuery({ queryKey: ['setup'], queryFn: authApi.setupStatus });
  const navigate = useNavigate();
  const { signedIn } = useSession();
  const [form, setForm] = useState({ code: '', name: '', email: '', password: '' });
  const create = useMutation({
    mutationFn: () => authApi.setup(form),
    onSuccess: (res) => {
      signedIn(res.user);
      void navigate(homeFor(res.user), { replace: true });
    },
  });
  if (status.data && !status.data.needed && !create.isSuccess) return <Navigate to="/login" replace />;
  const field = (key: keyof typeof form) => ({
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value })),
  });
  return (
    <AuthLayout title="Create the first administrator">
      <p>
        This Deskmate has no administrator yet. Enter the setup code that Deskmate printed in its log when it started,
        then choose the administrator’s sign-in.
      </p>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Field
          label="Setup code"
          hint="Like ABCD-EFGH-JKLM; in the terminal or container log (docker-compose logs deskmate)."
        >
          <input name="code" autoComplete="off" spellCheck={false} required {...field('code')} />
        </Field>
        <Field label="Your name">
          <input name="name" autoComplete="name" required {...field('name')} />
        </Field>
        <Field label="Email">
          <input name="email" type="email" autoComplete="username" required {...field('email')} />
        </Field>
        <Field label="Password" hint="At least 10 characters; avoid common passwords.">
          <input name="password" type="password" autoComplete="new-password" required {...field('password')} />
        </Field>
        <ErrorMessage error={create.error ?? status.error} />
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create administrator'}
        </button>
      </form>
    </AuthLayout>
  );
}
