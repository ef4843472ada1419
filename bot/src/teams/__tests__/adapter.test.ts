import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { BotConfigError, loadBotConfig } from '../../config.js';
import { allowedServiceUrl, createAdapter } from '../adapter.js';
import { createTeamsChannel } from '../channel.js';
import { personalMessage, teamsUser } from './activities.js';
import { FakeConnector } from './connector.js';

const appId = '0b1e6a1c-9a4f-4f3e-8a55-5d0f7b5a2c11';

describe('the Bot Framework adapter from MICROSOFT_* variables', () => {
  it('runs unauthenticated (Emulator) without credentials, authenticated with them', () => {
    expect(createAdapter(loadBotConfig({})).authenticated).toBe(false);
    const multi = createAdapter(loadBotConfig({ MICROSOFT_APP_ID: appId, MICROSOFT_APP_PASSWORD: 'secret' }));
    expect([multi.authenticated, multi.appId]).toEqual([true, appId]);
    const single = createAdapter(
      loadBotConfig({
        MICROSOFT_APP_ID: appId,
        MICROSOFT_APP_PASSWORD: 'secret',
        MICROSOFT_APP_TENANT_ID: 'contoso.onmicrosoft.com',
      }),
    );
    expect(single.authenticated).toBe(true);
  });

  it('an app id without its password (or the reverse) is a configuration error naming the variable', () => {
    expect(() => createAdapter(loadBotConfig({ MICROSOFT_APP_ID: appId }))).toThrow(BotConfigError);
    expect(() => createAdapter(loadBotConfig({ MICROSOFT_APP_ID: appId }))).toThrow('MICROSOFT_APP_PASSWORD');
    expect(() => createAdapter(loadBotConfig({ MICROSOFT_APP_PASSWORD: 'secret' }))).toThrow('MICROSOFT_APP_ID');
  });

  it('sends only to https with credentials, and only to this machine without', () => {
    expect(allowedServiceUrl('https://smba.trafficmanager.net/emea/', true)).toBe(true);
    expect(allowedServiceUrl('http://smba.trafficmanager.net/emea/', true)).toBe(false);
    expect(allowedServiceUrl('http://localhost:52673', false)).toBe(true);
    expect(allowedServiceUrl('http://127.0.0.1:3978/', false)).toBe(true);
    expect(allowedServiceUrl('http://[::1]:3978/', false)).toBe(true);
    expect(allowedServiceUrl('https://smba.trafficmanager.net/emea/', false)).toBe(false);
    expect(allowedServiceUrl('http://127.0.0.1.evil.example/', false)).toBe(false);
    expect(allowedServiceUrl('not a url', false)).toBe(false);
  });

  it('with credentials, POST /api/messages refuses an activity without a Bot Connector token (and sends nothing)', async () => {
    const connector = new FakeConnector();
    await connector.start();
    const teams = createTeamsChannel({
      config: loadBotConfig({ MICROSOFT_APP_ID: appId, MICROSOFT_APP_PASSWORD: 'secret' }),
      apiUrl: () => 'http://127.0.0.1:9',
      apiToken: () => 'unused',
    });
    const server = express().use(teams.routers).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args); // the SDK logs the refusal
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(personalMessage(connector.url, teamsUser('Mallory', 'm@example.com'), 'let me in')),
      });
      expect(res.status).toBe(401);
      expect(connector.requests).toEqual([]);
    } finally {
      console.error = original;
      server.close();
      await connector.stop();
    }
  });
});
