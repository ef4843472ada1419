import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * The Bot Framework SDK costs some 200 MB: it loads on first use (ADR 7). Checked in a fresh
 * process, where nothing else has loaded it: the SDK is CommonJS, so once loaded it is in
 * require.cache.
 */
const script = `
import { createRequire } from 'node:module';
import express from 'express';
import { createBot, loadBotConfig } from '@deskmate/bot';
const require = createRequire(import.meta.url);
const loaded = () => Object.keys(require.cache).some((k) => k.includes('/node_modules/botbuilder/'));
const steps = {};
const bot = createBot({ config: loadBotConfig({}), apiUrl: () => 'http://127.0.0.1:9', apiToken: () => 'x' });
steps.created = loaded();
for (const s of bot.senders) s.plan({ kind: 'ticket.changed', ticket: null, notification: null, event: null, recipient: null, payload: {} });
steps.planned = loaded();
const app = express();
for (const r of bot.routers) app.use(r);
const server = app.listen(0, '127.0.0.1');
await new Promise((r) => server.once('listening', r));
const url = 'http://127.0.0.1:' + server.address().port + '/api/messages';
const post = (headers) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ type: 'message', serviceUrl: 'https://evil.example/' }) });
steps.strangerStatus = (await post({ 'x-forwarded-for': '203.0.113.9' })).status;
steps.afterStranger = loaded();
steps.localStatus = (await post({})).status;
steps.afterLocal = loaded();
server.close();
console.log(JSON.stringify(steps));
`;

function run(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=development', '--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: `${repoRoot}bot`,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`))));
  });
}

describe('the Teams SDK loads on first use', () => {
  it('not at start, not to plan deliveries, not for a refused stranger; on the first local activity', async () => {
    const steps = JSON.parse((await run()).trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(steps).toEqual({
      created: false,
      planned: false,
      strangerStatus: 403,
      afterStranger: false,
      // From this machine (the Emulator's place) the real endpoint answers: it refuses a
      // serviceUrl elsewhere, after loading the SDK.
      localStatus: 403,
      afterLocal: true,
    });
  }, 60_000);
});
