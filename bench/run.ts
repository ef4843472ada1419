/**
 * `npm run bench`: start a throwaway embedded PostgreSQL, seed the scale dataset, run the built
 * Deskmate as its own process on it, run each benchmark after a warm-up, print a table and write
 * JSON to bench/results/. Later issues add their benchmarks to `benchmarks` below.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { Agent, createServer, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import pgModule from 'pg';
import { runMigrations, silentLogger } from '@deskmate/api';
import { repoRoot } from '../test/process.js';
import { seedScale } from './seed.js';
import { benchSlaSweep, median } from './sla-sweep.js';
import { benchClassifier, benchKbSearch } from '@deskmate/kb';
import { channelBenchmarks, channelResults, copyDatabase, isChannelBenchmark } from './channels.js';
import { benchPasswordReset } from './password-reset.js';
import { benchPooler } from './pooler.js';
import {
  login,
  profileStatements,
  resetStatements,
  startBenchServer,
  topStatements,
  withBenchDatabase,
} from './server.js';
import { createResults } from './create.js';
import { load } from './measure.js';

interface Result {
  name: string;
  p50Ms: number;
  p99Ms: number;
  throughput: number;
  unit: string;
}

interface BenchContext {
  url: string;
  agentCookie: string;
}

const durationSec = Number(process.env.BENCH_SECONDS ?? 10);
/**
 * `BENCH_ONLY=sla`: only the in-process SLA sweep benchmark (no server, no HTTP); `slack`: only the
 * Slack ack; `password-reset`: only "forgot password", known vs unknown address; `http`: only the
 * API benchmarks at 100,000 tickets; `sse`, `teams` or `email`: only that channel benchmark
 * (bench/channels.ts), on a freshly seeded database; `pooler`: only the scale-out rows (1, 2 and 4
 * API processes behind PgBouncer, bench/pooler.ts) at 100,000 tickets; `create`: only the write path
 * (bench/create.ts) at BENCH_TICKETS tickets (default 100,000).
 */
const only = process.env.BENCH_ONLY;
const SWEEP_LIMIT_MS = 1000;
/**
 * Node flags for the Deskmate process under test: those `npm start` uses (the heap limit, ADR 7),
 * then any in BENCH_SERVER_FLAGS (e.g. `--cpu-prof` to profile it).
 */
const serverFlags = [
  ...(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
    .split(' ')
    .filter((arg) => arg.startsWith('--')),
  ...(process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter(Boolean),
];

async function http(
  name: string,
  ctx: BenchContext,
  request: { path: string; method?: 'GET' | 'POST'; body?: string; connections?: number },
): Promise<Result> {
  return load(name, {
    url: `${ctx.url}${request.path}`,
    ...(request.method ? { method: request.method } : {}),
    cookie: ctx.agentCookie,
    ...(request.body ? { body: request.body } : {}),
    connections: request.connections ?? 10,
    seconds: durationSec,
  });
}

/**
 * An open-loop load: one request every 1/rate s whatever the answers (autocannon's rate option
 * sends each second's requests in a burst). Latency is counted from when a request was due, so a
 * slow answer that delays the next ones is not hidden (no coordinated omission).
 */
async function steady(name: string, ctx: BenchContext, request: { path: string; rate: number }): Promise<Result> {
  const agent = new Agent({ keepAlive: true, maxSockets: 50 });
  const one = (due: number) =>
    new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${ctx.url}${request.path}`,
        { agent, headers: { cookie: ctx.agentCookie, origin: ctx.url } },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve(performance.now() - due) : reject(new Error(`${name}: ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
  const run = async (seconds: number) => {
    const started = performance.now();
    const total = seconds * request.rate;
    const pending: Promise<number>[] = [];
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / request.rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(one(due));
    }
    return Promise.all(pending);
  };
  await run(2); // warm-up
  const times = (await run(durationSec)).sort((a, b) => a - b);
  agent.destroy();
  const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]! * 10) / 10;
  return { name, p50Ms: at(0.5), p99Ms: at(0.99), throughput: request.rate, unit: 'req/s (offered)' };
}

