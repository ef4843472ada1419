import type { WebClientOptions } from '@slack/web-api';
import { type TInboxEvent } from '@deskmate/shared';
import { apiClient, apiFetch, type BotOptions } from '../index.js';
import type { ChatChannel } from '../channel.js';
import { createSlackApp, type SlackApp } from './app.js';
import { AckFirstScheduler, createContext, type SlackLogger } from './context.js';
import { InboxBatcher, type RecordedRequest } from './receiver.js';
import { SlackSender } from './sender.js';

/**
 * A batch not recorded by then is abandoned, so that the next can go. Each request has its own
 * deadline besides (RECORD_DEADLINE_MS from its arrival), after which it is answered 503.
 */
const RECORD_TIMEOUT_MS = 2_000;

export interface SlackChannel extends ChatChannel {
  name: 'slack';
  slack: SlackApp;
  sender: SlackSender;
}

export interface SlackOverrides {
  /** Web API client options (tests: `{ retryConfig: { retries: 0 } }`). */
  clientOptions?: WebClientOptions;
  identityTtlMs?: number;
}

const quiet: SlackLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Slack: null until its credentials are configured (SLACK_BOT_TOKEN and a signing secret or app token).
 * No Slack connection is needed to start; Socket Mode connects in `start()`.
 */
export function createSlack(options: BotOptions, overrides: SlackOverrides = {}): SlackChannel | null {
  const { config } = options;
  const token = config.SLACK_BOT_TOKEN;
  if (!token || !(config.SLACK_SIGNING_SECRET || config.SLACK_APP_TOKEN)) return null;
  const logger = options.logger ?? quiet;
  const clientOptions: WebClientOptions = {
    slackApiUrl: config.SLACK_API_URL,
    // Listener calls answer people: a few quick retries, never half an hour.
    retryConfig: { retries: 3, factor: 2 },
    // Like the API calls (see AckFirstScheduler), a burst's Web API calls take turns.
    maxRequestConcurrency: 10,
    ...overrides.clientOptions,
  };
  const scheduler = new AckFirstScheduler();
  const ctx = createContext(options, logger, {
    scheduler,
    ...(overrides.identityTtlMs !== undefined ? { identityTtlMs: overrides.identityTtlMs } : {}),
  });
  // Not through the scheduler: requests are recorded before they are answered, never after a burst.
  const transport = apiFetch(options);
  const inbox = new InboxBatcher(async (events: TInboxEvent[]) => {
    const api = apiClient(options, (input, init) =>
      transport(input, { ...init, signal: AbortSignal.timeout(RECORD_TIMEOUT_MS) }),
    );
    const res = await api.api.integrations.inbox({ body: { provider: 'slack', events } });
    return res.first;
  });
  const slack = createSlackApp(
    {
      arrived: () => scheduler.arrived(),
      inbox,
      botToken: token,
      signingSecret: config.SLACK_SIGNING_SECRET,
      appToken: config.SLACK_APP_TOKEN,
      clientOptions,
      logger,
    },
    ctx,
  );
  const sender = new SlackSender({
    token,
    triageChannel: config.SLACK_TRIAGE_CHANNEL,
    links: ctx.links,
    clientOptions: { slackApiUrl: config.SLACK_API_URL, ...overrides.clientOptions },
  });
  let connecting: Promise<unknown> | undefined;
  return {
    name: 'slack',
    slack,
    sender,
    routers: [],
    frontDoors: slack.socketMode ? [] : [slack.receiver.frontDoor],
    senders: [sender],
    inbound: [
      {
        provider: 'slack',
        // A burst is answered before its work starts (the work shares this process in `--role all`).
        handle: async (payload) => {
          await scheduler.quiet();
          await slack.receiver.process(payload as unknown as RecordedRequest);
        },
      },
    ],
    // Socket Mode connects in the background: Deskmate starts (and serves the API) even when
    // Slack is unreachable; the client keeps reconnecting, and a refused token is logged.
    start: async () => {
      if (!slack.socketMode) return;
      connecting = slack.app.start().catch((err: unknown) => {
        logger.error({ err: (err as Error).message }, 'Slack Socket Mode could not connect');
      });
    },
    stop: async () => {
      if (!slack.socketMode || !connecting) return;
      // Not waiting for a connection that may never come: disconnect whatever there is.
      await slack.app.stop().catch(() => undefined);
    },
  };
}
