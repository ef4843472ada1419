import nock from 'nock';
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { presentedUser } from '../../../shared/src/test/presented.js';
import { loadBotConfig } from '../config.js';
import { AckFirstScheduler, createContext } from './context.js';
import { until } from '../../../api/src/test/until.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

afterEach(() => {
  nock.cleanAll();
});

describe('identity', () => {
  const user = presentedUser({
    id: '00000000-0000-4000-8000-000000000009',
    email: 'rita@example.test',
    name: 'Rita',
    role: 'agent',
    createdAt: '2030-01-01T00:00:00.000Z',
  });
  const context = (ttl: number) =>
    createContext(
      {
        config: loadBotConfig({}),
        apiUrl: () => 'https://deskmate.test',
        apiToken: () => 'dm_token',
      },
      quiet,
      { identityTtlMs: ttl },
    );
  const client = new WebClient('xoxb-1', { slackApiUrl: 'https://slack.test/api/', retryConfig: { retries: 0 } });

  it('asks users.info for the email, resolves once for simultaneous events, and caches briefly', async () => {
    const bodies: unknown[] = [];
    const slack = nock('https://slack.test')
      .post('/api/users.info')
      .once()
      .reply(200, {
        ok: true,
        user: { id: 'U1', team_id: 'T1', real_name: 'Rita R', profile: { email: 'Rita@Example.test' } },
      });
    const api = nock('https://deskmate.test')
      .post('/api/integrations/identities', (b: unknown) => {
        bodies.push(b);
        return true;
      })
      .once()
      .reply(200, { user, created: false, linked: true });
    const ctx = context(60_000);
    const [a, b] = await Promise.all([ctx.identity(client, 'U1'), ctx.identity(client, 'U1')]);
    expect(a).toEqual(b);
    expect(a.role).toBe('agent');
    expect(await ctx.identity(client, 'U1')).toEqual(a);
    expect(slack.isDone() && api.isDone()).toBe(true);
    expect(bodies).toEqual([
      { provider: 'slack', providerUserId: 'U1', providerTeamId: 'T1', email: 'Rita@Example.test', name: 'Rita R' },
    ]);
  });

  it('asks again once the cache has expired, and never caches a failure', async () => {
    nock('https://slack.test').post('/api/users.info').times(2).reply(200, { ok: false, error: 'user_not_found' });
    const ctx = context(0);
    await expect(ctx.identity(client, 'U2')).rejects.toThrow(/user_not_found/);
    await expect(ctx.identity(client, 'U2')).rejects.toThrow(/user_not_found/);
    expect(nock.isDone()).toBe(true);
  });
});

describe('AckFirstScheduler', () => {
  it('runs at most `max` jobs at once, in order', async () => {
    const scheduler = new AckFirstScheduler(2, 1000, 0);
    const started: number[] = [];
    const release: (() => void)[] = [];
    const jobs = [0, 1, 2, 3].map((i) =>
      scheduler.run(async () => {
        started.push(i);
        await new Promise<void>((r) => release.push(r));
      }),
    );
    await until(() => started.length === 2);
    expect(started).toEqual([0, 1]);
    release.shift()!();
    await until(() => started.length === 3);
    expect(started).toEqual([0, 1, 2]);
    while (release.length || started.length < 4) {
      release.shift()?.();
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(jobs);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('holds new work while Slack requests are being answered, and starts it when they are', async () => {
    const scheduler = new AckFirstScheduler(8, 60_000, 0);
    const answered = scheduler.arrived();
    let ran = false;
    const job = scheduler.run(async () => {
      ran = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(ran).toBe(false);
    answered();
    await job;
    expect(ran).toBe(true);
  });

  it('waits for the endpoint to be quiet for a moment after a burst', async () => {
    const scheduler = new AckFirstScheduler(8, 60_000, 40);
    scheduler.arrived()();
    const t0 = Date.now();
    await scheduler.run(async () => undefined);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(30);
  });

  it('does not hold work longer than maxDeferMs under steady traffic', async () => {
    const scheduler = new AckFirstScheduler(8, 30, 0);
    scheduler.arrived(); // never answered
    const t0 = Date.now();
    await scheduler.run(async () => undefined);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
  });
});
