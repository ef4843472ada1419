/**
 * A burst of 1,000 signed Slack events at a real Deskmate process: 600 🎫 reactions on 600
 * different messages, and 400 retries of them (the same event_id again, with X-Slack-Retry-Num
 * and X-Slack-Retry-Reason), interleaved as Slack sends them when acks are slow. Slack's Web API
 * is a local stand-in. Every request is acked, each message becomes exactly one ticket for its
 * author with one answer in its thread, and no retry opens another. Then a crash right after the
 * acks: the requests Slack was told were accepted are acted on, once, after a restart.
 */
import { createHmac } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../api/src/index.js';
import { until } from '../../api/src/test/email.js';
import { freePort, spawnDeskmate, waitForHealthy, type DeskmateProcess } from '../process.js';

const SIGNING_SECRET = 'burst-signing-secret-0123456789abcdef';
const MESSAGES = 600;
const RETRIES = 400;
/** Retries go out while this many requests are in flight (Slack's side of the burst). */
const IN_FLIGHT = 25;
const AUTHORS = 60;
const CHANNELS = ['C0BURST01', 'C0BURST02', 'C0BURST03', 'C0BURST04'];

interface Message {
  channel: string;
  ts: string;
  author: string;
  text: string;
}

const messages: Message[] = Array.from({ length: MESSAGES }, (_, i) => ({
  channel: CHANNELS[i % CHANNELS.length]!,
  ts: `1700001000.${String(i).padStart(6, '0')}`,
  author: `U0AUTHOR${i % AUTHORS}`,
  text: `The badge reader at door ${i} rejects my card (burst-${i})`,
}));
const byKey = new Map(messages.map((m) => [`${m.channel}:${m.ts}`, m]));
const emailOf = (slackUser: string) => `${slackUser.toLowerCase()}@burst.test`;

/** Slack's Web API as far as Deskmate calls it, recording what it was asked. */
class SlackStandIn {
  readonly calls: { method: string; body: URLSearchParams }[] = [];
  private ts = 0;
  private server: Server | undefined;
  /** users.info answers held back (a Slack slow to answer), while `holding`. */
  holding = false;
  private held: (() => void)[] = [];

  /** Answer what was held (to whoever is still connected) and stop holding. */
  release(): void {
    this.holding = false;
    for (const answer of this.held.splice(0)) answer();
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString()));
      req.on('end', () => {
        const method = req.url?.split('?')[0]?.split('/').pop() ?? '';
        const body = new URLSearchParams(raw);
        this.calls.push({ method, body });
        const answer = () =>
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.answer(method, body)));
        if (this.holding && method === 'users.info') this.held.push(answer);
        else answer();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
  }

  of(method: string) {
    return this.calls.filter((c) => c.method === method).map((c) => c.body);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private answer(method: string, body: URLSearchParams): Record<string, unknown> {
    const channel = body.get('channel') ?? '';
    switch (method) {
      case 'users.info': {
        const id = body.get('user') ?? '';
        return {
          ok: true,
          user: { id, team_id: 'T0BURST', name: id, real_name: `Person ${id}`, profile: { email: emailOf(id) } },
        };
      }
      case 'conversations.history': {
        const m = byKey.get(`${channel}:${body.get('latest')}`);
        return { ok: true, messages: m ? [{ type: 'message', ts: m.ts, user: m.author, text: m.text }] : [] };
      }
      case 'conversations.replies':
        return { ok: true, messages: [] };
      case 'chat.getPermalink':
        return { ok: true, permalink: `https://burst.slack.test/archives/${channel}/p${body.get('message_ts')}` };
      case 'conversations.open':
        return { ok: true, channel: { id: `D${(body.get('users') ?? 'U0').slice(1)}` } };
      case 'chat.postMessage':
        return { ok: true, channel, ts: `1700009000.${String(++this.ts).padStart(6, '0')}` };
      case 'chat.update':
        return { ok: true, channel, ts: body.get('ts') };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `1700009000.${String(++this.ts).padStart(6, '0')}` };
      default:
        return { ok: true };
    }
  }
}

let base: string;
let db: EmbeddedPostgresHandle;
let client: pg.Client;
let deskmate: DeskmateProcess;
let url: string;
let slackApiUrl: string;
const slack = new SlackStandIn();

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'dm-res-'));
  await chmod(base, 0o755);
  db = await startEmbeddedPostgres({ dataDir: join(base, 'pg'), logger: silentLogger(), fast: true });
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  slackApiUrl = await slack.start();
  await startDeskmate();
});

