import express, { Router } from 'express';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type TurnContext,
} from 'botbuilder';
import type { BotConfig } from '../config.js';
import { allowedServiceUrl, emulatorOnly, fromThisMachine, teamsCredentials } from './guard.js';

export { allowedServiceUrl } from './guard.js';

/** The Bot Framework connection: the SDK stays in this folder, so it can be swapped (STACK.md). */
export interface TeamsAdapter {
  adapter: CloudAdapter;
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
  return { adapter: new CloudAdapter(auth), appId, authenticated: Boolean(appId) };
}

/**
 * POST /api/messages, mounted before the API router (so it parses its own JSON). The turn runs
 * before the answer: a turn is a few calls to this process's API, well inside the Bot
 * Connector's 15 s, and a failure is logged by the turn's error handler rather than lost.
 */
export function messagesRouter(teams: TeamsAdapter, onTurn: (context: TurnContext) => Promise<void>): Router {
  const router = Router();
  router.post('/api/messages', express.json({ limit: '1mb' }), async (req, res, next) => {
    try {
      if (!teams.authenticated) {
        const body = req.body as { serviceUrl?: unknown } | undefined;
        const serviceUrl = typeof body?.serviceUrl === 'string' ? body.serviceUrl : '';
        if (!fromThisMachine(req) || !allowedServiceUrl(serviceUrl, false)) {
          res.status(403).json(emulatorOnly);
          return;
        }
      }
      await teams.adapter.process(req, res, onTurn);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