const benchmarks: { name: string; run: (ctx: BenchContext) => Promise<Result> }[] = [
  { name: 'GET /healthz', run: (ctx) => http('GET /healthz (database ping)', ctx, { path: '/healthz' }) },
  {
    name: 'queue page',
    run: (ctx) => http('GET /api/tickets (queue page, 25 of 100k)', ctx, { path: '/api/tickets?limit=25' }),
  },
  {
    name: 'filtered page',
    run: (ctx) =>
      http('GET /api/tickets?status=open&priority=high,urgent&assignee=none', ctx, {
        path: '/api/tickets?status=open&priority=high,urgent&assignee=none&limit=25',
      }),
  },
  {
    // The same page at a steady 100 requests/s (a hundred agents refreshing every second), well
    // below saturation: the latency a person sees, where the runs above measure capacity.
    name: 'filtered page at 100 req/s',
    run: (ctx) =>
      steady('GET /api/tickets?status=open&priority=high,urgent&assignee=none at a steady 100 req/s', ctx, {
        path: '/api/tickets?status=open&priority=high,urgent&assignee=none&limit=25',
        rate: 100,
      }),
  },
  {
    name: 'sorted by priority',
    run: (ctx) =>
      http('GET /api/tickets?status=open&sort=-priority', ctx, {
        path: '/api/tickets?status=open&sort=-priority&limit=25',
      }),
  },
  {
    name: 'search',
    run: (ctx) =>
      http('GET /api/tickets?q=outlook syncing (full text)', ctx, {
        path: '/api/tickets?q=outlook%20syncing&limit=25',
      }),
  },
  // The console's SLA queues (#19: indexed, a page stops after 25 whatever the desk's size).
  ...(['at_risk', 'breached'] as const).map((sla) => ({
    name: `${sla} queue`,
    run: (ctx: BenchContext) =>
      http(`GET /api/tickets?status=new,open,pending,on_hold&sla=${sla} (console queue)`, ctx, {
        path: `/api/tickets?status=new,open,pending,on_hold&sla=${sla}&limit=25`,
      }),
  })),
  // Creates are timed after the reads (bench/create.ts): they leave delivery jobs behind.
];

/** The results as the table every part of the benchmark prints. */
function printTable(results: readonly Result[]): void {
  console.table(
    results.map((r) => ({
      benchmark: r.name,
      'p50 ms': r.p50Ms,
      'p99 ms': r.p99Ms,
      throughput: `${r.throughput} ${r.unit}`,
    })),
  );
}

async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** The SLA sweep, timed in-process on the seeded database (run with no Deskmate process sweeping it). */
async function slaSweepResults(url: string): Promise<Result[]> {
  process.stderr.write('running SLA sweep…\n');
  const r = await benchSlaSweep(url, { due: 100, runs: 5 });
  const acting = median(r.actingMs);
  const idle = median(r.idleMs);
  console.log(
    `SLA sweep over ${r.openTickets.toLocaleString('en')} open tickets: ${acting.toFixed(0)} ms with ${r.acted} due ` +
      `(median of ${r.actingMs.length}: ${r.actingMs.map((m) => m.toFixed(0)).join(', ')} ms), ` +
      `${idle.toFixed(0)} ms with none due (limit ${SWEEP_LIMIT_MS} ms)`,
  );
  if (acting > SWEEP_LIMIT_MS) process.exitCode = 1;
  return [
    {
      name: `SLA sweep over ${r.openTickets.toLocaleString('en')} open tickets, ${r.acted} due (escalate, notify, raise priority)`,
      p50Ms: Math.round(acting),
      p99Ms: Math.round(Math.max(...r.actingMs)),
      throughput: Math.round(r.acted / (acting / 1000)),
      unit: 'escalations/s',
    },
    {
      name: `SLA sweep over ${r.openTickets.toLocaleString('en')} open tickets, none due`,
      p50Ms: Math.round(idle * 10) / 10,
      p99Ms: Math.round(Math.max(...r.idleMs) * 10) / 10,
      throughput: Math.round(1000 / idle),
      unit: 'sweeps/s',
    },
  ];
}

