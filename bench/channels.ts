/**
 * The channel benchmarks — SSE fan-out, inbound email, Teams activities — on a Deskmate process of
 * their own, started with what they need (the inbound email secret, new tickets from an allowed
 * domain, Teams in Emulator mode) on a copy of the seeded database. Their own process and database
 * keep them out of the other benchmarks' way: the tickets and replies they create, the Teams SDK
 * loaded into the heap and 200 open streams change neither the SLA sweep's input nor the peak RSS
 * that bench/run.ts reports for the API benchmarks.
 */
import { readFile } from 'node:fs/promises';
import pgModule from 'pg';
import { benchInboundEmail, SENDER_DOMAIN } from './email-inbound.js';
import { login, startBenchServer } from './server.js';
import { sleep, type BenchResult } from './measure.js';
import { benchSseFanOut } from './sse-fanout.js';
import { benchTeams } from './teams-activities.js';

export const channelBenchmarks = ['sse', 'email', 'teams'] as const;
export type ChannelBenchmark = (typeof channelBenchmarks)[number];
export const isChannelBenchmark = (name: string | undefined): name is ChannelBenchmark =>
  (channelBenchmarks as readonly string[]).includes(name ?? '');

const INBOUND_SECRET = 'bench-inbound-secret-0123456789abcdef';
const REPLY_SECRET = 'bench-reply-secret-0123456789abcdef0123456789';

/**
 * A copy of `url`'s database in the same cluster (CREATE DATABASE … TEMPLATE), its URL. Nothing may
 * be connected to the source meanwhile. FILE_COPY checkpoints before returning, so the copy leaves
 * no writes behind to compete with what runs next.
 */
export async function copyDatabase(url: string, name: string): Promise<string> {
  const source = new URL(url);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pgModule.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name}`);
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${name} TEMPLATE ${source.pathname.slice(1)} STRATEGY FILE_COPY`);
        break;
      } catch (err) {
        // An autovacuum worker on the freshly seeded source: wait for it.
        if (attempt >= 5 || !/being accessed by other users/.test((err as Error).message)) throw err;
        await sleep(1000);
      }
    }
  } finally {
    await client.end();
  }
  const copy = new URL(url);
  copy.pathname = `/${name}`;
  return copy.toString();
}

/**
 * Wait until the outgoing work a benchmark caused (outbox rows, deliveries: notifications by email
 * and chat) is done, so that it does not run during the next one.
 */
async function settle(databaseUrl: string, after: string): Promise<void> {
  const client = new pgModule.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const started = Date.now();
    for (;;) {
      const { rows } = await client.query<{ outbox: number; deliveries: number }>(
        `SELECT (SELECT count(*) FROM outbox WHERE status = 'pending')::int AS outbox,
                (SELECT count(*) FROM deliveries WHERE status = 'pending')::int AS deliveries`,
      );
      const left = rows[0]!;
      if (left.outbox + left.deliveries === 0) {
        process.stderr.write(`  work left by ${after} done after ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
        return;
      }
      if (Date.now() - started > 90_000) {
        process.stderr.write(
          `  work left by ${after} not done after 90 s (${left.outbox} outbox rows, ${left.deliveries} deliveries pending); going on\n`,
        );
        return;
      }
      await sleep(250);
    }
  } finally {
    await client.end();
  }
}

async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** Start Deskmate on `databaseUrl` (seeded by seedScale) and run the chosen channel benchmarks, in order. */
export async function channelResults(
  databaseUrl: string,
  which: readonly ChannelBenchmark[],
  serverFlags: string[],
): Promise<BenchResult[]> {
  const server = await startBenchServer(databaseUrl, serverFlags, {
    SESSION_TTL: '1 hour',
    EMAIL_INBOUND_SECRET: INBOUND_SECRET,
    EMAIL_REPLY_SECRET: REPLY_SECRET,
    EMAIL_CREATE_TICKETS: 'anyone',
    EMAIL_SENDER_DOMAINS: SENDER_DOMAIN,
    // Emulator mode: the endpoint takes activities from this machine and sends to loopback only.
    MICROSOFT_APP_ID: '',
    MICROSOFT_APP_PASSWORD: '',
  });
  const { url, child } = server;
  const results: BenchResult[] = [];
  try {
    process.stderr.write(`Deskmate for the channel benchmarks started: RSS ${await peakRssMb(child.pid!)} MB\n`);
    for (const name of which) {
      if (name === 'sse') {
        // The desk's agents and admins (user1-2 admins, user3-12 agents), who all see its tickets.
        const viewers = await Promise.all(Array.from({ length: 12 }, (_, i) => login(url, `user${i + 1}@bench.test`)));
        results.push(
          ...(await benchSseFanOut({ url, databaseUrl, viewerCookies: viewers, changerCookie: viewers[2]! })),
        );
      } else if (name === 'email') {
        results.push(
          ...(await benchInboundEmail({ url, databaseUrl, inboundSecret: INBOUND_SECRET, replySecret: REPLY_SECRET })),
        );
      } else {
        results.push(...(await benchTeams({ url })));
      }
      process.stderr.write(`  peak RSS of this Deskmate process so far ${await peakRssMb(child.pid!)} MB\n`);
      if (name !== which.at(-1)) await settle(databaseUrl, name);
    }
    console.log(`Peak RSS of the channel benchmarks' Deskmate process: ${await peakRssMb(child.pid!)} MB`);
    return results;
  } finally {
    await server.stop();
  }
}
