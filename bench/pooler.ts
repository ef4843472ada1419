/**
 * `BENCH_ONLY=pooler`: Deskmate scaled out on PostgreSQL's own tools. 1, 2 and 4 API processes
 * (`--role api`, the built `npm start`) whose DATABASE_URL is PgBouncer in transaction mode in
 * front of the seeded database (DATABASE_DIRECT_URL the server itself), under the queue page and
 * ticket creation; one process straight to PostgreSQL as the baseline. For each run: the total
 * throughput (one closed-loop load generator per process, the connections split evenly), the CPU
 * each part spent per request (API processes, PgBouncer, PostgreSQL: what sizes a deployment on
 * bigger machines than this one), and the most connections the primary held, through the pooler
 * and direct. On a 2-core machine the load generator, the APIs, PgBouncer and PostgreSQL share
 * the cores: read the ratios and the CPU per request, not the absolute figures.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import autocannon from 'autocannon';
import pgModule from 'pg';
import { startPgBouncer } from '../api/src/test/pgbouncer.js';
import type { BenchResult } from './measure.js';
import { login, startBenchServer, type BenchServer } from './server.js';

/** Server connections PgBouncer may open to the primary. */
export const POOL_SIZE = 10;
/** Load-generator connections in all, split evenly over the processes. */
const CONNECTIONS = 16;
const TICKS_PER_SECOND = 100; // CLK_TCK on Linux

interface Run {
  name: string;
  processes: number;
  pooled: boolean;
  request: { path: string; method?: 'GET' | 'POST'; body?: string };
}

interface Measured {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerRequest: { api: number; pgbouncer: number; postgres: number };
  primary: { pooled: number; direct: number };
}

/** utime + stime of a process, in clock ticks (0 once it is gone). */
async function cpuTicks(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** PIDs of a process's children (PostgreSQL's backends and workers under its postmaster). */
function children(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)])
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** CPU ticks of each of `pids` now. */
async function snapshot(pids: number[]): Promise<Map<number, number>> {
  return new Map(await Promise.all(pids.map(async (p) => [p, await cpuTicks(p)] as const)));
}

function spent(before: Map<number, number>, after: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, t] of after) ticks += t - (before.get(pid) ?? 0);
  return ticks;
}

/**
 * Scale-out rows on a seeded database (`databaseUrl`, a Unix socket of the embedded PostgreSQL,
 * whose postmaster is `postgresPid`); `agentEmail` signs in (an agent of the seeded desk).
 */
export async function benchPooler(options: {
  databaseUrl: string;
  postgresPid: number;
  agentEmail: string;
  serverFlags: string[];
  durationSec: number;
}): Promise<BenchResult[]> {
  const { databaseUrl, postgresPid, agentEmail, serverFlags, durationSec } = options;
  const database = new URL(databaseUrl).pathname.slice(1);
  const bouncer = await startPgBouncer(databaseUrl, { poolSize: POOL_SIZE });
  const pgbouncerPid = bouncer.pid;
  const monitor = new pgModule.Client({ connectionString: databaseUrl, application_name: 'deskmate-bench-monitor' });
  await monitor.connect();
  const queue = { path: '/api/tickets?limit=25' };
  const create = {
    path: '/api/tickets',
    method: 'POST' as const,
    body: JSON.stringify({ title: 'Bench: VPN keeps disconnecting', description: 'Created by the benchmark.' }),
  };
  // The baselines first: PgBouncer keeps its server connections open once it has opened them, and
  // they would be counted with a baseline process's own.
  const runs: Run[] = [
    { name: 'queue page', processes: 1, pooled: false, request: queue },
    { name: 'create ticket', processes: 1, pooled: false, request: create },
    ...[1, 2, 4].map((n) => ({ name: 'queue page', processes: n, pooled: true, request: queue })),
    ...[1, 2, 4].map((n) => ({ name: 'create ticket', processes: n, pooled: true, request: create })),
  ];
  const measured = new Map<Run, Measured>();
  try {
    for (const run of runs) {
      process.stderr.write(
        `running ${run.name} on ${run.processes} API process(es) ${run.pooled ? 'behind PgBouncer' : 'straight to PostgreSQL'}…\n`,
      );
      const servers: BenchServer[] = [];
      try {
        const env: Record<string, string> = run.pooled
          ? { DATABASE_URL: bouncer.urlFor(database), DATABASE_DIRECT_URL: databaseUrl }
          : { DATABASE_URL: databaseUrl };
        servers.push(
          ...(await Promise.all(
            Array.from({ length: run.processes }, () =>
              startBenchServer(databaseUrl, serverFlags, { ...env, DESKMATE_ROLE: 'api', SESSION_TTL: '1 hour' }),
            ),
          )),
        );
        const cookie = await login(servers[0]!.url, agentEmail);
        const m = await measure(run, servers, cookie, { monitor, database, postgresPid, pgbouncerPid, durationSec });
        measured.set(run, m);
        process.stderr.write(
          `  ${m.requestsPerSec} req/s, p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms; CPU per request: API ${m.cpuMsPerRequest.api} ms, ` +
            `PgBouncer ${m.cpuMsPerRequest.pgbouncer} ms, PostgreSQL ${m.cpuMsPerRequest.postgres} ms; primary held ` +
            `${m.primary.pooled} ${run.pooled ? 'pooled' : 'client'} + ${m.primary.direct} session connections\n`,
        );
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
      }
    }
  } finally {
    await monitor.end();
    await bouncer.stop();
  }

  const results: BenchResult[] = [];
  for (const name of ['queue page', 'create ticket']) {
    const base = [...measured].find(([r]) => r.name === name && r.pooled && r.processes === 1)?.[1];
    for (const [run, m] of measured) {
      if (run.name !== name) continue;
      const ratio = base ? ` = ${(m.requestsPerSec / base.requestsPerSec).toFixed(2)}× one pooled process` : '';
      const where = run.pooled
        ? `behind PgBouncer 1.18 (transaction mode, pool ${POOL_SIZE})`
        : 'straight to PostgreSQL (baseline)';
      results.push({
        name:
          `${run.request.method ?? 'GET'} ${run.request.path} (${name}), ${run.processes} API process${run.processes > 1 ? 'es' : ''} ${where}${ratio}; ` +
          `CPU/request API ${m.cpuMsPerRequest.api} ms, PgBouncer ${m.cpuMsPerRequest.pgbouncer} ms, PostgreSQL ${m.cpuMsPerRequest.postgres} ms; ` +
          `primary connections ≤ ${m.primary.pooled} ${run.pooled ? 'through PgBouncer' : "from the process's pool"} + ${m.primary.direct} session`,
        p50Ms: m.p50Ms,
        p99Ms: m.p99Ms,
        throughput: m.requestsPerSec,
        unit: 'req/s',
      });
    }
  }
  return results;
}

