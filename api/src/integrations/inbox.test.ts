import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INBOX_BATCH_MAX, type TInboundHandler, type TInboxRequest } from '@deskmate/shared';
import { agendaJobs, inboundEvents } from '../db/schema.js';
import type { UserRow } from '../http/context.js';
import { inboundProcess } from '../jobs/definitions/inbound-process.js';
import type { JobContext } from '../jobs/registry.js';
import { PermanentJobError } from '../jobs/registry.js';
import { silentLogger } from '../logger.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';

const TOKEN = 'dm_inbox-integration-token-0123456789abcdef';

const testDatabase = useTestDatabase();
let database: TestDatabase;
let app: TestApp; // the API role: no worker, so the queued jobs stay to be looked at
let admin: UserRow;

beforeAll(async () => {
  database = testDatabase.current;
  app = await startTestApp({ database, role: 'api', env: { INTEGRATION_TOKEN: TOKEN } });
  admin = await createUserWithPassword(database.db, { role: 'admin' });
});
afterAll(async () => {
  await app.stop();
});

const record = (body: unknown, auth: { bearer?: string; cookie?: string } = { bearer: TOKEN }) =>
  call<{ first: boolean[] }>(app, 'POST', '/integrations/inbox', { ...auth, body });

const jobsFor = async (keyPrefix: string) => {
  const rows = await database.db
    .select({ id: inboundEvents.id })
    .from(inboundEvents)
    .where(like(inboundEvents.providerEventId, `${keyPrefix}%`));
  const jobs = [];
  for (const r of rows)
    jobs.push(
      ...(await database.db
        .select()
        .from(agendaJobs)
        .where(eq(agendaJobs.dedupeKey, `inbound:${r.id}`))),
    );
  return jobs;
};

