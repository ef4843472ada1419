/**
 * "Forgot password" for a known and an unknown address, timed over HTTP against a Deskmate
 * process: the answer must not tell them apart (issue #16). 50 requests of each, one at a time,
 * alternating which case goes first, after 10 of each to warm up. Each request waits until the work
 * after the answer (the auth.password-reset-mail job) has finished before the next is sent, so one
 * case's job never slows the other case's answer. Every answer is checked (202, the same body), and
 * so is the end: mails for the known account (within its limit of 3 an hour) and none for the others.
 */
import pg from 'pg';
import { BenchCheckFailed, pct, sleep, type BenchResult } from './measure.js';
import { median } from './sla-sweep.js';
import { startBenchServer } from './server.js';

const REQUESTS = 50;
const WARMUP = 10;
const KNOWN = 'known.person@bench.test';
const unknownAddress = (i: number) => `nobody.${String(i).padStart(4, '0')}@bench.test`;

export async function benchPasswordReset(databaseUrl: string, serverFlags: string[]): Promise<BenchResult[]> {
  process.stderr.write(`running password reset, known vs unknown address (${REQUESTS} of each)…\n`);
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const server = await startBenchServer(databaseUrl, serverFlags);
  const problems: string[] = [];
  try {
    await db.query(`INSERT INTO users (email, name, role) VALUES ($1, 'Known Person', 'requester')`, [KNOWN]);
    const pendingJobs = async () =>
      Number(
        (
          await db.query<{ n: string }>(
            `SELECT count(*) AS n FROM agenda_jobs WHERE name = 'auth.password-reset-mail'
               AND (last_finished_at IS NULL OR next_run_at IS NOT NULL)`,
          )
        ).rows[0]?.n,
      );
    const settle = async () => {
      const deadline = Date.now() + 30_000;
      while ((await pendingJobs()) > 0) {
        if (Date.now() > deadline) throw new Error('password reset: the jobs after the answers did not finish');
        await sleep(5);
      }
    };
    let firstBody: string | undefined;
    const forgot = async (email: string): Promise<number> => {
      const started = performance.now();
      const res = await fetch(`${server.url}/api/auth/password/forgot`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: server.url },
        body: JSON.stringify({ email }),
      });
      const body = await res.text();
      const ms = performance.now() - started;
      firstBody ??= body;
      if (res.status !== 202 || body !== firstBody) problems.push(`${email}: ${res.status} ${body}`);
      await settle();
      return ms;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < WARMUP + REQUESTS; i++) {
      const pair =
        i % 2 === 0
          ? [await forgot(KNOWN), await forgot(unknownAddress(i))]
          : [await forgot(unknownAddress(i)), await forgot(KNOWN)].reverse();
      if (i < WARMUP) continue;
      known.push(pair[0]!);
      unknown.push(pair[1]!);
    }
    const mails = async (where: string, param: string) =>
      Number(
        (await db.query<{ n: string }>(`SELECT count(*) AS n FROM mail_messages WHERE ${where}`, [param])).rows[0]?.n,
      );
    const knownMails = await mails(`"to" = $1 AND kind = 'password_reset'`, KNOWN);
    const otherMails = await mails(`"to" <> $1`, KNOWN);
    if (knownMails !== 3) problems.push(`known address: ${knownMails} reset mails, expected 3 (the hourly limit)`);
    if (otherMails !== 0) problems.push(`unknown addresses: ${otherMails} mails, expected none`);
    if (problems.length) throw new BenchCheckFailed('password reset', problems);

    const k = median(known);
    const u = median(unknown);
    console.log(
      `POST /api/auth/password/forgot, ${REQUESTS} of each after ${WARMUP} warm-up, one at a time: median ` +
        `${k.toFixed(2)} ms for a known address, ${u.toFixed(2)} ms for an unknown one ` +
        `(difference ${(k - u).toFixed(2)} ms; p99 ${pct(known, 0.99)} / ${pct(unknown, 0.99)} ms); ` +
        `the job after the answer mailed the known account ${knownMails} times (its hourly limit) and no one else.`,
    );
    const row = (label: string, times: number[]): BenchResult => ({
      name: `POST /api/auth/password/forgot, ${label} address (median of ${REQUESTS}, one at a time)`,
      p50Ms: Math.round(median(times) * 100) / 100,
      p99Ms: pct(times, 0.99),
      throughput: Math.round(1000 / median(times)),
      unit: 'req/s (sequential)',
    });
    return [row('known', known), row('unknown', unknown)];
  } finally {
    await server.stop();
    await db.end();
  }
}