async function startDeskmate(): Promise<void> {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  deskmate = spawnDeskmate({
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    LOG_LEVEL: 'error',
    SLACK_BOT_TOKEN: 'xoxb-burst',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slackApiUrl,
    JOBS_PROCESS_EVERY: '200ms',
    // How long a dead process's jobs stay locked: short here, one minute by default.
    JOBS_LOCK_LIFETIME: '2s',
  });
  await waitForHealthy(url, 60_000, deskmate);
}

afterAll(async () => {
  if (deskmate && deskmate.child.exitCode === null) deskmate.child.kill('SIGTERM');
  await deskmate?.exited;
  await client?.end();
  await slack.stop();
  await db?.stop();
  await rm(base, { recursive: true, force: true });
});

function eventBody(m: Message, i: number): string {
  return JSON.stringify({
    token: 'legacy',
    team_id: 'T0BURST',
    api_app_id: 'A0DESKMATE',
    type: 'event_callback',
    event_id: `Ev0BURST${i}`,
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: 'reaction_added',
      user: `U0REACTOR${i % 7}`,
      reaction: 'ticket',
      item_user: m.author,
      item: { type: 'message', channel: m.channel, ts: m.ts },
      event_ts: `1700002000.${String(i).padStart(6, '0')}`,
    },
  });
}

