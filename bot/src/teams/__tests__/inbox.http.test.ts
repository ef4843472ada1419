import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundEvents } from '../../../../api/src/db/schema.js';
import { createUser } from '../../../../api/src/test/factories.js';
import { execute, personalMessage, teamsUser } from './activities.js';
import { settleInbox, startTeamsHarness, type TeamsHarness } from './harness.js';

let h: TeamsHarness;
const nell = teamsUser('Nell Inbox', 'nell.inbox@example.com');
/** Requests that reached an HTTP server in this process, the Bot Connector stand-in's apart. */
const served: string[] = [];
const onRequest = (message: unknown) => {
  const { request } = message as { request: IncomingMessage };
  if (request.url?.startsWith('/api/')) served.push(`${request.method} ${request.url.split('?')[0]}`);
};

beforeAll(async () => {
  h = await startTeamsHarness();
  await createUser(h.app.database.db, { email: nell.email, name: 'Nell Inbox' });
  subscribe('http.server.request.start', onRequest);
});
afterAll(async () => {
  unsubscribe('http.server.request.start', onRequest);
  await h.stop();
});

const post = (activity: object) =>
  fetch(new URL('/api/messages', h.app.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });

/** The inbox key of an activity: its id in its conversation. */
const keyOf = (activity: { id?: unknown; conversation?: unknown }) =>
  `${String(activity.id)}|${(activity.conversation as { id: string }).id}`;

const recorded = (key: string) =>
  h.app.database.db
    .select()
    .from(inboundEvents)
    .where(and(eq(inboundEvents.provider, 'teams'), eq(inboundEvents.providerEventId, key)));

describe('Teams messages go through the recorded-request inbox, as Slack requests do', () => {
  it('a message is recorded, answered 200 with no body, then acted on by the job; in one process, without HTTP to the API', async () => {
    const message = personalMessage(h.connector.url, nell, 'My printer prints blank pages since Monday');
    const key = keyOf(message);
    const mark = h.connector.mark;
    served.length = 0;
    const res = await post(message);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const [row] = await recorded(key);
    expect(row).toBeDefined();
    await settleInbox(h.app);
    const [done] = await recorded(key);
    expect(done!.processedAt).not.toBeNull();
    expect(done!.payload).toBeNull();
    // The wizard's card went to Nell's chat, as a reply to her message.
    const replies = h.connector.since(mark, { under: nell.personalChat });
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.map((r) => r.body?.replyToId)).toEqual(replies.map(() => message.id));
    // The Teams endpoint itself is the only request that reached the HTTP server.
    expect(served).toEqual(['POST /api/messages']);
  });

  it('the same activity delivered again is answered 200 and does nothing', async () => {
    const message = personalMessage(h.connector.url, nell, 'start over');
    expect((await post(message)).status).toBe(200);
    await settleInbox(h.app);
    const mark = h.connector.mark;
    expect((await post(message)).status).toBe(200);
    await settleInbox(h.app);
    expect(h.connector.since(mark, { roster: true, under: nell.personalChat })).toEqual([]);
    expect(await recorded(keyOf(message))).toHaveLength(1);
  });

  it('an invoke is answered in its own response, at once, and recorded nowhere', async () => {
    const click = execute(h.connector.url, nell, 'no-such-card', { verb: 'no.such.verb', data: {} });
    const res = await post(click);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ statusCode: expect.any(Number) });
    expect(await recorded(keyOf(click))).toEqual([]);
  });
});
