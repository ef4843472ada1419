/**
 * The write path (#19): ticket creation as an agent and as a requester at 10 connections, one
 * create on one connection, a floor to compare against, and how long everything the creates
 * caused (outbox rows, delivery jobs, notifications) takes to drain afterwards.
 *
 * The floor is the same Express stack and pool (bench/floor-server.ts) doing one transaction that
 * inserts a ticket and its audit row and nothing else: create is reported as a ratio of it.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, repoRoot, waitForHealthy } from '../test/process.js';
import { load, sleep, type BenchResult } from './measure.js';
import { login, profileStatements } from './server.js';

const durationSec = Number(process.env.BENCH_SECONDS ?? 10);
/** The drain goal (#19): everything the creates caused is done this long after the run. */
export const DRAIN_LIMIT_SEC = 5;

/** POST a JSON body for `durationSec` on `connections` (bench/measure.ts `load`). */
const postLoad = (name: string, request: { url: string; cookie?: string; body: string; connections: number }) =>
  load(name, { ...request, method: 'POST', seconds: durationSec });

/**
 * Work the creates left behind: outbox rows not yet relayed, deliveries not yet sent and jobs not
 * yet run (recurring ones aside).
 */
async function backlog(db: pg.Client): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT (SELECT count(*) FROM outbox WHERE status = 'pending')
          + (SELECT count(*) FROM deliveries WHERE status = 'pending')
          + (SELECT count(*) FROM agenda_jobs
              WHERE next_run_at IS NOT NULL AND repeat_interval IS NULL AND dead_at IS NULL AND NOT disabled) AS n`,
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Seconds from now until the backlog is empty; fails when it is still growing after the run (the
 * workers fall behind for good) or when it has not drained within a minute.
 */
export async function drainSeconds(databaseUrl: string): Promise<{ seconds: number; backlogAtEnd: number }> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const started = performance.now();
    const first = await backlog(db);
    let last = first;
    let growing = 0;
    while (last > 0) {
      if ((performance.now() - started) / 1000 > 60) throw new Error(`drain: ${last} items still waiting after 60 s`);
      await sleep(100);
      const now = await backlog(db);
      growing = now > last ? growing + 1 : 0;
      // Twenty samples in a row of more work than before: the system is not keeping up.
      if (growing >= 20) throw new Error(`drain: the backlog is still growing (${now} items)`);
      last = now;
    }
    return { seconds: Math.round((performance.now() - started) / 100) / 10, backlogAtEnd: first };
  } finally {
    await db.end();
  }
}

/** The floor server (bench/floor-server.ts) on its own port, run with the same Node flags as Deskmate. */
async function withFloorServer<T>(
  databaseUrl: string,
  serverFlags: string[],
  run: (url: string) => Promise<T>,
): Promise<T> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [...serverFlags.filter((f) => !f.startsWith('--cpu-prof')), '--import', 'tsx', join('bench', 'floor-server.ts')],
    {
      cwd: repoRoot,
      env: { ...process.env, PORT: String(port), DATABASE_URL: databaseUrl, NODE_OPTIONS: '--conditions=development' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  try {
    await waitForHealthy(url, 60_000);
    return await run(url);
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }
}

/**
 * The create rows, against a running Deskmate at `url` on `databaseUrl` (seeded by seedScale, so
 * the default group is a round-robin group of ten agents and admins).
 */
export async function createResults(options: {
  url: string;
  databaseUrl: string;
  agentEmail: string;
  requesterEmail: string;
  serverFlags: string[];
}): Promise<{ results: BenchResult[]; problems: string[] }> {
  const { url, databaseUrl } = options;
  const agentCookie = await login(url, options.agentEmail);
  const requesterCookie = await login(url, options.requesterEmail);
  const body = JSON.stringify({ title: 'Bench: VPN keeps disconnecting', description: 'Created by the benchmark.' });
  const results: BenchResult[] = [];
  const problems: string[] = [];
  const step = (r: BenchResult) => {
    process.stderr.write(`  ${r.name}: p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.throughput} ${r.unit}\n`);
    results.push(r);
    return r;
  };

  process.stderr.write('running create ticket…\n');
  const single = step(
    await postLoad('POST /api/tickets, one connection (agent)', {
      url: `${url}/api/tickets`,
      cookie: agentCookie,
      body,
      connections: 1,
    }),
  );
  await drainSeconds(databaseUrl);
  const agent = step(
    await postLoad('POST /api/tickets (agent; round-robin, SLA, audit, outbox)', {
      url: `${url}/api/tickets`,
      cookie: agentCookie,
      body,
      connections: 10,
    }),
  );
  const agentDrain = await drainSeconds(databaseUrl);
  const requester = step(
    await postLoad('POST /api/tickets (requester; rate limit, classifier floor, the rest as agent)', {
      url: `${url}/api/tickets`,
      cookie: requesterCookie,
      body,
      connections: 10,
    }),
  );
  const requesterDrain = await drainSeconds(databaseUrl);
  if (profileStatements) {
    // Round trips are what a create costs here (each one a context switch between Node and
    // PostgreSQL on two cores): every statement since the reset, per ticket created meanwhile.
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    const { rows } = await db.query<{ statements: number; created: number }>(
      `SELECT (SELECT sum(calls)::int FROM pg_stat_statements) AS statements,
              (SELECT count(*)::int FROM tickets WHERE created_at > (SELECT stats_reset FROM pg_stat_statements_info)) AS created`,
    );
    // Which statements they are, per create: calls and the database's time, the costliest first.
    const top = await db.query<{ calls: number; ms: number; query: string }>(
      `SELECT calls::int, total_exec_time AS ms, regexp_replace(query, '\\s+', ' ', 'g') AS query
         FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25`,
    );
    await db.end();
    const r = rows[0]!;
    process.stderr.write(
      `  ${r.statements} statements for ${r.created} creates and the work they caused: ${(r.statements / r.created).toFixed(1)} per create\n`,
    );
    process.stderr.write('    calls  ms (per create)\n');
    for (const s of top.rows)
      process.stderr.write(
        `    ${(s.calls / r.created).toFixed(2).padStart(5)}  ${(s.ms / r.created).toFixed(3)}  ${s.query.slice(0, 100)}\n`,
      );
  }
  step({
    name: `Drain after the creates: outbox and jobs empty (${agentDrain.backlogAtEnd} and ${requesterDrain.backlogAtEnd} waiting at the end of each run)`,
    p50Ms: Math.round(Math.min(agentDrain.seconds, requesterDrain.seconds) * 1000),
    p99Ms: Math.round(Math.max(agentDrain.seconds, requesterDrain.seconds) * 1000),
    throughput: Math.max(agentDrain.seconds, requesterDrain.seconds),
    unit: 's to drain (worst)',
  });
  const floor = await withFloorServer(databaseUrl, options.serverFlags, (floorUrl) =>
    postLoad('Floor: same Express + pool, one transaction inserting a ticket and its audit row', {
      url: `${floorUrl}/tickets`,
      body,
      connections: 10,
    }),
  );
  step(floor);
  const ratio = Math.min(agent.throughput, requester.throughput) / floor.throughput;
  step({
    name: 'Create as a share of the floor (slower of agent and requester)',
    p50Ms: NaN,
    p99Ms: NaN,
    throughput: Math.round(ratio * 100) / 100,
    unit: '× floor',
  });

  if (single.p50Ms > 5) problems.push(`one create on one connection: p50 ${single.p50Ms} ms (goal ≤ 5 ms)`);
  for (const r of [agent, requester]) {
    if (r.throughput < 450) problems.push(`${r.name}: ${r.throughput} req/s (goal ≥ 450)`);
    if (r.p99Ms > 50) problems.push(`${r.name}: p99 ${r.p99Ms} ms (goal ≤ 50 ms)`);
  }
  for (const d of [agentDrain, requesterDrain])
    if (d.seconds > DRAIN_LIMIT_SEC) problems.push(`drain took ${d.seconds} s (goal ≤ ${DRAIN_LIMIT_SEC} s)`);
  if (ratio < 0.5) problems.push(`create is ${ratio.toFixed(2)} × the floor (goal ≥ 0.5)`);
  return { results, problems };
}
