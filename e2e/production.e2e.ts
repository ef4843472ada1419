import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import pg from 'pg';

/**
 * The README's "Production install", step by step, on a real PostgreSQL server (Debian's, over
 * TCP with a password: DATABASE_URL, not the embedded database) and the built Deskmate with the
 * compose file's settings (NODE_ENV=production, PUBLIC_URL=http://localhost:PORT, no demo data):
 * start it, create the first administrator (the setup page with the code from the log, and the
 * CLI), sign in, connect Slack.
 */

const root = new URL('..', import.meta.url).pathname;
const PASSWORD = 'a long and unusual first password';
const DB_PASSWORD = 'change-me-too';
const SIGNING_SECRET = 'e2e-slack-signing-secret';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

function pgBin(): string {
  const base = '/usr/lib/postgresql';
  const version = existsSync(base) ? readdirSync(base).sort().at(-1) : undefined;
  if (!version) throw new Error('Debian PostgreSQL is not installed (apt-get install postgresql; .ci/run does it)');
  return join(base, version, 'bin');
}

/** PostgreSQL refuses to run as root: as root, run its programs as the postgres user. */
function pgRun(cmd: string, args: string[]): void {
  const asRoot = userInfo().uid === 0;
  const r = asRoot
    ? spawnSync('runuser', ['-u', 'postgres', '--', join(pgBin(), cmd), ...args], { encoding: 'utf8' })
    : spawnSync(join(pgBin(), cmd), args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
}

interface Deskmate {
  child: ChildProcess;
  out: () => string;
  stop: () => Promise<void>;
}

function startDeskmate(env: Record<string, string>): Deskmate {
  const child = spawn(process.execPath, ['dist/cli.js'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_PRETTY: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return {
    child,
    out: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function healthy(url: string, proc: Deskmate): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`Deskmate exited:\n${proc.out()}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not healthy:\n${proc.out()}`);
}

test.describe('production install, as the README walks it', () => {
  test.describe.configure({ timeout: 120_000 });
  let dir: string;
  let pgPort: number;
  let port: number;
  let url: string;
  let env: Record<string, string>;
  let deskmate: Deskmate | undefined;

  test.beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dm-prod-'));
    chmodSync(dir, 0o755);
    const data = join(dir, 'pg');
    const pwfile = join(dir, 'pw');
    writeFileSync(pwfile, `${DB_PASSWORD}\n`);
    if (userInfo().uid === 0) chownSync(dir, Number(spawnSync('id', ['-u', 'postgres']).stdout), 0);
    if (userInfo().uid === 0) chownSync(pwfile, Number(spawnSync('id', ['-u', 'postgres']).stdout), 0);
    pgPort = await freePort();
    pgRun('initdb', ['-D', data, '-U', 'deskmate', `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8']);
    pgRun('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'postgres.log'),
      '-o',
      `-p ${pgPort} -k ${dir} -c listen_addresses=127.0.0.1`,
      '-w',
      'start',
    ]);
    const admin = new pg.Client({
      connectionString: `postgresql://deskmate:${DB_PASSWORD}@127.0.0.1:${pgPort}/postgres`,
    });
    await admin.connect();
    await admin.query('CREATE DATABASE deskmate');
    await admin.end();
    port = await freePort();
    url = `http://localhost:${port}`;
    // docker-compose.yml's settings for the deskmate service.
    env = {
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: `postgresql://deskmate:${DB_PASSWORD}@127.0.0.1:${pgPort}/deskmate`,
      PUBLIC_URL: url,
      DESKMATE_DEMO: 'false',
      LOG_LEVEL: 'info',
      DESKMATE_DATA_DIR: join(dir, 'unused'),
    };
  });

  test.afterAll(async () => {
    await deskmate?.stop();
    if (dir && existsSync(join(dir, 'pg'))) pgRun('pg_ctl', ['-D', join(dir, 'pg'), '-m', 'fast', '-w', 'stop']);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('start, create the first administrator, sign in, connect Slack', async ({ page }) => {
    // 1. Start it: one warning line about plain http, and a setup code for the first administrator.
    deskmate = startDeskmate(env);
    await healthy(url, deskmate);
    expect(deskmate.out()).toContain('not https');
    const code = /setup code {2}([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})/.exec(deskmate.out())?.[1];
    expect(code, deskmate.out()).toBeDefined();

    // 2. The console over plain http in production is a working page that sends its first visitor to setup.
    await page.goto(`${url}/`);
    await expect(page.getByRole('heading', { name: 'Create the first administrator' })).toBeVisible();
    await page.getByLabel('Setup code').fill(code!.toLowerCase());
    await page.getByLabel('Your name').fill('Ada Admin');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await expect(page).not.toHaveURL(/\/setup/);
    await expect(page.getByText('Ada Admin').first()).toBeVisible();

    // …or from a shell, against the same database (a second administrator here).
    const cli = spawnSync(process.execPath, ['dist/cli.js', 'admin', 'create', '--email', 'ops@example.com'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: '/tmp', DATABASE_URL: env.DATABASE_URL!, PUBLIC_URL: url },
      input: `${PASSWORD} too\n`,
      encoding: 'utf8',
    });
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout.trim()).toBe(`Administrator ops@example.com created. Sign in at ${url}/login`);

    // The setup page is gone once an administrator exists.
    await page.context().clearCookies();
    await page.goto(`${url}/setup`);
    await expect(page).toHaveURL(/\/login/);

    // 3. Sign in with the new administrator.
    await page.getByLabel('Email').fill('ops@example.com');
    await page.getByLabel('Password').fill(`${PASSWORD} too`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).not.toHaveURL(/\/login/);
    await page.goto(`${url}/admin/integrations`);
    const slackCard = page.getByRole('region', { name: 'Slack status' });
    await expect(slackCard).toContainText('Not configured');

    // 4. Connect Slack: the three variables in .env, then `docker-compose up -d` (a restart).
    await deskmate.stop();
    deskmate = startDeskmate({
      ...env,
      SLACK_BOT_TOKEN: 'xoxb-e2e-not-a-real-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_TRIAGE_CHANNEL: 'C0123E2E456',
    });
    await healthy(url, deskmate);
    expect(deskmate.out()).toContain('Channels: Slack (HTTP)');
    expect(deskmate.out()).not.toContain('setup code');
    await page.reload();
    await expect(slackCard).toContainText('Configured');
    await expect(slackCard).not.toContainText('Not configured');

    // Slack's Event Subscriptions "Retry": a signed url_verification answers the challenge.
    const body = JSON.stringify({ type: 'url_verification', token: 'x', challenge: 'e2e-challenge-123' });
    const ts = Math.floor(Date.now() / 1000);
    const sig = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
    const res = await fetch(`${url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': sig,
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('e2e-challenge-123');
  });
});