/** Knowledge-base search over 5,000 articles and classifier throughput, in process. */
function kbResults(): Result[] {
  process.stderr.write('running KB search at 5,000 articles and the classifier…\n');
  const search = benchKbSearch(5000);
  const classifier = benchClassifier();
  return [
    {
      name: 'KB search, 5,000 articles (in process)',
      p50Ms: round(search.p50Ms),
      p99Ms: round(search.p99Ms),
      throughput: Math.round(search.queriesPerSec),
      unit: 'queries/s',
    },
    {
      name: 'Classifier (priority + category)',
      p50Ms: round(classifier.p50Ms),
      p99Ms: round(classifier.p99Ms),
      throughput: Math.round(classifier.classificationsPerSec),
      unit: 'texts/s',
    },
  ];
}

const round = (ms: number) => Math.round(ms * 100) / 100;

const SLACK_BURST = 200;
const SLACK_ACK_LIMIT_MS = 100;

/**
 * Slack slash-command ack latency: a Deskmate process with fake Slack credentials, its Web API
 * pointed (SLACK_API_URL) at a local stand-in that answers like Slack, gets 200 correctly signed
 * `/ticket` requests at once from 200 people. Time to response is what Slack's 3 s rule is about.
 * Each answer waits for its request to be recorded in the database (the chat inbox); the work after
 * it (the inbound.process job: identity, wizard, DM) runs in the same process once the burst is answered.
 */
