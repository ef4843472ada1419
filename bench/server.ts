import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations, silentLogger, startEmbeddedPostgres } from '@deskmate/api';
import pgModule from 'pg';
import { freePort, repoRoot, waitForHealthy } from '../test/process.js';
import { BENCH_PASSWORD } from './seed.js';

export interface BenchServer {
  url: string;
  child: ChildProcess;
  /** SIGTERM, and wait for the exit (a no-op once it has exited). */
  stop(): Promise<void>;
}

/**
 * Deskmate as `npm start` runs it (dist/cli.js with `serverFlags`, see bench/run.ts) on
 * `databaseUrl` and a free port, without demo data, logging at BENCH_LOG_LEVEL (default warn);
 * `env` adds a benchmark's settings. Resolves once it is healthy.
 */
export async function startBenchServer(
  databaseUrl: string,
  serverFlags: string[],
  env: Record<string, string> = {},
): Promise<BenchServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...serverFlags, 'dist/cli.js'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      DESKMATE_DEMO: 'false',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      LOG_PRETTY: 'false',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  };
  try {
    await waitForHealthy(url, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, child, stop };
}

/** `BENCH_PG_STATEMENTS=1`: load pg_stat_statements, to see where the database's time goes (#19). */
export const profileStatements = process.env.BENCH_PG_STATEMENTS === '1';

/** Start pg_stat_statements' counts afresh (after seeding, before the rows to profile). */
export const resetStatements = (url: string) => execute(url, 'SELECT pg_stat_statements_reset()');

async function execute(url: string, statement: string): Promise<void> {
  const client = new pgModule.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * The statements that took the database's time since `pg_stat_statements_reset()`, most first:
 * calls, total and mean ms, and the statement (shortened).
 */
export async function topStatements(url: string, limit = 25): Promise<Record<string, string | number>[]> {
  const client = new pgModule.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ calls: string; total: number; mean: number; query: string }>(
      `SELECT calls, round(total_exec_time::numeric, 1)::float AS total, round(mean_exec_time::numeric, 3)::float AS mean,
              left(regexp_replace(query, '\\s+', ' ', 'g'), 140) AS query
         FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ calls: Number(r.calls), 'total ms': r.total, 'mean ms': r.mean, query: r.query }));
  } finally {
    await client.end();
  }
}

/**
 * A throwaway embedded PostgreSQL, migrated and then made ready by `prepare` (seeding), for `run`
 * (given its URL and its postmaster's pid); stopped and removed afterwards.
 */
export async function withBenchDatabase<T>(
  run: (databaseUrl: string, postgresPid: number) => Promise<T>,
  prepare?: (databaseUrl: string) => Promise<unknown>,
): Promise<T> {
  const base = await mkdtemp(join(tmpdir(), 'dm-bench-'));
  await chmod(base, 0o755);
  const pg = await startEmbeddedPostgres({
    dataDir: join(base, 'data'),
    logger: silentLogger(),
    ...(profileStatements ? { settings: { shared_preload_libraries: 'pg_stat_statements' } } : {}),
  });
  try {
    await runMigrations(pg.url, silentLogger());
    if (profileStatements) await execute(pg.url, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await prepare?.(pg.url);
    return await run(pg.url, pg.pid);
  } finally {
    await pg.stop();
    await rm(base, { recursive: true, force: true });
  }
}

/** Sign in as a seeded user (password BENCH_PASSWORD); the session cookie to send. */
export async function login(url: string, email: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: BENCH_PASSWORD }),
  });
  if (!res.ok) throw new Error(`login as ${email} failed: ${res.status}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}
