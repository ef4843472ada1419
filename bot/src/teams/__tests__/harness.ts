import { ApiClient, ZTeamsTicketAudience, type TChatSession, type TTicket } from '@deskmate/shared';
// The whole product in-process: the real API on a real database, with the Teams channel mounted.
import { inProcessFetch } from '../../../../api/src/http/in-process.js';
import { startTestApp, type TestApp } from '../../../../api/src/test/app.js';
import { loadBotConfig } from '../../config.js';
import { createTeamsChannel, type TeamsChannel } from '../channel.js';
import { renderTriageCard, type TCard, type TTriageCardOptions } from '../render/index.js';
import { FakeConnector } from './connector.js';
import type { TTeamsUser } from './activities.js';

/** What the bot logged, by level (tests check that a well-formed activity logs no error). */
export interface TLogLine {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

export interface TeamsHarness {
  app: TestApp;
  logs: TLogLine[];
  teams: TeamsChannel;
  connector: FakeConnector;
  links: { console: string };
  /** POST an activity to /api/messages, as the Bot Connector would. */
  post(activity: object, headers?: Record<string, string>): Promise<Response>;
  /** The API as the bot, acting for a Teams user. */
  as(user: TTeamsUser): ApiClient;
  /** A ticket's triage card as the bot renders it now (its audience read from the API). */
  triageCard(ticket: TTicket, options?: Omit<TTriageCardOptions, 'audience'>): Promise<TCard>;
  /** The wizard conversation of a user's personal chat, as the API has it. */
  session(user: TTeamsUser): Promise<TChatSession>;
  stop(): Promise<void>;
}

export const PUBLIC_URL = 'https://desk.example.com';

export async function startTeamsHarness(overrides: { invokeDeadlineMs?: number } = {}): Promise<TeamsHarness> {
  const connector = new FakeConnector();
  await connector.start();
  // The app's URL and token are known once it listens: the bot reads them through functions.
  const ref: { app?: TestApp; inProcess?: typeof fetch } = {};
  // No credentials: the Emulator mode, which posts replies to the activity's serviceUrl.
  const logs: TLogLine[] = [];
  const log = (level: TLogLine['level']) => (obj: object, msg?: string) => void logs.push({ level, obj, msg });
  const teams = createTeamsChannel(
    {
      config: loadBotConfig({ PUBLIC_URL }),
      logger: { info: log('info'), warn: log('warn'), error: log('error') },
      apiUrl: () => ref.app!.url,
      apiToken: () => ref.app!.runtime.services.secrets.integrationToken,
      // The API in this process, as `npm start` wires it (ADR 17).
      apiFetch: (input, init) =>
        (ref.inProcess ??= inProcessFetch(ref.app!.runtime.services, { version: 'test' }))(input, init),
    },
    overrides,
  );
  const started = await startTestApp({
    botRouters: teams.routers,
    senders: teams.senders,
    inbound: teams.inbound ?? [],
    env: { JOBS_PROCESS_EVERY: '100ms', OUTBOX_POLL_INTERVAL: '200ms' },
  });
  ref.app = started;
  await teams.start();
  const api = () => new ApiClient({ baseUrl: started.url, token: started.runtime.services.secrets.integrationToken });
  const harness: TeamsHarness = {
    app: started,
    logs,
    teams,
    connector,
    links: { console: PUBLIC_URL },
    // A message is recorded, answered, then acted on by the inbound.process job: wait for that too.
    post: async (activity, headers = {}) => {
      const res = await fetch(new URL('/api/messages', started.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(activity),
      });
      await settleInbox(started);
      return res;
    },
    as: (user) => api().actingAs('teams', user.aadObjectId),
    async triageCard(ticket, options = {}) {
      const q = new URLSearchParams({ ticket: ticket.key });
      const audience = await api().request('GET', `/api/integrations/teams/ticket-audience?${q}`, ZTeamsTicketAudience);
      return renderTriageCard(ticket, { console: PUBLIC_URL }, { ...options, audience });
    },
    async session(user) {
      const { ZChatSessionResponse } = await import('@deskmate/shared');
      const query = new URLSearchParams({ channel: 'teams', conversation: user.personalChat });
      return (await harness.as(user).request('GET', `/api/chat/sessions/current?${query}`, ZChatSessionResponse))
        .session;
    },
    async stop() {
      await teams.stop();
      await started.stop();
      await connector.stop();
    },
  };
  return harness;
}

/** The one poll helper of the tests (deliveries run in the worker, on its own schedule). */
export { until } from '../../../../api/src/test/until.js';

/** The Action.Submit buttons of a card (nested cards included), by title. */
export function buttons(card: unknown): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.type === 'Action.Submit' && typeof o.title === 'string') out.set(o.title, o.data as Record<string, unknown>);
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out;
}

/** The card of a captured request body. */
export function cardOf(body: Record<string, unknown> | null): unknown {
  return (body?.attachments as { content: unknown }[] | undefined)?.[0]?.content;
}

/** Wait until every Teams activity recorded so far has been acted on by the inbound.process job. */
export async function settleInbox(app: TestApp, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const { rows } = await app.database.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM inbound_events
       WHERE provider = 'teams' AND payload IS NOT NULL AND processed_at IS NULL AND failed_at IS NULL`,
    );
    if (rows[0]?.n === 0) return;
    if (Date.now() > deadline) throw new Error('Teams activities still waiting in the inbox');
    await new Promise((r) => setTimeout(r, 20));
  }
}