async function slackAckResults(databaseUrl: string): Promise<Result[]> {
  process.stderr.write(`running Slack /ticket ack under a burst of ${SLACK_BURST}…\n`);
  let posted = 0;
  const standIn = createServer((req, res) => {
    const method = req.url?.split('/').pop() ?? '';
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const body = new URLSearchParams(raw);
      const user = body.get('user') ?? body.get('users') ?? 'U0';
      const answers: Record<string, object> = {
        'users.info': {
          ok: true,
          user: {
            id: user,
            name: user,
            real_name: `Bench ${user}`,
            profile: { email: `${user.toLowerCase()}@bench.invalid` },
          },
        },
        'conversations.open': { ok: true, channel: { id: `D${user.slice(1)}` } },
        'chat.postMessage': { ok: true, channel: body.get('channel'), ts: `${Date.now() / 1000}` },
      };
      if (method === 'chat.postMessage') posted++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answers[method] ?? { ok: true }));
    });
  });
  await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
  const slackPort = (standIn.address() as { port: number }).port;
  const secret = 'bench-signing-secret-0123456789abcdef';
  const server = await startBenchServer(databaseUrl, serverFlags, {
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: `http://127.0.0.1:${slackPort}/api/`,
  });
  const port = Number(new URL(server.url).port);
  let db: pgModule.Client | undefined;
  try {
    const signed = (round: string, i: number): string => {
      const body = new URLSearchParams({
        command: '/ticket',
        text: 'My VPN keeps disconnecting every few minutes since this morning',
        user_id: `UBENCH${round}${i}`,
        channel_id: 'C0BENCH',
        team_id: 'T0BENCH',
        trigger_id: `bench.${round}.${i}`,
      }).toString();
      const ts = Math.floor(Date.now() / 1000);
      const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
      return (
        `POST /slack/events HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/x-www-form-urlencoded\r\n` +
        `x-slack-request-timestamp: ${ts}\r\nx-slack-signature: ${signature}\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`
      );
    };
    /**
     * 200 requests on 200 connections, written at the same moment (connections are opened first,
     * so that the client's own work does not spread the burst out); each is timed to its full answer.
     */
    const burst = async (requests: string[]): Promise<number[]> => {
      const sockets = await Promise.all(
        requests.map(
          () =>
            new Promise<Socket>((resolve, reject) => {
              const socket = connect(port, '127.0.0.1', () => resolve(socket));
              socket.once('error', reject);
            }),
        ),
      );
      const started = performance.now();
      return Promise.all(
        sockets.map(
          (socket, i) =>
            new Promise<number>((resolve, reject) => {
              let answer = '';
              socket.on('data', (d: Buffer) => (answer += d.toString()));
              socket.once('error', reject);
              socket.once('end', () => {
                if (!answer.startsWith('HTTP/1.1 200')) reject(new Error(`answer: ${answer.split('\r\n')[0]}`));
                else resolve(performance.now() - started);
              });
              socket.write(requests[i]!);
            }),
        ),
      );
    };
    const slackBurst = (round: string) => burst(Array.from({ length: SLACK_BURST }, (_, i) => signed(round, i)));
    const baselineBurst = () =>
      burst(
        Array.from(
          { length: SLACK_BURST },
          () => `GET /api/meta HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nconnection: close\r\n\r\n`,
        ),
      );
    // The work after each ack (the inbound.process job) posts the wizard to the person's DM, then
    // marks the recorded request processed: a burst's work is done when both have happened.
    let commands = 0;
    db = new pgModule.Client({ connectionString: databaseUrl });
    await db.connect();
    const client = db;
    const unprocessed = async () =>
      Number(
        (
          await client.query<{ n: string }>(
            'SELECT count(*) AS n FROM inbound_events WHERE payload IS NOT NULL AND processed_at IS NULL AND failed_at IS NULL',
          )
        ).rows[0]?.n,
      );
    const workDone = async () => {
      const deadline = Date.now() + 120_000;
      while ((posted < commands || (await unprocessed()) > 0) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      return posted >= commands && (await unprocessed()) === 0;
    };
    // Warm up (JIT, caches, connection pools), each burst's work finished before the next.
    const warmups = 10;
    for (let w = 0; w < warmups; w++) {
      await slackBurst(`W${w}`);
      commands += SLACK_BURST;
      await workDone();
      await baselineBurst();
    }
    const pct = (list: number[], q: number) => {
      const sorted = [...list].sort((a, b) => a - b);
      return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! * 10) / 10;
    };
    const rounds = 5;
    const times: number[] = [];
    const baseline: number[] = [];
    const perBurst: string[] = [];
    let done = true;
    for (let m = 0; m < rounds; m++) {
      baseline.push(...(await baselineBurst()));
      const burstTimes = await slackBurst(`M${m}`);
      times.push(...burstTimes);
      perBurst.push(`${pct(burstTimes, 0.5)}/${pct(burstTimes, 0.99)}`);
      commands += SLACK_BURST;
      done = (await workDone()) && done;
    }
    const p50 = pct(times, 0.5);
    const p99 = pct(times, 0.99);
    console.log(
      `Slack /ticket ack, bursts of ${SLACK_BURST} (${rounds} bursts after ${warmups} warm-up): p50 ${p50} ms, ` +
        `p99 ${p99} ms, max ${pct(times, 1)} ms (target p99 < ${SLACK_ACK_LIMIT_MS} ms; p50/p99 by burst ` +
        `${perBurst.join(', ')}). Same bursts of GET ` +
        `/api/meta (the HTTP stack alone): p50 ${pct(baseline, 0.5)} ms, p99 ${pct(baseline, 0.99)} ms. ` +
        `Work after the ack ${done ? 'finished' : 'DID NOT FINISH'} for every command.`,
    );
    if (p99 > SLACK_ACK_LIMIT_MS || !done) process.exitCode = 1;
    return [
      {
        name: `Slack /ticket ack, burst of ${SLACK_BURST} concurrent signed requests (recorded before the answer; work after it in a job)`,
        p50Ms: p50,
        p99Ms: p99,
        throughput: Math.round((SLACK_BURST * 1000) / pct(times, 1)),
        unit: 'acks/s',
      },
    ];
  } finally {
    await db?.end();
    await server.stop();
    await new Promise((r) => standIn.close(r));
  }
}

