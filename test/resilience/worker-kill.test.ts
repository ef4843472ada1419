/**
 * A worker killed with SIGKILL while it sends notification email: the deliveries it claimed stay
 * claimed in the database, a new worker takes them over once the claims are JOBS_LOCK_LIFETIME
 * old, and every email reaches the SMTP relay exactly once.
 *
 * The kill lands while the relay holds its answer to every message in flight, so none of them
 * was accepted: they must be sent again, and everything accepted before must not be. (A kill in
 * the instant between the relay's "250 OK" and the delivery's commit would repeat that one email
 * with the same Message-ID — SMTP cannot be exactly-once there; receivers deduplicate on it.)
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../api/src/index.js';
import { startSmtpCapture, until, type SmtpCapture } from '../../api/src/test/email.js';
import { freePort, spawnDeskmate, waitForHealthy, type DeskmateProcess } from '../process.js';

const TICKETS = 150;
/**
 * Sends in flight at the kill. A worker has up to 10 emails at once with the relay
 * (SMTP_CONCURRENCY in api/src/email/transport.ts); a few of those may be other channels' or wait.
 */
const IN_FLIGHT_AT_KILL = 5;
const REQUESTER = 'alice@deskmate.local';

let base: string;
let db: EmbeddedPostgresHandle;
let smtp: SmtpCapture;
let client: pg.Client;
let api: DeskmateProcess;
let apiUrl: string;
const processes: DeskmateProcess[] = [];

async function startWorker(): Promise<DeskmateProcess> {
  const port = await freePort();
  const worker = spawnDeskmate(
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      DESKMATE_API_URL: apiUrl,
      LOG_LEVEL: 'error',
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Deskmate IT <support@desk.test>',
      JOBS_PROCESS_EVERY: '200ms',
      OUTBOX_POLL_INTERVAL: '500ms',
      // How long the dead worker's claims stay its own: short here, one minute by default.
      JOBS_LOCK_LIFETIME: '2s',
    },
    ['--role', 'worker'],
  );
  processes.push(worker);
  await waitForHealthy(`http://127.0.0.1:${port}`, 60_000, worker);
  return worker;
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'dm-res-'));
  await chmod(base, 0o755);
  db = await startEmbeddedPostgres({ dataDir: join(base, 'pg'), logger: silentLogger(), fast: true });
  smtp = await startSmtpCapture();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  api = spawnDeskmate(
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: db.url,
      DESKMATE_DEMO: 'true',
      LOG_LEVEL: 'error',
      TICKET_CREATE_LIMIT: String(TICKETS),
    },
    ['--role', 'api'],
  );
  processes.push(api);
  await waitForHealthy(apiUrl, 60_000, api);
});

afterAll(async () => {
  smtp?.release();
  for (const p of processes) {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
    await p.exited;
  }
  await client?.end();
  await smtp?.close();
  await db?.stop();
  await rm(base, { recursive: true, force: true });
});

