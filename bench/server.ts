import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations, silentLogger, startEmbeddedPostgres } from '@deskmate/api';
import { freePort, repoRoot, waitForHealthy } from '../test/process.js';

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
  const pg = await startEmbeddedPostgres({ dataDir: join(base, 'data'), logger: silentLogger() });
  try {
    await runMigrations(pg.url, silentLogger());
    await prepare?.(pg.url);
    return await run(pg.url, pg.pid);
  } finally {
    await pg.stop();
    await rm(base, { recursive: true, force: true });
  }
}
