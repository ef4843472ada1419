import type { App, Logger } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import * as actions from './actions/index.js';
import * as commands from './commands/index.js';
import type { SlackContext, SlackLogger } from './context.js';
import * as events from './events/index.js';
import { DeskmateReceiver, type InboxBatcher } from './receiver.js';
import { bolt } from './sdk.js';
import * as shortcuts from './shortcuts/index.js';
import * as views from './views/index.js';

export { SLACK_EVENTS_PATH } from './receiver.js';

/** Bolt's logger interface over Deskmate's (pino-shaped) logger; Bolt's debug chatter is dropped. */
function boltLogger(logger: SlackLogger): Logger {
  let level = bolt().LogLevel.WARN;
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...args) => logger.warn({ channel: 'slack' }, text(args)),
    error: (...args) => logger.error({ channel: 'slack' }, text(args)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

export interface SlackAppOptions {
  /** Told about each Slack request from arrival to answer, so work after acks can wait its turn. */
  arrived?: () => () => void;
  /** Where requests are recorded before they are answered. */
  inbox: InboxBatcher;
  botToken: string;
  signingSecret: string | undefined;
  appToken: string | undefined;
  clientOptions: WebClientOptions;
  logger: SlackLogger;
}

export interface SlackApp {
  app: App;
  receiver: DeskmateReceiver;
  socketMode: boolean;
  /** Resolves when no listener is running (tests wait on it instead of sleeping). */
  idle(): Promise<void>;
}

/** What Slack should hear at once, from the module that owns the request (a slash command's reply). */
const immediateAnswer = (body: Record<string, unknown>) => commands.immediateAnswer(body);

/** Whether anything listens for a request: unlistened events are answered and never recorded. */
const relevant = (body: Record<string, unknown>) =>
  body.type === 'event_callback' ? events.relevant(body.event) : true;

/**
 * The Bolt app on Deskmate's receiver: requests are verified, recorded in the API's inbox and
 * answered (HTTP at POST /slack/events, or Socket Mode when an app-level token is set); the
 * listeners run afterwards in the `inbound.process` job. Authorization needs no Slack call (no
 * auth.test), so the bot starts offline; its own messages are told apart by bot_id.
 */
export function createSlackApp(options: SlackAppOptions, ctx: SlackContext): SlackApp {
  const { App, SocketModeReceiver } = bolt();
  const logger = boltLogger(options.logger);
  const socketMode = Boolean(options.appToken);
  const receiver = new DeskmateReceiver({
    signingSecret: options.signingSecret,
    inbox: options.inbox,
    immediateAnswer,
    relevant,
    logger: options.logger,
    ...(options.arrived ? { arrived: options.arrived } : {}),
    ...(options.appToken
      ? {
          socket: new SocketModeReceiver({
            appToken: options.appToken,
            logger,
            installerOptions: { clientOptions: options.clientOptions },
          }),
        }
      : {}),
  });
  const app = new App({
    receiver,
    logger,
    clientOptions: options.clientOptions,
    ignoreSelf: false,
    convoStore: false,
    authorize: async () => ({ botToken: options.botToken, botId: 'B0DESKMATE', botUserId: 'U0DESKMATE' }),
  });

  let running = 0;
  let waiters: (() => void)[] = [];
  app.use(async ({ next }) => {
    running++;
    try {
      await next();
    } finally {
      running--;
      if (running === 0) {
        const done = waiters;
        waiters = [];
        for (const w of done) w();
      }
    }
  });
  // A listener's failure fails its inbound.process job: not retried, the request is kept as failed.
  app.error(async (err) => {
    ctx.logger.error({ err: err.message, code: err.code }, 'slack listener failed');
    throw err;
  });

  commands.register(app, ctx);
  actions.register(app, ctx);
  events.register(app, ctx);
  views.register(app, ctx);
  shortcuts.register(app, ctx);

  return {
    app,
    receiver,
    socketMode,
    idle: () => (running === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
  };
}
