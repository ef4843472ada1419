import pg from 'pg';

/**
 * A reason Deskmate cannot start that the person starting it can fix: the CLI prints its message
 * as one line and exits 1, like a configuration error (no stack, no JSON).
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** `host:port/database` of a connection string, never its user or password. */
export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    const socket = u.searchParams.get('host');
    const where = u.hostname ? `${u.hostname}:${u.port || '5432'}` : (socket ?? 'a local socket');
    return `${where}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return 'DATABASE_URL';
  }
}

const reasons: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused (is PostgreSQL running and listening there?)',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve (DNS did not answer)',
  ETIMEDOUT: 'the connection timed out (a firewall, or the wrong host?)',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ECONNRESET: 'the server closed the connection (TLS required? try ?sslmode=require)',
  ENOENT: 'no PostgreSQL socket there',
  '28P01': 'the password was refused',
  '28000': 'the server refused this user or client address (pg_hba.conf)',
  '3D000': 'the database does not exist (create it first)',
  '57P03': 'the server is starting up or shutting down',
  '53300': 'the server has too many connections',
};

function reasonOf(err: unknown): string {
  const e = err as { code?: string; message?: string; errors?: unknown[] };
  if (e?.code && reasons[e.code]) return reasons[e.code]!;
  // Node reports a host with several addresses as an AggregateError: its first error tells.
  if (Array.isArray(e?.errors) && e.errors.length) return reasonOf(e.errors[0]);
  if (/timeout/i.test(e?.message ?? '')) return reasons.ETIMEDOUT!;
  return (e?.message ?? String(err)).split('\n')[0]!.slice(0, 200);
}

/** Connect once and ask `SELECT 1`, within `timeoutMs`; a failure is a one-line StartupError. */
export async function checkDatabaseReachable(
  url: string,
  variable = 'DATABASE_URL',
  timeoutMs = 10_000,
): Promise<void> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    application_name: 'deskmate-start',
  });
  // A connection dropped later must not crash the process: this client is ended right away.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new StartupError(
      `Could not connect to the database at ${describeDatabase(url)}: ${reasonOf(err)}. Check ${variable}.`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The one line for a port that cannot be listened on. */
export function portUnavailable(port: number, host: string, err: unknown): StartupError {
  const code = (err as { code?: string }).code;
  if (code === 'EADDRINUSE')
    return new StartupError(
      `Port ${port} on ${host} is already in use: stop the other process (or another Deskmate) or set PORT to a free port.`,
    );
  if (code === 'EACCES')
    return new StartupError(`Port ${port} on ${host} needs more privileges: choose PORT above 1024.`);
  if (code === 'EADDRNOTAVAIL') return new StartupError(`HOST ${host} is not an address of this machine: check HOST.`);
  return new StartupError(`Could not listen on ${host}:${port}: ${reasonOf(err)}. Check PORT and HOST.`);
}
