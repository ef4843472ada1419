import type { App, ExpressReceiver, Logger, SocketModeReceiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import express, { Router, type RequestHandler } from 'express';
import * as actions from './actions/index.js';
import * as commands from './commands/index.js';
import type { SlackContext, SlackLogger } from './context.js';
import * as events from './events/index.js';
import { bolt } from './sdk.js';
import * as shortcuts from './shortcuts/index.js';
import * as views from './views/index.js';

export const SLACK_EVENTS_PATH = '/slack/events';
/** Slack's own rule for stale requests, applied to both directions (Bolt checks only the past). */
const MAX_SKEW_SECONDS = 5 * 60;

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

/** Refuse requests signed too far in the future (a clock-skew replay window Bolt leaves open). */
const futureTimestampCheck: RequestHandler = (req, res, next) => {
  const ts = Number(req.get('x-slack-request-timestamp'));
  if (Number.isFinite(ts) && ts > Date.now() / 1000 + MAX_SKEW_SECONDS) {
    res.status(401).end();
    return;
  }
  next();
};

export interface SlackAppOptions {
  /** Told about each Slack request from arrival to answer, so work after acks can wait its turn. */
  arrived?: () => () => void;
  botToken: string;
  signingSecret: string | undefined;
  appToken: string | undefined;
  clientOptions: WebClientOptions;
  logger: SlackLogger;
}

export interface SlackApp {
  app: App;
  /** POST /slack/events for events, commands, interactivity and shortcuts (HTTP mode); empty in Socket Mode. */
  router: Router;
  socketMode: boolean;
  /** Resolves when no listener is running (tests wait on it instead of sleeping). */
  idle(): Promise<void>;
}

/**
 * The Bolt app: HTTP mode with an ExpressReceiver mounted as a router at POST /slack/events, or
 * Socket Mode when an app-level token is set. Authorization needs no Slack call (no auth.test),
 * so the bot starts offline; its own messages are told apart by bot_id in the listeners.
 */
export function createSlackApp(options: SlackAppOptions, ctx: SlackContext): SlackApp {
  const { App, ExpressReceiver, SocketModeReceiver } = bolt();
  const logger = boltLogger(options.logger);
  const router = Router();
  const socketMode = Boolean(options.appToken);
  let receiver: ExpressReceiver | SocketModeReceiver;
  if (options.appToken) {
    receiver = new SocketModeReceiver({
      appToken: options.appToken,
      logger,
      installerOptions: { clientOptions: options.clientOptions },
    });
  } else {
    const arrived = options.arrived;
    if (arrived) {
      router.post(SLACK_EVENTS_PATH, (_req, res, next) => {
        const done = arrived();
        res.once('finish', done).once('close', done);
        next();
      });
    }
    router.post(SLACK_EVENTS_PATH, futureTimestampCheck);
    receiver = new ExpressReceiver({
      signingSecret: options.signingSecret ?? '',
      endpoints: SLACK_EVENTS_PATH,
      router,
      app: express(),
      logger,
      processBeforeResponse: false,
    });
  }
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
  app.error(async (err) => {
    ctx.logger.error({ err: err.message, code: err.code }, 'slack listener failed');
  });

  commands.register(app, ctx);
  actions.register(app, ctx);
  events.register(app, ctx);
  views.register(app, ctx);
  shortcuts.register(app, ctx);

  return {
    app,
    router,
    socketMode,
    idle: () => (running === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
  };
}