/** A new, migrated database beside `url`'s, in the same server; its URL. */
async function freshDatabase(url: string, name: string): Promise<string> {
  const admin = new pgModule.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const fresh = new URL(url);
  fresh.pathname = `/${name}`;
  await runMigrations(fresh.toString(), silentLogger());
  return fresh.toString();
}

/** `BENCH_ONLY=slack`: only the Slack ack benchmark, on an empty migrated database. */
async function slackOnly(): Promise<void> {
  console.table(await withBenchDatabase(slackAckResults));
}

/** `BENCH_ONLY=password-reset`: "forgot password" for a known and an unknown address, on an empty migrated database. */
async function passwordResetOnly(): Promise<void> {
  console.table(await withBenchDatabase((url) => benchPasswordReset(url, serverFlags)));
}

async function slaOnly(): Promise<void> {
  console.table(await withBenchDatabase(slaSweepResults, seedScale));
}

async function main(): Promise<void> {
  let agentEmail = '';
  const seed = async (databaseUrl: string) => {
    const seedStarted = Date.now();
    ({ agentEmail } = await seedScale(databaseUrl));
    process.stderr.write(
      `seeded 1,000 users and 100,000 tickets in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s\n`,
    );
  };
  await withBenchDatabase((databaseUrl, postgresPid) => benchAll(databaseUrl, agentEmail, postgresPid), seed);
}

/**
 * Deskmate's settings for the HTTP rows: a session that outlives the run, and a requester create
 * limit the requester row cannot reach (it measures the check, not refusals).
 */
const CREATE_SERVER_ENV = { SESSION_TTL: '1 hour', TICKET_CREATE_LIMIT: '100000' };
/** A requester of the scale dataset (bench/seed.ts: users 13 and up). */
const REQUESTER_EMAIL = 'user13@bench.test';

