import { createHmac } from 'node:crypto';
import nock from 'nock';
import { loadBotConfig } from '../../config.js';
import { createSlack, type SlackChannel } from '../index.js';
import { inProcessFetch } from '../../../../api/src/http/in-process.js';
import { startTestApp, type TestApp } from '../../../../api/src/test/app.js';
import type { TestDatabase } from '../../../../api/src/test/db.js';
import { until } from '../../../../api/src/test/until.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const SLACK_HOST = 'https://slack.test';
export const TRIAGE = 'C0TRIAGE1';
export const CONSOLE = 'https://desk.test';

/** One Web API call as Slack would receive it: the method and the form body, JSON fields parsed. */
export interface WebCall {
  method: string;
  body: Record<string, unknown>;
}

type Answer = { status?: number; headers?: Record<string, string>; body: Record<string, unknown> };
type Responder = (body: Record<string, unknown>) => Answer | Record<string, unknown>;

const jsonFields = new Set(['blocks', 'view', 'attachments', 'metadata']);

function parseForm(raw: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) out[k] = jsonFields.has(k) ? (JSON.parse(v) as unknown) : v;
  return out;
}

/** A Slack workspace's people, as users.info and users.lookupByEmail answer about them. */
export interface SlackPerson {
  id: string;
  email: string;
  name: string;
}

/**
 * The Slack Web API, intercepted with nock: every call is recorded and answered like Slack
 * would. Tests read `calls` to check exactly what was sent, and `answer()` to script replies.
 */
export class SlackStandIn {
  calls: WebCall[] = [];
  people = new Map<string, SlackPerson>();
  /** Channel messages by `channel:ts` (for conversations.history). */
  messages = new Map<string, { user?: string; text: string; bot_id?: string }>();
  private scripted = new Map<string, Responder[]>();
  private tsCounter = 1000;
  /** Files Slack serves (url_private_download paths), and who fetched them with which token. */
  files = new Map<string, Buffer>();
  fileFetches: { path: string; authorization: string | undefined }[] = [];

  install(): void {
    const { files, fileFetches } = this;
    nock(SLACK_HOST)
      .persist()
      .get(/^\/files-pri\//)
      .reply(function reply(uri) {
        const authorization = this.req.headers.authorization as string | undefined;
        fileFetches.push({ path: uri, authorization });
        if (authorization !== 'Bearer xoxb-test') return [403, 'not allowed'];
        const file = files.get(uri);
        return file ? [200, file, { 'content-type': 'application/octet-stream' }] : [404, 'no such file'];
      });
    nock(SLACK_HOST)
      .persist()
      .post(/^\/api\/[\w.]+$/)
      .reply((uri, raw) => {
        const method = uri.replace('/api/', '');
        const body = parseForm(typeof raw === 'string' ? raw : JSON.stringify(raw));
        this.calls.push({ method, body });
        const scripted = this.scripted.get(method)?.shift();
        const answer = scripted ? scripted(body) : this.defaultAnswer(method, body);
        const full: Answer =
          'body' in answer && typeof answer.body === 'object' ? (answer as Answer) : { body: answer };
        return [full.status ?? 200, full.body, { 'content-type': 'application/json', ...full.headers }];
      });
  }

  /** The next call to `method` gets this answer instead of the default one. */
  answer(method: string, responder: Responder): void {
    this.scripted.set(method, [...(this.scripted.get(method) ?? []), responder]);
  }

  of(method: string): WebCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  reset(): void {
    this.calls = [];
    this.scripted.clear();
  }

  dmOf(userId: string): string {
    return `D${userId.slice(1)}`;
  }

  private nextTs(): string {
    this.tsCounter += 1;
    return `1700000000.${String(this.tsCounter).padStart(6, '0')}`;
  }

  private defaultAnswer(method: string, body: Record<string, unknown>): Record<string, unknown> {
    const channel = String(body.channel ?? '');
    switch (method) {
      case 'users.info': {
        const p = this.people.get(String(body.user));
        if (!p) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id: p.id,
            team_id: 'T0TEAM',
            name: p.name,
            real_name: p.name,
            profile: { email: p.email, real_name: p.name },
          },
        };
      }
      case 'users.lookupByEmail': {
        const p = [...this.people.values()].find((x) => x.email === body.email);
        return p ? { ok: true, user: { id: p.id } } : { ok: false, error: 'users_not_found' };
      }
      case 'conversations.open':
        return { ok: true, channel: { id: this.dmOf(String(body.users)) } };
      case 'chat.postMessage':
        return { ok: true, channel: channel.startsWith('U') ? this.dmOf(channel) : channel, ts: this.nextTs() };
      case 'chat.update':
        return { ok: true, channel, ts: body.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'chat.getPermalink':
        return {
          ok: true,
          permalink: `https://acme.slack.com/archives/${channel}/p${String(body.message_ts).replace('.', '')}`,
        };
      case 'conversations.history': {
        const m = this.messages.get(`${channel}:${String(body.latest)}`);
        return { ok: true, messages: m ? [{ type: 'message', ts: body.latest, ...m }] : [] };
      }
      case 'conversations.replies':
        return { ok: true, messages: [] };
      default:
        return { ok: true };
    }
  }
}

