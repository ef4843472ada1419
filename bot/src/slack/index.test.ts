import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { createBot } from '../index.js';
import { loadBotConfig } from '../config.js';
import { createSlack } from './index.js';

const options = (env: Record<string, string>, errors: string[] = []) => ({
  config: loadBotConfig({ SLACK_API_URL: 'https://slack.test/api/', ...env }),
  apiUrl: () => 'http://127.0.0.1:1',
  apiToken: () => 'dm_test',
  logger: {
    info: () => undefined,
    warn: () => undefined,
    error: (_: object, msg?: string) => void errors.push(msg ?? ''),
  },
});

afterEach(() => {
  nock.cleanAll();
});

describe('createSlack', () => {
  it('is off without a bot token and a signing secret or app token', () => {
    expect(createSlack(options({}))).toBeNull();
    expect(createSlack(options({ SLACK_BOT_TOKEN: 'xoxb-1' }))).toBeNull();
    expect(createSlack(options({ SLACK_SIGNING_SECRET: 'a-signing-secret-0123' }))).toBeNull();
  });

  it('in HTTP mode serves /slack/events and needs no Slack call to start', async () => {
    const slack = createSlack(options({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'a-signing-secret-0123' }));
    expect(slack?.frontDoors).toHaveLength(1);
    expect(slack?.slack.socketMode).toBe(false);
    // Network is disabled in tests: any Slack call here would throw.
    await slack!.start();
    await slack!.stop();
    const bot = createBot(options({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'a-signing-secret-0123' }));
    expect(bot.senders.map((s) => s.channel)).toContain('slack');
  });

  it('uses Socket Mode when SLACK_APP_TOKEN is set: no HTTP endpoint, connection through SLACK_API_URL at start', async () => {
    const errors: string[] = [];
    const slack = createSlack(options({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-test' }, errors), {
      clientOptions: { retryConfig: { retries: 0 } },
    });
    expect(slack?.slack.socketMode).toBe(true);
    expect(slack?.routers).toEqual([]);
    expect(slack?.frontDoors).toEqual([]);
    let auth: string | undefined;
    const scope = nock('https://slack.test')
      .post('/api/apps.connections.open')
      .reply(function () {
        auth = String(this.req.headers.authorization);
        return [200, { ok: false, error: 'invalid_auth' }];
      });
    await slack!.start();
    await new Promise<void>((resolve) => {
      const check = () => (errors.includes('Slack Socket Mode could not connect') ? resolve() : setTimeout(check, 10));
      check();
    });
    expect(scope.isDone()).toBe(true);
    expect(auth).toBe('Bearer xapp-1-test');
    expect(errors.some((e) => e.includes('invalid_auth'))).toBe(true);
    await slack!.stop();
  });
});