/** `BENCH_ONLY=create`: the write path alone, on a freshly seeded database. */
async function createOnly(): Promise<void> {
  const tickets = Number(process.env.BENCH_TICKETS ?? 100_000);
  let agentEmail = '';
  const { results, problems, rss } = await withBenchDatabase(
    async (databaseUrl) => {
      const server = await startBenchServer(databaseUrl, serverFlags, CREATE_SERVER_ENV);
      try {
        if (profileStatements) await resetStatements(databaseUrl);
        const r = await createResults({
          url: server.url,
          databaseUrl,
          agentEmail,
          requesterEmail: REQUESTER_EMAIL,
          serverFlags,
        });
        if (profileStatements) console.table(await topStatements(databaseUrl));
        return { ...r, rss: await peakRssMb(server.child.pid!) };
      } finally {
        await server.stop();
      }
    },
    async (url) => ({ agentEmail } = await seedScale(url, { tickets })),
  );
  console.log(
    `\nCreate — ${machine()}; ${tickets.toLocaleString('en')} tickets seeded; ${durationSec} s per row after a 2 s warm-up\n`,
  );
  printTable(results);
  console.log(`Peak RSS of the Deskmate process: ${rss} MB`);
  if (problems.length) {
    console.log(`Goals not met:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  }
}

/** `BENCH_ONLY=pooler`: the scale-out rows alone, on a freshly seeded database. */
async function poolerOnly(): Promise<void> {
  let agentEmail = '';
  const results = await withBenchDatabase(
    (databaseUrl, postgresPid) => benchPooler({ databaseUrl, postgresPid, agentEmail, serverFlags, durationSec }),
    async (url) => ({ agentEmail } = await seedScale(url)),
  );
  console.log(`\nScale-out behind PgBouncer — ${machine()}; ${durationSec} s per run after a 2 s warm-up\n`);
  printTable(results);
}

const machine = () =>
  `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;

/** Every benchmark (or the HTTP ones with BENCH_ONLY=http) on the seeded database; the results file. */
async function benchAll(databaseUrl: string, agentEmail: string, postgresPid: number): Promise<void> {
  // The channel benchmarks run last, on their own copy of the seeded data (see bench/channels.ts).
  const channelsUrl = only === undefined ? await copyDatabase(databaseUrl, 'deskmate_channels') : undefined;
  const server = await startBenchServer(databaseUrl, serverFlags, CREATE_SERVER_ENV);
  const { url, child } = server;
  const results: Result[] = [];
  try {
    const ctx: BenchContext = { url, agentCookie: await login(url, agentEmail) };
    process.stderr.write(`Deskmate started: RSS ${await peakRssMb(child.pid!)} MB\n`);
    for (const b of benchmarks) {
      process.stderr.write(`running ${b.name}…\n`);
      const r = await b.run(ctx);
      process.stderr.write(
        `  p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ${r.throughput} ${r.unit}; peak RSS so far ${await peakRssMb(child.pid!)} MB\n`,
      );
      results.push(r);
    }
    const created = await createResults({ url, databaseUrl, agentEmail, requesterEmail: REQUESTER_EMAIL, serverFlags });
    results.push(...created.results);
    if (created.problems.length) {
      process.stderr.write(`create goals not met:\n  ${created.problems.join('\n  ')}\n`);
      process.exitCode = 1;
    }
    const rss = await peakRssMb(child.pid!);
    // The sweep is timed with the server stopped, so that its own recurring sweep cannot interfere.
    await server.stop();
    if (only !== 'http') {
      results.push(...(await slaSweepResults(databaseUrl)));
      // On a database of its own: the sweep above leaves thousands of escalation emails to send,
      // and this benchmark is about acks, not about that backlog.
      results.push(...(await slackAckResults(await freshDatabase(databaseUrl, 'deskmate_slack'))));
      results.push(...(await benchPasswordReset(await freshDatabase(databaseUrl, 'deskmate_reset'), serverFlags)));
      results.push(...kbResults());
      if (channelsUrl) results.push(...(await channelResults(channelsUrl, channelBenchmarks, serverFlags)));
      results.push(...(await benchPooler({ databaseUrl, postgresPid, agentEmail, serverFlags, durationSec })));
    }
    console.log(
      `\nDeskmate benchmarks — ${machine()}; HTTP rows: ${durationSec} s after a 2 s warm-up, 10 connections (closed loop) unless the row says otherwise; the other rows print their method above\n`,
    );
    printTable(results);
    console.log(`Peak RSS of the Deskmate process: ${rss} MB (limit 250 MB)`);
    await mkdir(join(repoRoot, 'bench', 'results'), { recursive: true });
    const file = join(repoRoot, 'bench', 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    await writeFile(
      file,
      JSON.stringify(
        { at: new Date().toISOString(), machine: machine(), durationSec, peakRssMb: rss, results },
        null,
        2,
      ),
    );
    console.log(`Written to ${file}`);
    if (rss > 250) process.exitCode = 1;
  } finally {
    await server.stop();
  }
}

/** `BENCH_ONLY=sse|teams|email`: that channel benchmark alone, on a freshly seeded database. */
async function channelOnly(name: (typeof channelBenchmarks)[number]): Promise<void> {
  console.table(await withBenchDatabase((url) => channelResults(url, [name], serverFlags), seedScale));
}

await (only === 'sla'
  ? slaOnly()
  : only === 'pooler'
    ? poolerOnly()
    : only === 'create'
      ? createOnly()
      : only === 'slack'
        ? slackOnly()
        : only === 'password-reset'
          ? passwordResetOnly()
          : isChannelBenchmark(only)
            ? channelOnly(only)
            : main());
