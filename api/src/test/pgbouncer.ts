import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Test helper (no vitest here: the benchmarks use it too): Debian's PgBouncer in front of a server. */

export const PGBOUNCER = '/usr/sbin/pgbouncer';
export const hasPgBouncer = existsSync(PGBOUNCER);

export interface PgBouncer {
  /** The pooled connection string for a database of the server behind it. */
  urlFor(database: string): string;
  /** PgBouncer's admin console (`SHOW POOLS`, `SHOW SERVERS`). */
  adminUrl: string;
  port: number;
  /** The pgbouncer process. */
  pid: number;
  /** What `pgbouncer --version` says first (e.g. "PgBouncer 1.18.0"). */
  version: string;
  stop(): Promise<void>;
}

export interface PgBouncerOptions {
  /** Server connections per database (default_pool_size and max_db_connections). Default 10. */
  poolSize?: number;
  /**
   * How long a client may wait for a server connection before PgBouncer fails its query
   * (query_wait_timeout; PgBouncer's default is 120). Default 10: a wait that long is a stall to see.
   */
  queryWaitTimeoutSec?: number;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function systemUser(name: string): Promise<{ uid: number; gid: number } | undefined> {
  const line = (await readFile('/etc/passwd', 'utf8')).split('\n').find((l) => l.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
}

/** Host (or Unix socket directory), port, user and password of a connection string. */
function serverOf(url: string) {
  const u = new URL(url);
  const host = u.searchParams.get('host') ?? decodeURIComponent(u.hostname);
  return {
    host: host || '/var/run/postgresql',
    port: u.port || '5432',
    user: decodeURIComponent(u.username) || 'postgres',
    password: decodeURIComponent(u.password),
  };
}

/**
 * PgBouncer in transaction mode (the way managed services pool connections) on 127.0.0.1 and a
 * free port, in front of `serverUrl`'s server (a Unix socket directory, as the embedded
 * PostgreSQL listens, or TCP), every database of it pooled (`*`). Its ini, userlist, log and pid
 * file live in a temporary directory. PgBouncer refuses to run as root: under root it runs as
 * `postgres` (the user the embedded PostgreSQL runs as, who can enter its socket directory).
 */
export async function startPgBouncer(serverUrl: string, options: PgBouncerOptions = {}): Promise<PgBouncer> {
  if (!hasPgBouncer) throw new Error(`${PGBOUNCER} is not installed (apt-get install -y pgbouncer)`);
  const poolSize = options.poolSize ?? 10;
  const server = serverOf(serverUrl);
  const dir = await mkdtemp(join(tmpdir(), 'dm-pgbouncer-'));
  const port = await freePort();
  const root = userInfo().uid === 0;
  const runAs = root ? ((await systemUser('postgres')) ?? (await systemUser('nobody'))) : undefined;
  const ini = join(dir, 'pgbouncer.ini');
  const pidFile = join(dir, 'pgbouncer.pid');
  const logFile = join(dir, 'pgbouncer.log');
  const quote = (v: string) => `'${v.replaceAll("'", "''")}'`;
  await writeFile(
    ini,
    `[databases]
* = host=${quote(server.host)} port=${server.port} user=${quote(server.user)}${server.password ? ` password=${quote(server.password)}` : ''}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
auth_type = trust
auth_file = ${join(dir, 'userlist.txt')}
admin_users = ${server.user}
pool_mode = transaction
default_pool_size = ${poolSize}
max_db_connections = ${poolSize}
min_pool_size = 0
reserve_pool_size = 0
query_wait_timeout = ${options.queryWaitTimeoutSec ?? 10}
max_client_conn = 5000
ignore_startup_parameters = extra_float_digits,options
logfile = ${logFile}
pidfile = ${pidFile}
log_connections = 0
log_disconnections = 0
`,
  );
  await writeFile(join(dir, 'userlist.txt'), `"${server.user}" ""\n`);
  if (runAs) {
    await chmod(dir, 0o755);
    for (const f of [dir, ini, join(dir, 'userlist.txt')]) await chown(f, runAs.uid, runAs.gid);
  }
  const version = await new Promise<string>((resolve) => {
    const v = spawn(PGBOUNCER, ['--version']);
    let out = '';
    v.stdout.on('data', (d: Buffer) => (out += d.toString()));
    v.on('close', () => resolve(out.split('\n')[0]?.trim() ?? ''));
  });
  const child = spawn(PGBOUNCER, [ini], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  const adminUrl = `postgresql://${encodeURIComponent(server.user)}@127.0.0.1:${port}/pgbouncer`;
  const stop = async () => {
    process.off('exit', onExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT'); // immediate shutdown
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      await stop();
      throw new Error(`pgbouncer exited at start: ${stderr}${log}`.trim());
    }
    const probe = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 1000 });
    try {
      await probe.connect();
      await probe.query('SHOW VERSION');
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`pgbouncer did not answer within 10 s: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      await probe.end().catch(() => undefined);
    }
  }
  return {
    urlFor: (database) =>
      `postgresql://${encodeURIComponent(server.user)}${server.password ? `:${encodeURIComponent(server.password)}` : ''}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    adminUrl,
    port,
    pid: child.pid!,
    version,
    stop,
  };
}
