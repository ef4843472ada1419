import { useEffect, useState } from 'react';
import { ApiClient, type THealth } from '@deskmate/shared';

const client = new ApiClient({ baseUrl: window.location.origin });

/** Placeholder until the console issue: shows that the shell is served and the API answers. */
export function App() {
  const [health, setHealth] = useState<THealth | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    client.health().then(setHealth, (err: unknown) => setError(String(err)));
  }, []);

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 640, margin: '4rem auto', padding: '0 1rem' }}>
      <h1>Deskmate</h1>
      <p>The chat-first IT helpdesk. The agent console arrives here soon.</p>
      <p role="status" aria-live="polite" data-testid="health">
        {health
          ? `Server ${health.status}, database ${health.database}, version ${health.version}`
          : error
            ? `Cannot reach the server: ${error}`
            : 'Checking the server…'}
      </p>
    </main>
  );
}
