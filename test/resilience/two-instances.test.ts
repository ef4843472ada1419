/**
 * Two API processes and two workers on one database, under 60 s of mixed load: tickets created
 * through both APIs, every new ticket claimed by five agents at once (through both), replies,
 * list and search reads; meanwhile tickets with one-minute SLA targets are warned and breached
 * by two workers sweeping every second. No ticket key is handed out twice, each claim race has
 * exactly one winner, and each SLA action happens exactly once.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { silentLogger, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../api/src/index.js';
import { freePort, spawnDeskmate, waitForHealthy, type DeskmateProcess } from '../process.js';
import { MixedLoad } from './mixed-load.js';

const LOAD_MS = 60_000;
let base: string;
let db: EmbeddedPostgresHandle;
let client: pg.Client;
const processes: DeskmateProcess[] = [];
const apis: string[] = [];

async function start(role: 'api' | 'worker', env: Record<string, string>): Promise<string> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawnDeskmate(
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      LOG_LEVEL: 'error',
      TICKET_CREATE_LIMIT: '100000',
      JOBS_PROCESS_EVERY: '200ms',
      SLA_SWEEP_INTERVAL: '1 second',
      ...env,
    },
    ['--role', role],
  );
  processes.push(proc);
  await waitForHealthy(url, 90_000, proc);
  return url;
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'dm-res-'));
  await chmod(base, 0o755);
  db = await startEmbeddedPostgres({ dataDir: join(base, 'pg'), logger: silentLogger(), fast: true });
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  // Both APIs start together on the new database: migrations and the demo seed race.
  apis.push(...(await Promise.all([start('api', { DESKMATE_DEMO: 'true' }), start('api', { DESKMATE_DEMO: 'true' })])));
  await Promise.all(apis.map((url) => start('worker', { DESKMATE_API_URL: url })));
});

afterAll(async () => {
  for (const p of processes) {
    if (p.child.exitCode === null) p.child.kill('SIGTERM');
    await p.exited;
  }
  await client?.end();
  await db?.stop();
  await rm(base, { recursive: true, force: true });
});

describe('two API processes and two workers on one database', () => {
  it('hand out each key once, let one agent win each claim, and escalate each SLA breach once', async () => {
    const summary = await new MixedLoad(apis, client).runAndCheck(LOAD_MS);
    console.log(`two instances: ${summary}`);
  });
});
