import { Router } from 'express';
import {
  ApiClient,
  type TChatIntegrations,
  type TDeliverySender,
  type TErrorBody,
  type TInboundHandler,
} from '@deskmate/shared';
import type { BotConfig } from './config.js';
import type { ChatChannel, FrontDoor } from './channel.js';
import { createSlack } from './slack/index.js';
import { createTeams } from './teams/index.js';
import { teamsCredentials } from './teams/guard.js';

export type { FrontDoor } from './channel.js';
export { botConfigSchema, loadBotConfig, BotConfigError, type BotConfig } from './config.js';

/** What the composition root gives the bots: where the API is and the bots' own token. */
export interface BotOptions {
  config: BotConfig;
  /** The Deskmate API base URL (known once the server listens). */
  apiUrl: () => string;
  /** The integration token (scope chat:act). */
  apiToken: () => string;
  /**
   * How requests reach the API: the API in this same process (the default single process, no
   * HTTP) or, when absent, `fetch` over HTTP to `apiUrl` (a split `--role bot` or worker). ADR 17.
   */
  apiFetch?: typeof fetch;
  logger?: {
    info(obj: object, msg?: string): void;
    warn(obj: object, msg?: string): void;
    error(obj: object, msg?: string): void;
  };
}

export interface Bot {
  /** HTTP endpoints to mount (Slack events, Teams messages). */
  routers: Router[];
  /** Endpoints served before the app's middleware (Slack's POST /slack/events in HTTP mode). */
  frontDoors: FrontDoor[];
  /** Delivery channels for the worker (Slack DMs and triage cards, Teams messages). */
  senders: TDeliverySender[];
  /** What the worker's inbound.process job runs recorded chat requests through (Slack). */
  inbound: TInboundHandler[];
  /** Which channels are configured (never their credentials), for the API's status page. */
  integrations: TChatIntegrations;
  /** Socket Mode and other long-lived connections. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A typed client for the API, as the bot itself or acting for a chat user. */
export function apiClient(options: BotOptions, fetchImpl = apiFetch(options)): ApiClient {
  return new ApiClient({ baseUrl: options.apiUrl(), token: options.apiToken(), fetch: fetchImpl });
}

/** The bots' transport to the API: in this process when the composition root gives one, else HTTP. */
export function apiFetch(options: BotOptions): typeof fetch {
  return options.apiFetch ?? ((input, init) => fetch(input, init));
}

const notConfigured = (what: string): TErrorBody => ({
  error: { code: 'unavailable', message: `${what} is not configured on this Deskmate` },
});

/**
 * The chat channels. A channel whose credentials are not configured answers 503 on its endpoint
 * and sends nothing.
 */
export function createBot(options: BotOptions): Bot {
  const channels = [createSlack(options), createTeams(options)].filter((c): c is ChatChannel => c !== null);
  const fallback = Router();
  if (!channels.some((c) => c.name === 'slack')) {
    fallback.post('/slack/events', (_req, res) => {
      res.status(503).json(notConfigured('Slack'));
    });
  }
  if (!channels.some((c) => c.name === 'teams')) {
    fallback.post('/api/messages', (_req, res) => {
      res.status(503).json(notConfigured('Microsoft Teams'));
    });
  }
  const slack = channels.some((c) => c.name === 'slack');
  const teams = teamsCredentials(options.config);
  return {
    integrations: {
      slack: { configured: slack, mode: slack ? (options.config.SLACK_APP_TOKEN ? 'socket' : 'http') : null },
      // Teams always runs: without credentials, for the Bot Framework Emulator on this machine only.
      teams: { configured: teams, emulatorOnly: channels.some((c) => c.name === 'teams') && !teams },
    },
    routers: [...channels.flatMap((c) => c.routers), fallback],
    frontDoors: channels.flatMap((c) => c.frontDoors ?? []),
    senders: channels.flatMap((c) => c.senders),
    inbound: channels.flatMap((c) => c.inbound ?? []),
    start: async () => {
      for (const c of channels) await c.start();
    },
    stop: async () => {
      for (const c of channels) await c.stop();
    },
  };
}
