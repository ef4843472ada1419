/**
 * `npm run bench`: start a throwaway embedded PostgreSQL and the built Deskmate as a separate
 * process on it, run each benchmark after a warm-up, print a table and write JSON to
 * bench/results/. Later issues add their benchmarks to `benchmarks` below.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { silentLogger, startEmbeddedPostgres } from '@deskmate/api';
import { freePort, repoRoot, waitForHealthy } from '../test/process.js';

interface Result {
  name: string;
  p50Ms: number;
  p99Ms: number;
  throughput: number;
  unit: string;
  notes?: string;
}

interface BenchContext {
  url: string;
}

const durationSec = Number(process.env.BENCH_SECONDS ?? 5);

async function http(name: string, ctx: BenchContext, path: string, connections = 10): Promise<Result> {
  const run = (duration: number) => autocannon({ url: `${ctx.url}${path}`, connections, duration });
  await run(1); // warm-up
  const r = await run(durationSec);
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${name}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
  return {
    name,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    throughput: Math.round(r.requests.average),
    unit: 'req/s',
  };
}

const benchmarks: { name: string; run: (ctx: BenchContext) => Promise<Result> }[] = [
  { name: 'GET /healthz (database ping)', run: (ctx) => http('GET /healthz (database ping)', ctx, '/healthz') },
  { name: 'GET /api/meta', run: (ctx) => http('GET /api/meta', ctx, '/api/meta') },
];

async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function main(): Promise<void> {
  const base = await mkdtemp(join(tmpdir(), 'dm-bench-'));
  await chmod(base, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: join(base, 'data'), logger: silentLogger() });
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/cli.js'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: pg.url,
      DESKMATE_DEMO: 'true',
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const results: Result[] = [];
  try {
    await waitForHealthy(url, 60_000);
    for (const b of benchmarks) {
      process.stderr.write(`running ${b.name}…\n`);
      results.push(await b.run({ url }));
    }
    const rss = await peakRssMb(child.pid!);
    const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
    console.log(`\nDeskmate benchmarks — ${machine}\n`);
    console.table(
      results.map((r) => ({
        benchmark: r.name,
        'p50 ms': r.p50Ms,
        'p99 ms': r.p99Ms,
        throughput: `${r.throughput} ${r.unit}`,
      })),
    );
    console.log(`Peak RSS of the Deskmate process: ${rss} MB (limit 250 MB)`);
    await mkdir(join(repoRoot, 'bench', 'results'), { recursive: true });
    const file = join(repoRoot, 'bench', 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    await writeFile(file, JSON.stringify({ at: new Date().toISOString(), machine, peakRssMb: rss, results }, null, 2));
    console.log(`Written to ${file}`);
    if (rss > 250) process.exitCode = 1;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await pg.stop();
    await rm(base, { recursive: true, force: true });
  }
}

await main();
