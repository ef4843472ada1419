/**
 * Scale-out on PostgreSQL's own tools: three API processes and two workers whose DATABASE_URL is
 * PgBouncer in transaction mode (Debian's 1.18, the way managed services pool) in front of one
 * PostgreSQL, DATABASE_DIRECT_URL the server itself. Under 60 s of the mixed load of the
 * two-instance test (mixed-load.ts): no request fails, every key is handed out once, each claim
 * has one winner, each SLA action happens once; a live update made through one API reaches a
 * client of another within a second; and the primary holds at most the pool's connections through
 * the pooler, plus one direct connection per process.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../api/src/index.js';
import { hasPgBouncer, PGBOUNCER, startPgBouncer, type PgBouncer } from '../../api/src/test/pgbouncer.js';
import { subscribe } from '../../api/src/test/stream.js';
import { freePort, spawnDeskmate, waitForHealthy, type DeskmateProcess } from '../process.js';
import { MixedLoad } from './mixed-load.js';

const LOAD_MS = 60_000;
/** Server connections PgBouncer may open to the primary (for the one database). */
const POOL_SIZE = 10;
const LIVE_LIMIT_MS = 1000;

if (!hasPgBouncer) {
  console.warn(
    `Pooler scale test SKIPPED: ${PGBOUNCER} is not installed here. Install it with \`apt-get install -y pgbouncer\` (.ci/run does).`,
  );
}

let base: string;
let db: EmbeddedPostgresHandle;
let bouncer: PgBouncer;
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
      DATABASE_URL: bouncer.urlFor('deskmate'),
      DATABASE_DIRECT_URL: db.url,
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
  if (!hasPgBouncer) return;
  base = await mkdtemp(join(tmpdir(), 'dm-res-'));
  await chmod(base, 0o755);
  db = await startEmbeddedPostgres({ dataDir: join(base, 'pg'), logger: silentLogger(), fast: true });
  bouncer = await startPgBouncer(db.url, { poolSize: POOL_SIZE });
  client = new pg.Client({ connectionString: db.url, application_name: 'deskmate-scale-test' });
  await client.connect();
  // The three APIs start together on the new database: migrations and the demo seed race.
  const demo = { DESKMATE_DEMO: 'true' };
  apis.push(...(await Promise.all([start('api', demo), start('api', demo), start('api', demo)])));
  await Promise.all(apis.slice(0, 2).map((url) => start('worker', { DESKMATE_API_URL: url })));
});

afterAll(async () => {
  // They log errors only: whatever they said is worth seeing when something failed.
  for (const p of processes) if (p.output().trim()) console.log(`process ${p.child.pid}:\n${p.output().slice(-4000)}`);
  for (const p of processes) {
    if (p.child.exitCode === null) p.child.kill('SIGTERM');
    await p.exited;
  }
  await client?.end();
  await bouncer?.stop();
  await db?.stop();
  if (base) await rm(base, { recursive: true, force: true });
});

/** Connections at the primary now: through the pooler, and each process's direct session connection. */
async function primaryConnections(): Promise<{ pooled: number; sessions: number }> {
  const { rows } = await client.query<{ pooled: number; sessions: number }>(
    `SELECT count(*) FILTER (WHERE application_name NOT LIKE 'deskmate-%-session')::int AS pooled,
            count(*) FILTER (WHERE application_name LIKE 'deskmate-%-session')::int AS sessions
     FROM pg_stat_activity
     WHERE datname = 'deskmate' AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
  );
  return rows[0]!;
}

describe.runIf(hasPgBouncer)('three API processes and two workers behind PgBouncer in transaction mode', () => {
  it('fail nothing under mixed load, keep every invariant, fan live updates out within a second', async () => {
    const load = new MixedLoad(apis, client);
    const latencies: number[] = [];
    const connections = { pooled: 0, sessions: [] as number[] };

    const during = async (stopAt: number) => {
      // An agent watches on the third API; an admin adds internal notes through the first.
      const watcher = await load.login('agent2@deskmate.local');
      const changer = await load.login('admin@deskmate.local');
      const stream = await subscribe(apis[2]!, watcher.cookie);
      try {
        const probe = await changer.request(apis[0]!, 'POST', '/tickets', {
          title: 'Live probe: conference room display',
          description: 'Used to time live updates across processes.',
        });
        expect(probe.status).toBe(201);
        const key = (probe.body as { ticket: { key: string } }).ticket.key;
        for (let i = 0; Date.now() < stopAt - 3000; i++) {
          const note = await changer.request(apis[0]!, 'POST', `/tickets/${key}/notes`, { body: `Probe ${i}` });
          expect(note.status).toBe(201);
          const committed = Date.now();
          const eventId = (note.body as { event: { id: string } }).event.id;
          const arrived = await stream.waitFor((e) => e.data.eventId === eventId, 10_000);
          latencies.push(Math.max(0, arrived.at - committed));
          const now = await primaryConnections();
          connections.pooled = Math.max(connections.pooled, now.pooled);
          connections.sessions.push(now.sessions);
          await new Promise((r) => setTimeout(r, 2000));
        }
      } finally {
        stream.close();
      }
    };

    const summary = await load.runAndCheck(LOAD_MS, during);

    // Live updates: through API 1, to a stream on API 3, each within a second.
    expect(latencies.length).toBeGreaterThan(10);
    expect(latencies.filter((ms) => ms > LIVE_LIMIT_MS)).toEqual([]);
    // The primary: at most the pool through PgBouncer, and one direct connection per process.
    expect(connections.pooled).toBeGreaterThan(0);
    expect(connections.pooled).toBeLessThanOrEqual(POOL_SIZE);
    expect(new Set(connections.sessions)).toEqual(new Set([processes.length]));
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(
      `pooler scale (3 APIs + 2 workers, ${bouncer.version}, pool ${POOL_SIZE}): ${summary}; ` +
        `live update across processes p50 ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms ` +
        `(${sorted.length} probes); primary connections: ≤ ${connections.pooled} pooled, ${processes.length} direct`,
    );
  });
});
