import { isIP } from 'node:net';
import type { Request } from 'express';
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
