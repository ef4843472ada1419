import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import bcrypt from 'bcrypt';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase, dropDatabase } from '../api/src/test/db.js';
import { freePort, postgresPids, repoRoot, spawnDeskmate, waitForHealthy, type DeskmateProcess } from './process.js';

const running: DeskmateProcess[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) {
    if (p.child.exitCode === null) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
  }
});

describe('deskmate configuration errors', () => {
  it('PORT=abc exits 1 with one line that names PORT', async () => {
    const p = spawnDeskmate({ PORT: 'abc' });
    running.push(p);
    expect(await p.exited).toBe(1);
    const lines = p.output().trim().split('\n');
    expect(lines).toEqual(['Configuration error: PORT must be a whole number between 0 and 65535 (got "abc")']);
  });

  it('an unknown --role exits 1 naming the role', async () => {
    const p = spawnDeskmate({}, ['--role', 'everything']);
    running.push(p);
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain('--role must be one of all, api, bot, worker');
  });

  it('a worker or bot process without DESKMATE_API_URL exits 1 saying where the API must be named', async () => {
    for (const role of ['worker', 'bot']) {
      const p = spawnDeskmate({}, ['--role', role]);
      running.push(p);
      expect(await p.exited).toBe(1);
      expect(p.output().trim().split('\n')).toEqual([
        `Configuration error: DESKMATE_API_URL must be set for --role ${role} (the URL of a process serving the API)`,
      ]);
    }
  });

  it('a Teams app id without its password exits 1 with one line, not a stack trace', async () => {
    const p = spawnDeskmate({ MICROSOFT_APP_ID: '0b1e6a1c-9a4f-4f3e-8a55-5d0f7b5a2c11' });
    running.push(p);
    expect(await p.exited).toBe(1);
    expect(p.output().trim().split('\n')).toEqual([
      'Configuration error: MICROSOFT_APP_PASSWORD must be set with MICROSOFT_APP_ID',
    ]);
  });
});

describe('errors at start are one line, and the port is checked before any database work', () => {
  it('a port in use: one line naming the port, exit 1, and the embedded database never set up', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    const base = await mkdtemp(join(tmpdir(), 'dm-port-'));
    try {
      const p = spawnDeskmate({ PORT: String(port), HOST: '127.0.0.1', DESKMATE_DATA_DIR: join(base, 'data') });
      running.push(p);
      expect(await p.exited).toBe(1);
      expect(p.output().trim().split('\n')).toEqual([
        `Port ${port} on 127.0.0.1 is already in use: stop the other process (or another Deskmate) or set PORT to a free port.`,
      ]);
      expect(await readdir(base)).toEqual([]);
    } finally {
      blocker.close();
      await rm(base, { recursive: true, force: true });
    }
  });

  it('a database that cannot be reached: one line naming host, port and database (never the password), exit 1', async () => {
    const closed = await freePort();
    const p = spawnDeskmate({
      PORT: String(await freePort()),
      DATABASE_URL: `postgresql://deskmate:hunter2-secret@127.0.0.1:${closed}/deskmate`,
    });
    running.push(p);
    expect(await p.exited).toBe(1);
    expect(p.output().trim().split('\n')).toEqual([
      `Could not connect to the database at 127.0.0.1:${closed}/deskmate: the connection was refused (is PostgreSQL running and listening there?). Check DATABASE_URL.`,
    ]);
  });
});

describe('deskmate with the embedded database', () => {
  let base: string;
  let dataDir: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'dm-cli-'));
    await chmod(base, 0o755);
    dataDir = join(base, 'data');
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('comes up on a first run with demo logins in the banner, and Ctrl-C stops everything within 10 s', async () => {
    const port = await freePort();
    const p = spawnDeskmate({ PORT: String(port), DESKMATE_DATA_DIR: dataDir });
    running.push(p);
    const ms = await waitForHealthy(`http://127.0.0.1:${port}`, 30_000, p);
    expect(ms).toBeLessThan(30_000);
    const banner = p.output();
    for (const email of [
      'admin@deskmate.local',
      'agent@deskmate.local',
      'agent2@deskmate.local',
      'alice@deskmate.local',
      'bob@deskmate.local',
    ]) {
      expect(banner).toContain(email);
    }
    expect(banner).toContain('deskmate-demo');
    expect(postgresPids(join(dataDir, 'pg'))).toHaveLength(1);

    const stopAt = Date.now();
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(0);
    expect(Date.now() - stopAt).toBeLessThan(10_000);
    expect(postgresPids(join(dataDir, 'pg'))).toEqual([]);
    expect(await readdir(dataDir)).not.toContain('deskmate.pid');
  });

  it('comes up healthy within 10 s on a later run, and again after kill -9 left postgres orphaned', async () => {
    const port = await freePort();
    const first = spawnDeskmate({ PORT: String(port), DESKMATE_DATA_DIR: dataDir });
    running.push(first);
    expect(await waitForHealthy(`http://127.0.0.1:${port}`, 10_000, first)).toBeLessThan(10_000);
    // No second seeding on a database that exists.
    expect(first.output()).not.toContain('demo data seeded');

    first.child.kill('SIGKILL');
    await first.exited;
    const orphans = postgresPids(join(dataDir, 'pg'));
    expect(orphans).toHaveLength(1);

    const second = spawnDeskmate({ PORT: String(port), DESKMATE_DATA_DIR: dataDir });
    running.push(second);
    expect(await waitForHealthy(`http://127.0.0.1:${port}`, 10_000, second)).toBeLessThan(10_000);
    expect(second.output()).toContain('stopping an orphaned PostgreSQL');
    const now = postgresPids(join(dataDir, 'pg'));
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(orphans[0]);

    // A third process on the same data directory is refused at once with a clear message.
    const third = spawnDeskmate({ PORT: String(await freePort()), DESKMATE_DATA_DIR: dataDir });
    running.push(third);
    expect(await third.exited).toBe(1);
    expect(third.output()).toMatch(/in use by another running Deskmate \(pid \d+\)/);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(postgresPids(join(dataDir, 'pg'))).toEqual([]);
  });
});

