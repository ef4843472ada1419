/**
 * PostgreSQL stopped and started under load: while it is down the API answers 503 (never 500),
 * it recovers by itself, and every ticket it acknowledged (201) exists afterwards.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../api/src/index.js';
import { freePort, spawnDeskmate, waitForHealthy, type DeskmateProcess } from '../process.js';

let base: string;
let db: EmbeddedPostgresHandle;
let deskmate: DeskmateProcess;
let url: string;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'dm-res-'));
  await chmod(base, 0o755);
  db = await startEmbeddedPostgres({ dataDir: join(base, 'pg'), logger: silentLogger() });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  deskmate = spawnDeskmate({
    PORT: String(port),
    DATABASE_URL: db.url,
    DESKMATE_DEMO: 'true',
    LOG_LEVEL: 'error',
    HOST: '127.0.0.1',
  });
  await waitForHealthy(url, 60_000, deskmate);
});
afterAll(async () => {
  deskmate?.child.kill('SIGTERM');
  await deskmate?.exited;
  await db?.stop();
  await rm(base, { recursive: true, force: true });
});

describe('the database stops and starts under load', () => {
  it('answers 503 while it is down, recovers by itself, and loses no acknowledged ticket', async () => {
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'agent@deskmate.local', password: 'deskmate-demo' }),
    });
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const acknowledged = new Set<string>();
    const statuses = new Map<number, number>();
    let running = true;
    let n = 0;
    const worker = async () => {
      while (running) {
        const res = await fetch(`${url}/api/tickets`, {
          method: 'POST',
          headers: { cookie, origin: url, 'content-type': 'application/json' },
          body: JSON.stringify({ title: `Load ticket ${n++}`, description: 'created under load' }),
        }).catch(() => null);
        if (!res) continue;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const body = (await res.json()) as { ticket?: { key: string } };
        if (res.status === 201 && body.ticket) acknowledged.add(body.ticket.key);
      }
    };
    const load = Promise.all(Array.from({ length: 4 }, worker));
    await new Promise((r) => setTimeout(r, 1500));
    await db.stop();
    if (deskmate.child.exitCode !== null) throw new Error(`Deskmate died: ${deskmate.output().slice(-4000)}`);
    // Down: health and writes answer 503, never 500.
    let downHealth = 0;
    for (let i = 0; i < 20; i++) {
      const health = await fetch(`${url}/healthz`).catch((err: unknown) => {
        throw new Error(`Deskmate unreachable (${String(err)}): ${deskmate.output().slice(-4000)}`);
      });
      downHealth = health.status;
      if (downHealth === 503) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(downHealth).toBe(503);
    await new Promise((r) => setTimeout(r, 1500));
    db = await startEmbeddedPostgres({ dataDir: join(base, 'pg'), logger: silentLogger() });
    await waitForHealthy(url, 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    running = false;
    await load;

    expect(statuses.get(500) ?? 0).toBe(0);
    expect(statuses.get(503) ?? 0).toBeGreaterThan(0);
    expect(acknowledged.size).toBeGreaterThan(10);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query<{ key: string }>('SELECT key FROM tickets WHERE key = ANY($1)', [
      [...acknowledged],
    ]);
    await client.end();
    expect(rows.length).toBe(acknowledged.size);
    console.log(
      `database restart: ${acknowledged.size} tickets acknowledged, all present; answers ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
  });
});