async function login(email: string): Promise<string> {
  const res = await fetch(`${apiUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'deskmate-demo' }),
  });
  expect(res.status).toBe(200);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}

async function count(query: string, params: unknown[] = []): Promise<number> {
  const { rows } = await client.query<{ n: number }>(query, params);
  return Number(rows[0]!.n);
}

const messageId = (header: string | null) => /<([^>]+)>/.exec(header ?? '')?.[1] ?? '';

describe('a worker killed with SIGKILL while it sends email', () => {
  it('leaves nothing unsent and sends nothing twice once another worker starts', async () => {
    const cookie = await login(REQUESTER);
    const keys: string[] = [];
    let next = 0;
    const create = async () => {
      while (next < TICKETS) {
        const n = next++;
        const res = await fetch(`${apiUrl}/api/tickets`, {
          method: 'POST',
          headers: { cookie, origin: apiUrl, 'content-type': 'application/json' },
          body: JSON.stringify({ title: `Printer on floor ${n} jams`, description: `Ticket ${n} of the kill test.` }),
        });
        expect(res.status).toBe(201);
        keys.push(((await res.json()) as { ticket: { key: string } }).ticket.key);
      }
    };
    // The notifications wait in the outbox until a worker starts.
    await Promise.all(Array.from({ length: 4 }, create));
    const first = await startWorker();
    // Some email goes out; then the relay stops answering, and every send of the worker waits
    // for its "250 OK" when the worker is killed.
    await until(() => smtp.mails.length >= 30, 60_000, '30 emails before the kill');
    smtp.hold();
    // Killed when sends are in flight and every message the relay accepted is recorded as sent:
    // no send sits between the relay's answer and its commit.
    let seen = '';
    await until(
      async () => {
        const sent = await count(`SELECT count(*) AS n FROM deliveries WHERE channel = 'email' AND status = 'sent'`);
        seen = `${JSON.stringify(smtp.held())} in flight, ${smtp.mails.length} accepted, ${sent} recorded as sent`;
        return smtp.held().waiting >= IN_FLIGHT_AT_KILL && sent === smtp.mails.length;
      },
      30_000,
      'sends in flight, the accepted ones committed',
    ).catch((err: Error) => {
      throw new Error(`${err.message}: ${seen}`);
    });
    const acceptedBeforeKill = smtp.mails.length;
    first.child.kill('SIGKILL');
    await first.exited;
    const inFlight = smtp.held().waiting;
    await until(() => smtp.held().hungUp === inFlight, 10_000, 'the relay sees the connections close');
    expect(smtp.release()).toEqual({ accepted: 0, dropped: inFlight });
    expect(smtp.mails.length).toBe(acceptedBeforeKill);

    // What the dead worker left: email deliveries still claimed by its runs, not sent.
    const claimedRuns = await client.query<{ run_id: string }>(
      `SELECT DISTINCT run_id FROM deliveries WHERE channel = 'email' AND status = 'pending' AND run_id IS NOT NULL`,
    );
    const deadRuns = claimedRuns.rows.map((r) => r.run_id);
    const lockedQuery = `SELECT count(*) AS n FROM deliveries
       WHERE channel = 'email' AND status = 'pending' AND run_id = ANY($1::uuid[])`;
    const lockedByDead = await count(lockedQuery, [deadRuns]);
    expect(lockedByDead).toBeGreaterThanOrEqual(inFlight);
    const pendingAtKill = await count(
      `SELECT count(*) AS n FROM deliveries WHERE channel = 'email' AND status = 'pending'`,
    );
    expect(pendingAtKill).toBeGreaterThanOrEqual(inFlight);

    const restartedAt = Date.now();
    await startWorker();
    const bootedInMs = Date.now() - restartedAt;
    const planned = async () => count(`SELECT count(*) AS n FROM email_message_ids WHERE direction = 'out'`);
    await until(
      async () =>
        (await count(
          `SELECT (SELECT count(*) FROM outbox WHERE status = 'pending' AND next_attempt_at <= now())
                + (SELECT count(*) FROM deliveries WHERE channel = 'email' AND status = 'pending') AS n`,
        )) === 0 && smtp.mails.length >= (await planned()),
      60_000,
      'every delivery done after the restart',
    );
    const recoveredInMs = Date.now() - restartedAt;
    // The new worker took over every delivery the dead one had claimed.
    expect(await count(lockedQuery, [deadRuns])).toBe(0);

    // Every email that was planned arrived, and none twice.
    const arrived = new Map<string, number>();
    for (const mail of smtp.mails) {
      const id = messageId(mail.header('Message-ID'));
      arrived.set(id, (arrived.get(id) ?? 0) + 1);
    }
    const twice = [...arrived].filter(([, n]) => n > 1).map(([id]) => id);
    expect(twice).toEqual([]);
    const { rows } = await client.query<{ message_id: string }>(
      `SELECT message_id FROM email_message_ids WHERE direction = 'out'`,
    );
    expect(new Set(arrived.keys())).toEqual(new Set(rows.map((r) => r.message_id)));
    expect(await count(`SELECT count(*) AS n FROM deliveries WHERE channel = 'email' AND status <> 'sent'`)).toBe(0);
    // Each ticket was confirmed to its requester exactly once.
    expect(keys).toHaveLength(TICKETS);
    for (const key of keys) {
      expect(smtp.to(REQUESTER).filter((m) => m.parsed.subject?.startsWith(`[${key}]`)).length, key).toBe(1);
    }
    console.log(
      `worker kill: ${smtp.mails.length} emails, ${acceptedBeforeKill} before the kill, ${inFlight} in flight ` +
        `dropped, ${lockedByDead} deliveries claimed by the dead worker; the new worker booted in ${bootedInMs} ms, ` +
        `all sent once ${recoveredInMs} ms after the restart`,
    );
  });
});