describe('deskmate on DATABASE_URL', () => {
  const made: string[] = [];
  afterAll(async () => {
    for (const name of made) await dropDatabase(name);
  });

  it('a production start with no admin prints a one-time setup code, the channels, and one line about plain http', async () => {
    const { url, name } = await createEmptyDatabase();
    made.push(name);
    const port = await freePort();
    const p = spawnDeskmate({
      PORT: String(port),
      DATABASE_URL: url,
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      PUBLIC_URL: `http://localhost:${port}`,
    });
    running.push(p);
    await waitForHealthy(`http://127.0.0.1:${port}`, 30_000, p);
    const out = p.output();
    const code = /setup code {2}([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})/.exec(out)?.[1];
    expect(code).toBeDefined();
    expect(out).toContain(`http://localhost:${port}/setup`);
    expect(out).toContain('npx deskmate admin create');
    expect(out).toContain('Channels: Slack off · Teams');
    expect(out).toContain('email (dev outbox, no SMTP_URL)');
    expect(out).toContain('npm run chat');
    expect(out.split('\n').filter((l) => l.includes('not https'))).toHaveLength(1);
    // The code works once, on the setup page's API.
    const res = await fetch(`http://127.0.0.1:${port}/api/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: `http://127.0.0.1:${port}` },
      body: JSON.stringify({
        code,
        email: 'first@example.com',
        name: 'First',
        password: 'a long and unusual password',
      }),
    });
    expect(res.status).toBe(201);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });

  it('admin create: the password read from standard input, the policy applied, a taken email refused, all in one line', async () => {
    const { url, name } = await createEmptyDatabase();
    made.push(name);
    const env = { DATABASE_URL: url, PUBLIC_URL: 'https://desk.example.com' };
    const args = ['admin', 'create', '--email', 'Root@Example.com', '--name', 'Root Admin'];

    const weak = spawnDeskmate(env, args, 'short\n');
    running.push(weak);
    expect(await weak.exited).toBe(1);
    expect(weak.output().trim().split('\n')).toEqual(['The password must be at least 10 characters']);

    const ok = spawnDeskmate(env, args, 'a long and unusual password\n');
    running.push(ok);
    expect(await ok.exited).toBe(0);
    expect(ok.output().trim()).toBe(
      'Administrator root@example.com created. Sign in at https://desk.example.com/login',
    );

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const rows = await client.query<{ role: string; name: string; password_hash: string }>(
      "SELECT role, name, password_hash FROM users WHERE email = 'root@example.com'",
    );
    await client.end();
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]).toMatchObject({ role: 'admin', name: 'Root Admin' });
    expect(await bcrypt.compare('a long and unusual password', rows.rows[0]!.password_hash)).toBe(true);

    const again = spawnDeskmate(env, args, 'another long unusual password\n');
    running.push(again);
    expect(await again.exited).toBe(1);
    expect(again.output().trim().split('\n')).toEqual(['A user with the email root@example.com already exists']);

    const noEmail = spawnDeskmate(env, ['admin', 'create'], 'whatever\n');
    running.push(noEmail);
    expect(await noEmail.exited).toBe(1);
    expect(noEmail.output()).toContain('admin create needs --email');
  });

  it('two processes started at the same moment on a new database both come up; migrations run once; demo seeded once', async () => {
    const { url, name } = await createEmptyDatabase();
    made.push(name);
    const ports = [await freePort(), await freePort()];
    const procs = ports.map((port) =>
      spawnDeskmate({ PORT: String(port), DATABASE_URL: url, HOST: '127.0.0.1', DESKMATE_DEMO: 'true' }),
    );
    running.push(...procs);
    await Promise.all(ports.map((port, i) => waitForHealthy(`http://127.0.0.1:${port}`, 30_000, procs[i])));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const migrations = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
    const users = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
    await client.end();
    const files = (await readdir(join(repoRoot, 'api', 'drizzle'))).filter((f) => f.endsWith('.sql'));
    expect(migrations.rows[0]?.n).toBe(files.length);
    expect(users.rows[0]?.n).toBe(5);
    const migratedBy = procs.filter((p) => p.output().includes('database migrated'));
    expect(migratedBy).toHaveLength(1);
    for (const p of procs) p.child.kill('SIGTERM');
    expect(await Promise.all(procs.map((p) => p.exited))).toEqual([0, 0]);
  });
});
