import { isIP } from 'node:net';
import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import { BotConfigError, type BotConfig } from '../config.js';

/**
 * The checks that need no Bot Framework SDK, so that the lazy channel (index.ts) can make them
 * before the SDK is loaded.
 */

/** MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD go together; true when Teams is configured. */
export function teamsCredentials(config: BotConfig): boolean {
  const appId = config.MICROSOFT_APP_ID ?? '';
  const password = config.MICROSOFT_APP_PASSWORD ?? '';
  if (appId && !password) throw new BotConfigError('MICROSOFT_APP_PASSWORD', 'must be set with MICROSOFT_APP_ID');
  if (!appId && password) throw new BotConfigError('MICROSOFT_APP_ID', 'must be set with MICROSOFT_APP_PASSWORD');
  return Boolean(appId);
}

const isLoopbackHost = (host: string) => {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'));
};

/**
 * Where the bot may send. With credentials the bot's token goes with every request, so only
 * https; without them (the Emulator) only this machine, so that an unauthenticated endpoint can
 * never be used to make Deskmate call elsewhere.
 */
export function allowedServiceUrl(serviceUrl: string, authenticated: boolean): boolean {
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return false;
  }
  if (authenticated) return url.protocol === 'https:';
  return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname);
}

/** Without credentials only the Emulator on this machine may call: no proxy in between. */
export function fromThisMachine(req: Request): boolean {
  const remote = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
  return !proxied && isLoopbackHost(remote);
}

export const emulatorOnly = {
  error: {
    code: 'forbidden',
    message:
      'Microsoft Teams is not configured (MICROSOFT_APP_ID): only the Bot Framework Emulator on this machine may call',
  },
} as const;

/**
 * The Bearer token of a request, or null. With credentials every activity must carry one: a
 * request without it is refused before its body is read (and before the SDK loads).
 */
export function bearerToken(req: Request): string | null {
  const match = /^Bearer +(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match ? match[1]! : null;
}

export const tokenRequired = {
  error: { code: 'unauthenticated', message: 'A Bot Connector token (Authorization: Bearer …) is required' },
} as const;

export const tokenRefused = {
  error: { code: 'unauthenticated', message: 'The Bot Connector token is not valid for this bot' },
} as const;

export const tokenUnchecked = {
  error: { code: 'unavailable', message: 'The Bot Connector token cannot be checked right now; try again in a moment' },
} as const;

/** With credentials: no Bearer token, 401 in the one error shape, the body unread. */
export function requireBearer(authenticated: boolean): RequestHandler {
  return (req, res, next) => {
    if (authenticated && !bearerToken(req)) {
      res.status(401).json(tokenRequired);
      return;
    }
    next();
  };
}

const ZAccount = z.looseObject({ id: z.string().min(1).max(1000) });

/**
 * What an activity must have before the SDK sees it: the fields the Bot Framework protocol
 * requires of every inbound activity and that authentication and replies read (type, channelId,
 * serviceUrl, conversation, from). Anything else is passed on as sent.
 */
export const ZInboundActivity = z.looseObject({
  type: z.string().min(1).max(100),
  id: z.string().max(1000).optional(),
  channelId: z.string().min(1).max(100),
  serviceUrl: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2000),
  conversation: ZAccount,
  from: ZAccount,
  recipient: ZAccount.optional(),
  timestamp: z.string().optional(),
  localTimestamp: z.string().optional(),
  expiration: z.string().optional(),
});
export type TInboundActivity = z.infer<typeof ZInboundActivity>;
