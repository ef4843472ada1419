import { describe, expect, it } from 'vitest';
import { createBot } from './index.js';
import { loadBotConfig } from './config.js';

const bot = (env: Record<string, string>) =>
  createBot({
    config: loadBotConfig({ SLACK_API_URL: 'https://slack.test/api/', ...env }),
    apiUrl: () => 'http://127.0.0.1:1',
    apiToken: () => 'dm_test',
  });

describe('createBot: what it tells the API about its channels', () => {
  it('nothing set: Slack off, Teams only for the Emulator', () => {
    expect(bot({}).integrations).toEqual({
      slack: { configured: false, mode: null },
      teams: { configured: false, emulatorOnly: true },
    });
  });

  it('Slack in HTTP mode or Socket Mode; Teams with its credentials — and never a credential itself', () => {
    const http = bot({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'a-signing-secret-0123' });
    expect(http.integrations.slack).toEqual({ configured: true, mode: 'http' });
    const socket = bot({
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_APP_TOKEN: 'xapp-1-test',
      MICROSOFT_APP_ID: 'app-id',
      MICROSOFT_APP_PASSWORD: 'app-password',
    });
    expect(socket.integrations).toEqual({
      slack: { configured: true, mode: 'socket' },
      teams: { configured: true, emulatorOnly: false },
    });
    expect(JSON.stringify(socket.integrations)).not.toMatch(/xoxb|xapp|app-password/);
  });
});