/** Inbox inserts run so far, as PostgreSQL counts them for the test database (xact stats flushed). */
async function inboxStatements(): Promise<number> {
  // The number of INSERT statements is not kept per table; inserted rows per statement vary. What
  // is counted is the backend's transactions that wrote inbound_events: one per statement.
  const r = await database.pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM (SELECT DISTINCT xmin FROM inbound_events WHERE provider_event_id LIKE 'burst:%') t`,
  );
  return Number(r.rows[0]!.n);
}

describe('POST /api/integrations/inbox', () => {
  it('records each new request with its payload and queues one inbound.process job for it', async () => {
    const request: TInboxRequest = {
      provider: 'slack',
      events: [
        { key: 'rec:command:T1', payload: { body: { command: '/ticket', text: 'vpn' } }, priority: 5 },
        { key: 'rec:event:Ev1', payload: { body: { type: 'event_callback' } } },
      ],
    };
    const res = await record(request);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ first: [true, true] });
    const [row] = await database.db
      .select()
      .from(inboundEvents)
      .where(eq(inboundEvents.providerEventId, 'rec:command:T1'));
    expect(row).toMatchObject({
      provider: 'slack',
      payload: { body: { command: '/ticket', text: 'vpn' } },
      processedAt: null,
      failedAt: null,
    });
    const jobs = await jobsFor('rec:');
    expect(jobs).toHaveLength(2);
    expect(jobs.find((j) => (j.data as { id: number }).id === row!.id)).toMatchObject({
      name: 'inbound.process',
      priority: 5,
      data: { id: row!.id },
    });
  });

  it('records a key once: a redelivery in a later batch or twice in the same batch is not first', async () => {
    const event = (key: string) => ({ key, payload: { body: { n: key } } });
    expect((await record({ provider: 'slack', events: [event('dup:a')] })).body.first).toEqual([true]);
    const res = await record({ provider: 'slack', events: [event('dup:a'), event('dup:b'), event('dup:b')] });
    expect(res.body.first).toEqual([false, true, false]);
    expect(await jobsFor('dup:')).toHaveLength(2);
    // The same key from another provider is another request.
    expect((await record({ provider: 'teams', events: [event('dup:a')] })).body.first).toEqual([true]);
  });

  it('answers a burst of requests each for its own events, written together in a few statements', async () => {
    const event = (key: string) => ({ key, payload: { body: { n: key } } });
    const statementsBefore = await inboxStatements();
    // 60 requests at once, two of them redeliveries of one key, one for another provider's key.
    const burst = Array.from({ length: 60 }, (_, i) =>
      record({
        provider: i === 59 ? 'teams' : 'slack',
        events: [event(`burst:${i === 10 || i === 11 || i === 59 ? 'same' : i}`), event(`burst:x${i}`)],
      }),
    );
    const answers = await Promise.all(burst);
    expect(answers.every((r) => r.status === 200)).toBe(true);
    const firsts = answers.map((r) => r.body.first);
    // Exactly one of the two Slack requests carrying `burst:same` recorded it; Teams' is its own.
    expect([firsts[10]![0], firsts[11]![0]].sort()).toEqual([false, true]);
    expect(firsts[59]).toEqual([true, true]);
    expect(firsts.filter((_, i) => i !== 10 && i !== 11).every((f) => f.every(Boolean))).toBe(true);
    expect(await jobsFor('burst:')).toHaveLength(60 * 2 - 1);
    // Fewer statements than requests: those arriving while one is written go in the next.
    expect((await inboxStatements()) - statementsBefore).toBeLessThan(60);
  });

  it('takes the integration token only: no session, no one else', async () => {
    const body = { provider: 'slack', events: [{ key: 'auth:1', payload: {} }] };
    expect((await record(body, {})).status).toBe(401);
    expect((await record(body, { bearer: 'dm_not-a-real-token' })).status).toBe(401);
    expect((await record(body, { cookie: sessionCookie(app, admin) })).status).toBe(403);
    expect(await jobsFor('auth:')).toEqual([]);
  });

  it('refuses malformed batches with 400, naming the field, and records none of it', async () => {
    const ok = { key: 'bad:ok', payload: {} };
    const cases: [unknown, string][] = [
      [{ provider: 'irc', events: [ok] }, 'body.provider'],
      [{ provider: 'slack', events: [] }, 'body.events'],
      [
        {
          provider: 'slack',
          events: Array.from({ length: INBOX_BATCH_MAX + 1 }, (_, i) => ({ key: `bad:${i}`, payload: {} })),
        },
        'body.events',
      ],
      [{ provider: 'slack', events: [ok, { key: '', payload: {} }] }, 'body.events.1.key'],
      [{ provider: 'slack', events: [ok, { key: 'x'.repeat(301), payload: {} }] }, 'body.events.1.key'],
      [{ provider: 'slack', events: [ok, { key: 'bad:2', payload: [] }] }, 'body.events.1.payload'],
      [{ provider: 'slack', events: [ok, { key: 'bad:3', payload: {}, priority: 99 }] }, 'body.events.1.priority'],
      [{ provider: 'slack', events: [{ ...ok, extra: 1 }] }, 'body.events.0'],
    ];
    for (const [body, field] of cases) {
      const res = await record(body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(JSON.stringify(res.body)).toContain(field);
    }
    expect(await jobsFor('bad:')).toEqual([]);
  });
});

describe('the inbound.process job', () => {
  const idOf = async (key: string) => {
    await record({ provider: 'slack', events: [{ key, payload: { body: { key } } }] });
    const [row] = await database.db.select().from(inboundEvents).where(eq(inboundEvents.providerEventId, key));
    return row!.id;
  };
  const context = (inbound: TInboundHandler[]): JobContext => ({
    db: database.db,
    logger: silentLogger(),
    clock: app.runtime.services.clock,
    config: app.config,
    attempt: 1,
    senders: [],
    inbound,
  });

  it("acts on a request once through its provider's handler, then drops the payload", async () => {
    const seen: unknown[] = [];
    const ctx = context([{ provider: 'slack', handle: async (payload) => void seen.push(payload) }]);
    const id = await idOf('job:ok');
    await inboundProcess.handler({ id }, ctx);
    await inboundProcess.handler({ id }, ctx);
    expect(seen).toEqual([{ body: { key: 'job:ok' } }]);
    const [row] = await database.db.select().from(inboundEvents).where(eq(inboundEvents.id, id));
    expect(row).toMatchObject({ payload: null, failedAt: null, lastError: null });
    expect(row!.processedAt).toBeInstanceOf(Date);
  });

  it('keeps the payload and the error of a request that failed, and marks it failed when the job is dead', async () => {
    const id = await idOf('job:fails');
    const ctx = context([
      {
        provider: 'slack',
        handle: async () => {
          throw new Error('Slack said ratelimited');
        },
      },
    ]);
    await expect(inboundProcess.handler({ id }, ctx)).rejects.toThrow('ratelimited');
    await inboundProcess.onDead!({ id }, ctx, new Error('Slack said ratelimited'));
    const [row] = await database.db.select().from(inboundEvents).where(eq(inboundEvents.id, id));
    expect(row).toMatchObject({
      payload: { body: { key: 'job:fails' } },
      processedAt: null,
      lastError: 'Slack said ratelimited',
    });
    expect(row!.failedAt).toBeInstanceOf(Date);
    // A failed request is not run again.
    let ran = false;
    await inboundProcess.handler({ id }, context([{ provider: 'slack', handle: async () => void (ran = true) }]));
    expect(ran).toBe(false);
  });

  it('fails for good in a process without a handler for the provider', async () => {
    const id = await idOf('job:nohandler');
    await expect(inboundProcess.handler({ id }, context([]))).rejects.toBeInstanceOf(PermanentJobError);
  });
});
