import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, dropDatabase, type TestDatabase } from '../api/src/test/db.js';
import { freePort, spawnDeskmate, waitForHealthy, type DeskmateProcess } from './process.js';

const SECRET = 'cli-signing-secret-0123456789abcdef';
const running: DeskmateProcess[] = [];
let database: TestDatabase;
let slack: Server;
let slackUrl: string;
/** The Slack Web API methods the processes called, with the channel they named. */
const webCalls: { method: string; channel: string }[] = [];

/** A Slack Web API stand-in on a local port (the processes are separate: nock cannot reach them). */
function startSlack(): Promise<Server> {
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '');
      const body = new URLSearchParams(raw);
      webCalls.push({ method, channel: body.get('channel') ?? '' });
      const answer =
        method === 'users.info'
          ? { ok: true, user: { id: body.get('user'), team_id: 'T0CLI', profile: { email: 'cli.dm@example.test' } } }
          : method === 'conversations.open'
            ? { ok: true, channel: { id: 'D0CLIDM' } }
            : { ok: true, channel: body.get('channel'), ts: `1700000000.${String(webCalls.length).padStart(6, '0')}` };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A DM to the bot, signed as Slack signs it, on a process's Slack endpoint. */
async function dm(baseUrl: string, text: string): Promise<number> {
  const body = JSON.stringify({
    token: 'legacy',
    team_id: 'T0CLI',
    api_app_id: 'A0CLI',
    type: 'event_callback',
    event_id: `Ev${Date.now()}${Math.random().toString(36).slice(2, 8)}`,
    event_time: Math.floor(Date.now() / 1000),
    event: {
      type: 'message',
      channel: 'D0CLIDM',
      channel_type: 'im',
      user: 'U0CLIDM',
      text,
      ts: `${Date.now() / 1000}`,
    },
  });
  const ts = Math.floor(Date.now() / 1000);
  const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  const res = await fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': signature,
    },
    body,
  });
  return res.status;
}

/** The API calls a process logged: over HTTP (the request log) or in process. */
function apiCalls(p: DeskmateProcess): { msg: string; inProcess: boolean }[] {
  return p
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg?: string; inProcess?: boolean })
    .filter((l) => /^(GET|POST|PUT|PATCH|DELETE) \/api\//.test(l.msg ?? ''))
    .map((l) => ({ msg: (l.msg ?? '').replace(/ \d+ ms$/, ''), inProcess: l.inProcess === true }));
}

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const env = () => ({
  DATABASE_URL: database.url,
  HOST: '127.0.0.1',
  DESKMATE_DEMO: 'false',
  SLACK_BOT_TOKEN: 'xoxb-cli',
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_API_URL: `${slackUrl}/api/`,
  JOBS_PROCESS_EVERY: '100ms',
});

beforeAll(async () => {
  database = await createTestDatabase();
  slack = await startSlack();
  slackUrl = `http://127.0.0.1:${(slack.address() as { port: number }).port}`;
});
afterAll(async () => {
  for (const p of running) {
    if (p.child.exitCode === null) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
  }
  slack.close();
  await database.close();
  await dropDatabase(database.name);
});

describe('the deskmate command', () => {
  let all: DeskmateProcess;
  let allUrl: string;

  it('in one process (--role all), a Slack DM reaches the API in process: no API request over HTTP', async () => {
    const port = await freePort();
    allUrl = `http://127.0.0.1:${port}`;
    all = spawnDeskmate({ ...env(), PORT: String(port) });
    running.push(all);
    await waitForHealthy(allUrl, 30_000, all);
    expect(await dm(allUrl, 'My headset crackles in every call')).toBe(200);
    // The wizard answers in the DM once the job has acted on the recorded message.
    await until(() => webCalls.some((c) => c.method === 'chat.postMessage' && c.channel === 'D0CLIDM'));
    const calls = apiCalls(all);
    expect(calls.map((c) => c.msg)).toEqual(
      expect.arrayContaining(['POST /api/integrations/inbox 200', 'POST /api/integrations/identities 200']),
    );
    expect(calls.filter((c) => !c.inProcess)).toEqual([]);
  });

  it('a split bot process (--role bot, DESKMATE_API_URL) records the same DM over HTTP', async () => {
    const port = await freePort();
    const bot = spawnDeskmate({ ...env(), PORT: String(port), DESKMATE_API_URL: allUrl }, ['--role', 'bot']);
    running.push(bot);
    await waitForHealthy(`http://127.0.0.1:${port}`, 30_000, bot);
    const before = apiCalls(all).length;
    expect(await dm(`http://127.0.0.1:${port}`, 'start over')).toBe(200);
    // The API process logs the bot's request in its HTTP request log.
    await until(() =>
      apiCalls(all)
        .slice(before)
        .some((c) => !c.inProcess),
    );
    expect(
      apiCalls(all)
        .slice(before)
        .filter((c) => !c.inProcess),
    ).toEqual([{ msg: 'POST /api/integrations/inbox 200', inProcess: false }]);
  });
});