async function measure(
  run: Run,
  servers: BenchServer[],
  cookie: string,
  ctx: { monitor: pgModule.Client; database: string; postgresPid: number; pgbouncerPid: number; durationSec: number },
): Promise<Measured> {
  const load = (duration: number) =>
    Promise.all(
      servers.map((server) =>
        autocannon({
          url: `${server.url}${run.request.path}`,
          method: run.request.method ?? 'GET',
          connections: CONNECTIONS / servers.length,
          duration,
          headers: { cookie, origin: server.url, 'content-type': 'application/json' },
          ...(run.request.body ? { body: run.request.body } : {}),
        }),
      ),
    );
  await load(2); // warm-up
  const apiPids = servers.map((s) => s.child.pid!);
  const pgPids = [ctx.postgresPid, ...children(ctx.postgresPid)];
  const before = {
    api: await snapshot(apiPids),
    pgbouncer: await snapshot([ctx.pgbouncerPid]),
    postgres: await snapshot(pgPids),
  };
  const primary = { pooled: 0, direct: 0 };
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const { rows } = await ctx.monitor.query<{ pooled: number; direct: number }>(
        `SELECT count(*) FILTER (WHERE application_name NOT LIKE 'deskmate-%-session')::int AS pooled,
                count(*) FILTER (WHERE application_name LIKE 'deskmate-%-session')::int AS direct
         FROM pg_stat_activity
         WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
        [ctx.database],
      );
      primary.pooled = Math.max(primary.pooled, rows[0]!.pooled);
      primary.direct = Math.max(primary.direct, rows[0]!.direct);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const results = await load(ctx.durationSec);
  sampling = false;
  await sampler;
  const after = {
    api: await snapshot(apiPids),
    pgbouncer: await snapshot([ctx.pgbouncerPid]),
    postgres: await snapshot([...new Set([...pgPids, ctx.postgresPid, ...children(ctx.postgresPid)])]),
  };
  const failed = results.reduce((n, r) => n + r.non2xx + r.errors, 0);
  if (failed) throw new Error(`${run.name} on ${servers.length} process(es): ${failed} failed requests`);
  const requests = results.reduce((n, r) => n + r.requests.total, 0);
  const perRequest = (ticks: number) => Math.round(((ticks * 1000) / TICKS_PER_SECOND / requests) * 100) / 100;
  return {
    requestsPerSec: Math.round(results.reduce((n, r) => n + r.requests.average, 0)),
    // Each generator's percentiles; the slowest process's, so none is hidden by the others.
    p50Ms: Math.max(...results.map((r) => r.latency.p50)),
    p99Ms: Math.max(...results.map((r) => r.latency.p99)),
    cpuMsPerRequest: {
      api: perRequest(spent(before.api, after.api)),
      pgbouncer: run.pooled ? perRequest(spent(before.pgbouncer, after.pgbouncer)) : 0,
      postgres: perRequest(spent(before.postgres, after.postgres)),
    },
    primary,
  };
}
