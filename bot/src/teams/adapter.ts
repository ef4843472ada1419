import express, { Router } from 'express';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type Activity,
  type TurnContext,
} from 'botbuilder';
import type { BotConfig } from '../config.js';
import {
  allowedServiceUrl,
  emulatorOnly,
  fromThisMachine,
  requireBearer,
  teamsCredentials,
  tokenRefused,
  tokenUnchecked,
  ZInboundActivity,
  type TInboundActivity,
} from './guard.js';
import type { TeamsLogger } from './identity.js';
import { withoutConsole } from './quiet.js';

export { allowedServiceUrl } from './guard.js';

/** The Bot Framework connection: the SDK stays in this folder, so it can be swapped (STACK.md). */
export interface TeamsAdapter {
  adapter: CheckedCloudAdapter;
  /** The Azure Bot's app id ('' without credentials). */
  appId: string;
  /** False without credentials: the Bot Framework Emulator on this machine only. */
  authenticated: boolean;
}

/**
 * A CloudAdapter configured from MICROSOFT_APP_ID / _PASSWORD / _TENANT_ID: single-tenant when a
 * tenant id is given, multi-tenant otherwise. Without an app id it checks no tokens and sends none
 * (the Emulator's mode); with one, inbound requests must carry a valid Bot Connector token.
 */
export function createAdapter(config: BotConfig): TeamsAdapter {
  teamsCredentials(config);
  const appId = config.MICROSOFT_APP_ID ?? '';
  const password = config.MICROSOFT_APP_PASSWORD ?? '';
  const tenantId = config.MICROSOFT_APP_TENANT_ID;
  const credentials = new ConfigurationServiceClientCredentialFactory({
    MicrosoftAppId: appId,
    MicrosoftAppPassword: password,
    MicrosoftAppType: tenantId ? 'SingleTenant' : 'MultiTenant',
    ...(tenantId ? { MicrosoftAppTenantId: tenantId } : {}),
  });
  const auth = new ConfigurationBotFrameworkAuthentication(
    { MicrosoftAppId: appId, ...(tenantId ? { MicrosoftAppTenantId: tenantId } : {}) },
    credentials,
  );
  return { adapter: new CheckedCloudAdapter(auth, appId), appId, authenticated: Boolean(appId) };
}

/** The turn of an activity runs only after botbuilder has authenticated its token. */
export class CheckedCloudAdapter extends CloudAdapter {
  constructor(
    private readonly authentication: ConfigurationBotFrameworkAuthentication,
    private readonly appId: string,
  ) {
    super(authentication);
  }

  /**
   * botbuilder's own check of the Authorization header against the activity (signature, issuer,
   * audience, serviceUrl; nothing to check without an app id). It throws when it refuses; what it
   * would print meanwhile is muted, the caller logs the refusal.
   */
  authenticate(activity: Activity, authorization: string): Promise<Authenticated> {
    return withoutConsole(() => this.authentication.authenticateRequest(activity, authorization));
  }

  /** Runs the turn of an authenticated activity; an invoke's answer, if any. */
  runTurn(authenticated: Authenticated, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(authenticated, activity, logic);
  }

  /**
   * Runs the turn of an activity recorded earlier (the inbox): its token was checked when it
   * arrived, and the replies go out with this bot's own credentials, as a proactive message does.
   * A failure goes to `onTurnError`, which tells the person.
   */
  replayTurn(activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    return this.processProactive(this.createClaimsIdentity(this.appId), activity, undefined, logic);
  }
}

type Authenticated = Awaited<ReturnType<ConfigurationBotFrameworkAuthentication['authenticateRequest']>>;

/** botbuilder reads timestamps as dates (its own `validateAndFixActivity`, which it does not export). */
export function toActivity(parsed: TInboundActivity): Activity {
  const activity = { ...parsed } as Record<string, unknown>;
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['localTimestamp', 'rawLocalTimestamp'],
    ['expiration', 'rawExpiration'],
  ] as const) {
    if (typeof parsed[field] === 'string') {
      activity[raw] = parsed[field];
      activity[field] = new Date(parsed[field]);
    }
  }
  return activity as unknown as Activity;
}

/** Refused by botbuilder (a bad, expired, foreign or forged token) rather than unable to check it. */
function refusedToken(err: unknown): boolean {
  const e = err as { statusCode?: unknown; name?: unknown } | null;
  if (typeof e?.statusCode === 'number') return e.statusCode >= 400 && e.statusCode < 500;
  return e?.name === 'JsonWebTokenError' || e?.name === 'TokenExpiredError' || e?.name === 'NotBeforeError';
}

/**
 * POST /api/messages, mounted before the API router (so it parses its own JSON). In order: with
 * credentials a Bearer token must be present (401, the body unread); the body must be an activity
 * (400, through the app's error handler); botbuilder authenticates the token (401, logged as one
 * warning line). The turn runs before the answer: a turn is a few calls to this process's API,
 * well inside the Bot Connector's 15 s, and a failure is logged by the turn's error handler
 * rather than lost.
 */
export function messagesRouter(
  teams: TeamsAdapter,
  onTurn: (context: TurnContext) => Promise<void>,
  logger: TeamsLogger,
  /** Record a message or conversation update for the inbound.process job (ADR 8, ADR 17). */
  record?: (activity: Activity, payload: TInboundActivity) => Promise<void>,
): Router {
  const router = Router();
  router.post(
    '/api/messages',
    requireBearer(teams.authenticated),
    express.json({ limit: '1mb' }),
    async (req, res, next) => {
      try {
        if (!teams.authenticated) {
          const body = req.body as { serviceUrl?: unknown } | undefined;
          const serviceUrl = typeof body?.serviceUrl === 'string' ? body.serviceUrl : '';
          if (!fromThisMachine(req) || !allowedServiceUrl(serviceUrl, false)) {
            res.status(403).json(emulatorOnly);
            return;
          }
        }
        const parsed = ZInboundActivity.safeParse(req.body ?? null);
        // The app's error handler answers a ZodError as a 400 naming each field.
        if (!parsed.success) return next(parsed.error);
        const activity = toActivity(parsed.data);
        let authenticated: Authenticated;
        try {
          authenticated = await teams.adapter.authenticate(activity, req.headers.authorization ?? '');
        } catch (err) {
          const refused = refusedToken(err);
          logger.warn(
            {
              reason: String((err as Error | null)?.message ?? err).slice(0, 300),
              activity: { type: activity.type, id: activity.id, channelId: activity.channelId },
              ip: req.ip,
            },
            refused
              ? 'Teams activity refused: the Bot Connector token is not valid'
              : 'Teams activity not taken: the Bot Connector token could not be checked',
          );
          if (refused) res.status(401).json(tokenRefused);
          else res.status(503).set('Retry-After', '30').json(tokenUnchecked);
          return;
        }
        // What needs no answer of its own is recorded and answered, then acted on by a job; an
        // invoke's answer is the work's result, so it runs now (within Teams' time limit).
        if (record && activity.id && (activity.type === 'message' || activity.type === 'conversationUpdate')) {
          await record(activity, parsed.data);
          res.status(200).end();
          return;
        }
        const invoke = await teams.adapter.runTurn(authenticated, activity, onTurn);
        res.status(invoke?.status ?? 200);
        if (invoke?.body !== undefined) res.send(invoke.body);
        else res.end();
      } catch (err) {
        next(err);
      }
    },
  );
  return router;
}
