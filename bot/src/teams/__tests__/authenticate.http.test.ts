import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import nock from 'nock';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { startTestApp, type TestApp } from '../../../../api/src/test/app.js';
import { loadBotConfig } from '../../config.js';
import { createTeams } from '../index.js';
import { personalMessage, teamsUser } from './activities.js';

/**
 * POST /api/messages with MICROSOFT_APP_ID set, as Teams (and anyone else) reaches it: the real
 * app, the lazy Teams channel as production mounts it, and Microsoft's OpenID metadata and keys
 * answered by nock, so a token is judged by botbuilder's own validation and nothing leaves this
 * machine. Every log line (the app's and the bot's) is captured.
 */

const appId = '0b1e6a1c-9a4f-4f3e-8a55-5d0f7b5a2c11';
const serviceUrl = 'https://smba.trafficmanager.net/emea/';
const issuer = 'https://api.botframework.com';
const kid = 'i6lGk3FZzxRcUb2C3nEQ7syHJlY';

const ours = generateKeyPairSync('rsa', { modulusLength: 2048 });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** A JWT signed as the Bot Connector signs its tokens (RS256, the key id in the header). */
function token(claims: Record<string, unknown>, key: KeyObject = ours.privateKey): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const head = part({ alg: 'RS256', kid, x5t: kid, typ: 'JWT' });
  const body = part({
    iss: issuer,
    aud: appId,
    serviceurl: serviceUrl,
    nbf: now - 60,
    iat: now - 60,
    exp: now + 3600,
    ...claims,
  });
  const signature = createSign('RSA-SHA256').update(`${head}.${body}`).sign(key).toString('base64url');
  return `${head}.${body}.${signature}`;
}

let app: TestApp;
const lines: string[] = [];
let metadataFetches = 0;
/** Microsoft's metadata host failing (to show that this is not taken for a refused token). */
let metadataDown = false;
const consoles: MockInstance[] = [];