export function sign(body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}

export interface SlackHarness {
  app: TestApp;
  database: TestDatabase;
  slack: SlackChannel;
  web: SlackStandIn;
  /** POST a signed request to /slack/events, as Slack sends it. */
  post(body: string, contentType: string, headers?: Record<string, string>): Promise<Response>;
  event(
    event: Record<string, unknown>,
    options?: { eventId?: string; headers?: Record<string, string> },
  ): Promise<Response>;
  command(fields: Record<string, string>): Promise<Response>;
  interaction(payload: Record<string, unknown>): Promise<Response>;
  /** Wait until every request recorded so far has been acted on by the inbound.process job. */
  settle(): Promise<void>;
  /** Wait until every listener has finished and the worker has sent every delivery. */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

let counter = 0;
export const unique = (prefix: string) =>
  `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`.toUpperCase();

export interface SlackHarnessOptions {
  /**
   * How the bot reaches the API: in this process, as `npm start` wires it (default), or over HTTP
   * to the API's URL, as a split `--role bot` process does.
   */
  transport?: 'in-process' | 'http';
}

/** The real stack in-process: the API on a cloned database, the worker, and Slack mounted at /slack/events. */
export async function startSlackHarness(options: SlackHarnessOptions = {}): Promise<SlackHarness> {
  const web = new SlackStandIn();
  web.install();
  // The API's URL and token are known once it listens; the bot reads them lazily.
  const started: { app?: TestApp; inProcess?: typeof fetch } = {};
  const config = loadBotConfig({
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_TRIAGE_CHANNEL: TRIAGE,
    SLACK_API_URL: `${SLACK_HOST}/api/`,
    PUBLIC_URL: CONSOLE,
  });
  const slack = createSlack(
    {
      config,
      apiUrl: () => started.app!.url,
      apiToken: () => started.app!.runtime.services.secrets.integrationToken,
      ...(options.transport === 'http'
        ? {}
        : {
            apiFetch: (input, init) =>
              (started.inProcess ??= inProcessFetch(started.app!.runtime.services, { version: 'test' }))(input, init),
          }),
    },
    { clientOptions: { retryConfig: { retries: 0 } } },
  );
  if (!slack) throw new Error('Slack should be configured');
  // The app clones its own database and drops it when it stops.
  const app = await startTestApp({
    botRouters: slack.routers,
    frontDoors: slack.frontDoors ?? [],
    senders: slack.senders,
    inbound: slack.inbound ?? [],
    env: { JOBS_PROCESS_EVERY: '100ms', OUTBOX_POLL_INTERVAL: '200ms' },
  });
  started.app = app;
  const database = app.database;
  const post = (body: string, contentType: string, headers: Record<string, string> = {}) =>
    app.fetch('/slack/events', {
      method: 'POST',
      headers: { 'content-type': contentType, ...sign(body), ...headers },
      body,
    });
  // The job marks a request processed (or failed) only after its listeners have finished.
  const settle = () =>
    until(async () => {
      const { rows } = await database.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM inbound_events WHERE payload IS NOT NULL AND processed_at IS NULL AND failed_at IS NULL`,
      );
      return rows[0]?.n === 0;
    }).then(() => slack.slack.idle());
  return {
    app,
    database,
    slack,
    web,
    post,
    event: (event, options = {}) =>
      post(
        JSON.stringify({
          token: 'legacy',
          team_id: 'T0TEAM',
          api_app_id: 'A0DESKMATE',
          type: 'event_callback',
          event_id: options.eventId ?? unique('Ev'),
          event_time: Math.floor(Date.now() / 1000),
          event,
        }),
        'application/json',
        options.headers,
      ),
    command: (fields) =>
      post(
        new URLSearchParams({ token: 'legacy', team_id: 'T0TEAM', trigger_id: unique('trig.'), ...fields }).toString(),
        'application/x-www-form-urlencoded',
      ),
    interaction: (payload) =>
      post(
        new URLSearchParams({
          payload: JSON.stringify({
            team: { id: 'T0TEAM' },
            api_app_id: 'A0DESKMATE',
            trigger_id: unique('trig.'),
            ...payload,
          }),
        }).toString(),
        'application/x-www-form-urlencoded',
      ),
    settle,
    async drain() {
      await settle();
      await until(async () => {
        const { rows } = await database.pool.query<{ n: number }>(
          `SELECT (SELECT count(*) FROM outbox WHERE status = 'pending') + (SELECT count(*) FROM deliveries WHERE status = 'pending') AS n`,
        );
        return Number(rows[0]?.n) === 0;
      });
    },
    async stop() {
      await app.stop();
      nock.cleanAll();
    },
  };
}

/** The one poll helper of the tests (deliveries run in the worker, on its own schedule). */
export { until };