async function post(
  body: string,
  retry: number,
  contentType = 'application/json',
): Promise<{ status: number; ms: number; text: string }> {
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  const started = performance.now();
  const res = await fetch(`${url}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature,
      ...(retry ? { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_timeout' } : {}),
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, ms: performance.now() - started, text };
}

/** The burst's events in the inbox: recorded (once per event_id), and acted on. */
async function inbox(): Promise<{ recorded: number; processed: number; failed: number }> {
  const { rows } = await client.query<{ recorded: string; processed: string; failed: string }>(
    `SELECT count(*) AS recorded, count(processed_at) AS processed, count(failed_at) AS failed
     FROM inbound_events WHERE provider = 'slack' AND provider_event_id LIKE 'event:Ev0BURST%'`,
  );
  return {
    recorded: Number(rows[0]!.recorded),
    processed: Number(rows[0]!.processed),
    failed: Number(rows[0]!.failed),
  };
}

describe('a burst of 1,000 Slack events with retries', () => {
  it('acks every one, opens one ticket per reacted message, and none for the retries', async () => {
    // Originals in order; the first 200 messages are retried twice, the first retry going out
    // 5 originals later and the second 10 later, so retries race the originals they repeat.
    const requests: { body: string; retry: number }[] = [];
    const retried = RETRIES / 2;
    for (let i = 0; i < MESSAGES; i++) {
      requests.push({ body: eventBody(messages[i]!, i), retry: 0 });
      for (const [lag, retry] of [
        [5, 1],
        [10, 2],
      ] as const) {
        const j = i - lag;
        if (j >= 0 && j < retried) requests.push({ body: eventBody(messages[j]!, j), retry });
      }
    }
    expect(requests).toHaveLength(MESSAGES + RETRIES);

    const answers: { status: number; ms: number }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < requests.length) {
          const r = requests[next++]!;
          answers.push(await post(r.body, r.retry));
        }
      }),
    );
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    const slowest = Math.max(...answers.map((a) => a.ms));
    // Slack retries an event that is not acked within 3 seconds.
    expect(slowest).toBeLessThan(3000);

    // Done when every event was acted on and every message's thread was answered.
    const threadReplies = () =>
      slack.of('chat.postMessage').filter((b) => b.get('thread_ts') && b.get('channel')?.startsWith('C'));
    await until(
      async () => (await inbox()).processed >= MESSAGES && threadReplies().length >= MESSAGES,
      120_000,
      'every event handled',
    );
    // Each event_id was recorded once, retries or not, and none failed.
    expect(await inbox()).toEqual({ recorded: MESSAGES, processed: MESSAGES, failed: 0 });

    const { rows } = await client.query<{ description: string; email: string; key: string }>(
      `SELECT t.key, t.description, u.email FROM tickets t JOIN users u ON u.id = t.requester_id
       WHERE t.description LIKE '%(burst-%'`,
    );
    expect(rows).toHaveLength(MESSAGES);
    const ticketsOf = new Map<number, { email: string; key: string }[]>();
    for (const row of rows) {
      const i = Number(/\(burst-(\d+)\)/.exec(row.description)?.[1]);
      ticketsOf.set(i, [...(ticketsOf.get(i) ?? []), row]);
    }
    for (const [i, m] of messages.entries()) {
      const tickets = ticketsOf.get(i) ?? [];
      expect(tickets.length, `message ${i}`).toBe(1);
      expect(tickets[0]!.email).toBe(emailOf(m.author));
    }
    // One answer in each message's thread, naming its ticket; nobody was told it failed.
    const replies = new Map<string, string[]>();
    for (const b of threadReplies()) {
      const k = `${b.get('channel')}:${b.get('thread_ts')}`;
      replies.set(k, [...(replies.get(k) ?? []), b.get('text') ?? '']);
    }
    expect(replies.size).toBe(MESSAGES);
    for (const [i, m] of messages.entries()) {
      const texts = replies.get(`${m.channel}:${m.ts}`) ?? [];
      expect(texts.length, `thread of message ${i}`).toBe(1);
      expect(texts[0]).toContain(`*${ticketsOf.get(i)![0]!.key}*`);
    }
    expect(slack.of('chat.postEphemeral')).toEqual([]);
    const sorted = answers.map((a) => a.ms).sort((a, b) => a - b);
    console.log(
      `slack burst: ${answers.length} events acked (p50 ${Math.round(sorted[sorted.length >> 1]!)} ms, ` +
        `max ${Math.round(slowest)} ms), ${rows.length} tickets`,
    );
  });
});

describe('a crash after the ack', () => {
  it('loses nothing: requests answered before a SIGKILL are acted on, once, after the restart', async () => {
    const PEOPLE = 40;
    const person = (i: number) => `U0CRASH${i}`;
    const dmOf = (i: number) => `D0CRASH${i}`;
    const wizardPosts = (i: number) => slack.of('chat.postMessage').filter((b) => b.get('channel') === dmOf(i));
    // Slack holds its answers to users.info: the work after each ack starts and cannot finish.
    slack.holding = true;
    const answers = await Promise.all(
      Array.from({ length: PEOPLE }, (_, i) =>
        post(
          new URLSearchParams({
            command: '/ticket',
            text: `My laptop will not charge (crash-${i})`,
            user_id: person(i),
            channel_id: 'C0CRASH',
            team_id: 'T0BURST',
            trigger_id: `crash.${i}`,
          }).toString(),
          0,
          'application/x-www-form-urlencoded',
        ),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: PEOPLE }, () => 200));
    expect(JSON.parse(answers[0]!.text)).toMatchObject({ response_type: 'ephemeral' });
    await until(() => slack.of('users.info').some((b) => b.get('user')?.startsWith('U0CRASH')), 15_000, 'work started');

    deskmate.child.kill('SIGKILL');
    await deskmate.exited;
    const { rows: waiting } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM inbound_events WHERE provider_event_id LIKE 'command:crash.%' AND processed_at IS NULL`,
    );
    expect(Number(waiting[0]!.n)).toBe(PEOPLE);
    expect(Array.from({ length: PEOPLE }, (_, i) => wizardPosts(i).length)).toEqual(
      Array.from({ length: PEOPLE }, () => 0),
    );

    slack.release();
    await startDeskmate();
    await until(
      () => Array.from({ length: PEOPLE }, (_, i) => i).every((i) => wizardPosts(i).length > 0),
      60_000,
      'every wizard posted after the restart',
    );
    const { rows: done } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM inbound_events WHERE provider_event_id LIKE 'command:crash.%' AND processed_at IS NOT NULL`,
    );
    expect(Number(done[0]!.n)).toBe(PEOPLE);
    // Exactly one wizard in each person's DM, with the text they typed.
    for (let i = 0; i < PEOPLE; i++) {
      expect(wizardPosts(i), person(i)).toHaveLength(1);
    }
    const { rows: sessions } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM chat_sessions WHERE conversation LIKE 'D0CRASH%'`,
    );
    expect(Number(sessions[0]!.n)).toBe(PEOPLE);
  });
});