beforeAll(async () => {
  // Before the SDK loads: whatever it would print to the console is seen here.
  for (const level of ['error', 'warn', 'log', 'info'] as const)
    consoles.push(vi.spyOn(console, level).mockImplementation(() => undefined));
  const jwk = ours.publicKey.export({ format: 'jwk' });
  nock('https://login.botframework.com')
    .persist()
    .get('/v1/.well-known/openidconfiguration')
    .reply(() => {
      metadataFetches++;
      if (metadataDown) return [503, 'Service Unavailable'];
      return [
        200,
        {
          issuer,
          authorization_endpoint: 'https://invalid.botframework.com',
          jwks_uri: 'https://login.botframework.com/v1/.well-known/keys',
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
        },
      ];
    })
    .get('/v1/.well-known/keys')
    .reply(200, { keys: [{ kty: 'RSA', use: 'sig', kid, x5t: kid, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] });

  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  const ref: { app?: TestApp } = {};
  const teams = createTeams({
    config: loadBotConfig({ MICROSOFT_APP_ID: appId, MICROSOFT_APP_PASSWORD: 'secret-of-the-test-bot' }),
    apiUrl: () => ref.app!.url,
    apiToken: () => ref.app!.runtime.services.secrets.integrationToken,
    logger,
  });
  app = ref.app = await startTestApp({ botRouters: teams.routers, logger });
});
afterAll(async () => {
  await app?.stop();
  nock.cleanAll();
  for (const spy of consoles) spy.mockRestore();
});

async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await app.fetch('/api/messages', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return {
    status: res.status,
    headers: res.headers,
    body: json as { error?: { code: string; message: string; details?: unknown } },
  };
}

/** The log lines written while `act` ran, parsed (each must be one JSON object). */
async function logged<T>(act: () => Promise<T>): Promise<{ result: T; entries: Record<string, unknown>[] }> {
  const from = lines.length;
  const result = await act();
  const written = lines.slice(from).join('').split('\n').filter(Boolean);
  return { result, entries: written.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const noStack = (entries: Record<string, unknown>[]) => {
  for (const e of entries) {
    expect(JSON.stringify(e)).not.toMatch(/"stack"|\\n\s+at /);
    expect(e.level as number).toBeLessThan(50);
  }
};
const consoleCalls = () => consoles.reduce((n, spy) => n + spy.mock.calls.length, 0);

const activity = () => personalMessage(serviceUrl, teamsUser('Mallory', 'mallory@example.com'), 'let me in');

describe('POST /api/messages with MICROSOFT_APP_ID set', () => {
  it('without a Bearer token: 401 in the one error shape, before the body is read, nothing logged as an error', async () => {
    const before = metadataFetches;
    const { result, entries } = await logged(async () => [
      await post({}),
      await post(activity()),
      await post(activity(), { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }),
      await post('{ not json', {}),
    ]);
    for (const res of result) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
    }
    noStack(entries);
    expect(metadataFetches).toBe(before);
  });

  it('with a token but a body that is no activity: 400 saying what is wrong, before the token is checked', async () => {
    const auth = { authorization: `Bearer ${token({})}` };
    const { result, entries } = await logged(async () => ({
      empty: await post({}, auth),
      list: await post([], auth),
      typeless: await post({ ...activity(), type: 5 }, auth),
      nowhere: await post({ ...activity(), conversation: null }, auth),
      broken: await post('{ not json', auth),
    }));
    for (const res of Object.values(result)) {
      expect(res.status).toBe(400);
      expect(res.body.error?.code).toMatch(/^(validation_failed|bad_request)$/);
    }
    expect(result.empty.body.error).toMatchObject({
      code: 'validation_failed',
      details: expect.arrayContaining([expect.objectContaining({ path: 'body.type' })]),
    });
    expect(result.nowhere.body.error?.details).toEqual([expect.objectContaining({ path: 'body.conversation' })]);
    noStack(entries);
  });

  it('when the keys cannot be fetched: 503 with Retry-After (the Bot Connector retries), one warning line', async () => {
    metadataDown = true;
    try {
      const before = metadataFetches;
      const { result, entries } = await logged(() => post(activity(), { authorization: `Bearer ${token({})}` }));
      expect(metadataFetches).toBeGreaterThan(before);
      expect(result.status).toBe(503);
      expect(result.headers.get('retry-after')).toBe('30');
      expect(result.body).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });
      const said = entries.filter((e) => !('res' in e));
      expect(said).toEqual([expect.objectContaining({ level: 40, reason: expect.stringContaining('503') })]);
      // (pino-http's access line for any 5xx carries a made-up error with a stack: not this code's.)
      noStack(said);
    } finally {
      metadataDown = false;
    }
  });

  it('a token botbuilder refuses: 401, one JSON warn line without a stack, nothing on the console', async () => {
    const refused = {
      garbage: 'Bearer not-a-token',
      forged: `Bearer ${token({}, stranger.privateKey)}`,
      otherBot: `Bearer ${token({ aud: '3f2a0c55-0000-4000-8000-000000000000' })}`,
      expired: `Bearer ${token({ exp: Math.floor(Date.now() / 1000) - 3600, nbf: 0, iat: 0 })}`,
      otherServiceUrl: `Bearer ${token({ serviceurl: 'https://evil.example/' })}`,
    };
    const printed = consoleCalls();
    for (const [name, authorization] of Object.entries(refused)) {
      const { result, entries } = await logged(() => post(activity(), { authorization }));
      expect(result.status, name).toBe(401);
      expect(result.body, name).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
      // Besides the access log's line for the request (method, path, status): one line, a warning.
      const said = entries.filter((e) => !('res' in e));
      expect(said, name).toHaveLength(1);
      expect(said[0], name).toMatchObject({ level: 40, reason: expect.any(String) });
      noStack(entries);
      // The token itself never reaches the log.
      expect(JSON.stringify(entries), name).not.toContain(authorization.slice(7));
    }
    expect(consoleCalls()).toBe(printed);
    // botbuilder fetched the keys (from nock) and refused the tokens itself.
    expect(metadataFetches).toBeGreaterThan(0);
  });

  it('a token botbuilder accepts runs the turn', async () => {
    const typing = { ...activity(), type: 'typing', text: undefined };
    const res = await post(typing, { authorization: `Bearer ${token({})}` });
    expect(res.status).toBe(200);
  });
});
