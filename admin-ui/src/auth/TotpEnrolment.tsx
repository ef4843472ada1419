import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { authApi } from '../api/client';
import { ErrorMessage } from '../ui/ErrorMessage';
import { Field } from '../ui/Field';
import { Loading } from '../ui/bits';
import { RecoveryCodes } from './RecoveryCodes';

/**
 * TOTP enrolment: a QR code (and the secret for typing in), a first code to confirm, then the
 * ten recovery codes, shown once.
 */
export function TotpEnrolment({ onDone }: { onDone: () => void }) {
  const setup = useMutation({ mutationFn: authApi.totpSetup });
  const confirm = useMutation({ mutationFn: (code: string) => authApi.totpConfirm(code) });
  const [code, setCode] = useState('');

  if (confirm.data) return <RecoveryCodes codes={confirm.data.recoveryCodes} onDone={onDone} />;

  if (!setup.data) {
    return (
      <div className="stack">
        <p>
          Use an authenticator app (1Password, Google Authenticator, Microsoft Authenticator…) to sign in with a
          six-digit code.
        </p>
        <ErrorMessage error={setup.error} />
        <button type="button" className="btn btn-primary" disabled={setup.isPending} onClick={() => setup.mutate()}>
          {setup.isPending ? 'Preparing…' : 'Set up authenticator app'}
        </button>
        {setup.isPending && <Loading label="Creating a secret…" />}
      </div>
    );
  }

  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        confirm.mutate(code.trim());
      }}
    >
      <p>Scan this QR code with your authenticator app, then type the code it shows.</p>
      <img
        className="qr"
        src={setup.data.qrDataUrl}
        width={200}
        height={200}
        alt="QR code for your authenticator app"
      />
      <details>
        <summary>Cannot scan? Type this key instead</summary>
        <code className="secret" data-testid="totp-secret">
          {setup.data.secret}
        </code>
      </details>
      <Field label="Six-digit code">
        <input
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]{6,8}"
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
        />
      </Field>
      <ErrorMessage error={confirm.error} />
      <button type="submit" className="btn btn-primary" disabled={confirm.isPending}>
        {confirm.isPending ? 'Checking…' : 'Turn on two-factor sign-in'}
      </button>
    </form>
  );
}
