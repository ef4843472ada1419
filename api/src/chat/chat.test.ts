import { eq } from 'drizzle-orm';
import type { TChatSession, TTicket, wizard } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../test/clock.js';
import { chatSessions, kbSuggestions, tickets } from '../db/schema.js';
import type { UserRow } from '../http/context.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';

const testDatabase = useTestDatabase();
let database: TestDatabase;
let a: TestApp;
let b: TestApp;
let alice: UserRow;
let bob: UserRow;
let botToken: string;
const clock = new FakeClock('2026-03-02T10:00:00Z');
type Res = { session: TChatSession; resumed: boolean };

beforeAll(async () => {
  database = testDatabase.current;
  a = await startTestApp({ database, clock, env: { INTEGRATION_TOKEN: 'dm_bot-token-for-chat-tests-0123456789' } });
  b = await startTestApp({ database, clock, env: { INTEGRATION_TOKEN: 'dm_bot-token-for-chat-tests-0123456789' } });
  botToken = 'dm_bot-token-for-chat-tests-0123456789';
  alice = await createUserWithPassword(database.db, { name: 'Alice' });
  bob = await createUserWithPassword(database.db, { name: 'Bob' });
});
afterAll(async () => {
  await b.stop();
  await a.stop();
});

const say = (app: TestApp, user: UserRow, id: string, input: wizard.TWizardInput, version?: number) =>
  call<Res>(app, 'POST', `/chat/sessions/${id}/input`, {
    cookie: sessionCookie(app, user),
    body: { input, ...(version !== undefined ? { version } : {}) },
  });

describe('the chat sessions API', () => {
  it('a conversation started on one instance continues on another, and files a ticket with the classified priority', async () => {
    const started = await call<Res>(a, 'POST', '/chat/sessions', {
      cookie: sessionCookie(a, alice),
      body: { channel: 'web' },
    });
    expect(started.status).toBe(200);
    const id = started.body.session.id;
    const s1 = await say(b, alice, id, {
      type: 'text',
      text: 'The whole office has no internet since 9am, nobody can work',
    });
    expect(s1.body.session.step).toMatch(/suggest|category/);
    let s = s1.body.session;
    if (s.step === 'suggest') s = (await say(a, alice, id, { type: 'choice', value: 'need_help' })).body.session;
    expect(s.step).toBe('category');
    s = (await say(b, alice, id, { type: 'choice', value: 'network' })).body.session;
    s = (await say(a, alice, id, { type: 'choices', values: ['many', 'blocked'] })).body.session;
    s = (await say(b, alice, id, { type: 'choice', value: 'skip' })).body.session;
    expect(s.step).toBe('summary');
    s = (await say(a, alice, id, { type: 'choice', value: 'confirm' })).body.session;
    expect(s.step).toBe('created');
    expect(s.finished).toBe(true);
    expect(s.ticketKey).toMatch(/^IT-\d+$/);
    const ticket = await call<{ ticket: TTicket }>(b, 'GET', `/tickets/${s.ticketKey}`, {
      cookie: sessionCookie(b, alice),
    });
    expect(ticket.body.ticket).toMatchObject({
      priority: 'urgent',
      category: 'network',
      channel: 'web',
      requester: { id: alice.id },
    });
  });

  it('resumes an unfinished conversation, and a greeting mid-flow resumes instead of restarting', async () => {
    const first = await call<Res>(a, 'POST', '/chat/sessions', {
      cookie: sessionCookie(a, bob),
      body: { channel: 'web', conversation: 'resume' },
    });
    const id = first.body.session.id;
    await say(a, bob, id, { type: 'text', text: 'My laptop is very slow since the update and Teams freezes' });
    const again = await call<Res>(b, 'POST', '/chat/sessions', {
      cookie: sessionCookie(b, bob),
      body: { channel: 'web', conversation: 'resume' },
    });
    expect(again.body.resumed).toBe(true);
    expect(again.body.session.id).toBe(id);
    expect(again.body.session.step).not.toBe('describe');
    const hello = await say(b, bob, id, { type: 'text', text: 'hi' });
    expect(hello.body.session.step).toBe(again.body.session.step);
  });

  it('a conversation idle longer than CHAT_SESSION_TTL starts over', async () => {
    const started = await call<Res>(a, 'POST', '/chat/sessions', {
      cookie: sessionCookie(a, bob),
      body: { channel: 'web', conversation: 'expiry' },
    });
    await say(a, bob, started.body.session.id, {
      type: 'text',
      text: 'Printer on floor 2 says paper jam but nothing is stuck',
    });
    clock.advance(31 * 60_000);
    const resumed = await call<Res>(a, 'POST', '/chat/sessions', {
      cookie: sessionCookie(a, bob),
      body: { channel: 'web', conversation: 'expiry' },
    });
    expect(resumed.body.resumed).toBe(false);
    expect(resumed.body.session.step).toBe('describe');
  });

  it('a stale version gets 409 with the conversation as it is now; nothing is applied twice', async () => {
    const started = await call<Res>(a, 'POST', '/chat/sessions', {
      cookie: sessionCookie(a, bob),
      body: { channel: 'web', conversation: 'race' },
    });
    const { id, version } = started.body.session;
    const [x, y] = await Promise.all([
      say(a, bob, id, { type: 'text', text: 'Cannot open the finance shared drive, access denied' }, version),
      say(b, bob, id, { type: 'text', text: 'Cannot open the finance shared drive, access denied' }, version),
    ]);
    expect([x.status, y.status].sort()).toEqual([200, 409]);
    const conflict = (x.status === 409 ? x : y).body as unknown as { error: { details: { session: TChatSession } } };
    expect(conflict.error.details.session.version).toBe(version + 1);
  });

  it('prefills from text (/ticket …) and records where it came from', async () => {
    const res = await call<Res>(a, 'POST', '/chat/sessions', {
      cookie: sessionCookie(a, alice),
      body: {
        channel: 'web',
        conversation: 'prefill',
        text: 'VPN drops every five minutes',
        sourceUrl: 'https://example.slack.com/archives/C1/p123',
      },
    });
    expect(res.body.session.step).not.toBe('describe');
    const [row] = await database.db.select().from(chatSessions).where(eq(chatSessions.id, res.body.session.id));
    expect((row?.state as { draft: { description: string } }).draft.description).toContain(
      'https://example.slack.com/archives/C1/p123',
    );
  });

  it('a message turned into a ticket keeps its author with the text', async () => {
    const res = await call<Res>(a, 'POST', '/chat/sessions', {
      cookie: sessionCookie(a, alice),
      body: {
        channel: 'web',
        conversation: 'from-a-message',
        text: 'The projector in room 4 shows no picture',
        sourceUrl: 'https://teams.microsoft.com/l/message/19:abc@thread.tacv2/1700000000001',
        sourceAuthor: 'Bob Builder',
      },
    });
    expect(res.status).toBe(200);
    const [row] = await database.db.select().from(chatSessions).where(eq(chatSessions.id, res.body.session.id));
    expect((row?.state as { draft: { description: string } }).draft.description).toBe(
      'The projector in room 4 shows no picture\n\n(From a message by Bob Builder: https://teams.microsoft.com/l/message/19:abc@thread.tacv2/1700000000001)',
    );
  });

  it('someone else’s conversation is 404', async () => {
    const mine = await call<Res>(a, 'POST', '/chat/sessions', {
      cookie: sessionCookie(a, alice),
      body: { channel: 'web', conversation: 'private' },
    });
    const theirs = await say(a, bob, mine.body.session.id, { type: 'text', text: 'hello' });
    expect(theirs.status).toBe(404);
  });

  it('the bot drives Slack conversations as the chat user; people cannot, and the bot cannot use the portal channel', async () => {
    await call(a, 'POST', '/integrations/identities', {
      bearer: botToken,
      body: { provider: 'slack', providerUserId: 'U123', email: alice.email },
    });
    const asBot = {
      bearer: botToken,
      headers: { 'x-deskmate-act-as-provider': 'slack', 'x-deskmate-act-as-user': 'U123' },
    };
    const slack = await call<Res>(a, 'POST', '/chat/sessions', {
      ...asBot,
      body: { channel: 'slack', conversation: 'D123' },
    });
    expect(slack.status).toBe(200);
    expect((await call(a, 'POST', '/chat/sessions', { ...asBot, body: { channel: 'web' } })).status).toBe(403);
    expect(
      (await call(a, 'POST', '/chat/sessions', { cookie: sessionCookie(a, alice), body: { channel: 'slack' } })).status,
    ).toBe(403);
    const [row] = await database.db.select().from(chatSessions).where(eq(chatSessions.id, slack.body.session.id));
    expect(row?.userId).toBe(alice.id);
  });

  it('refuses malformed input with 400 and keeps the state', async () => {
    const started = await call<Res>(a, 'POST', '/chat/sessions', {
      cookie: sessionCookie(a, bob),
      body: { channel: 'web', conversation: 'bad' },
    });
    const id = started.body.session.id;
    for (const body of [
      { input: { type: 'dance' } },
      { input: { type: 'text' } },
      { input: 'text' },
      { input: { type: 'text', text: 'x' }, extra: 1 },
    ]) {
      const res = await call(a, 'POST', `/chat/sessions/${id}/input`, { cookie: sessionCookie(a, bob), body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const [row] = await database.db.select().from(chatSessions).where(eq(chatSessions.id, id));
    expect(row?.version).toBe(started.body.session.version);
  });
});

describe('deflection', () => {
  it('records suggestions and outcomes; a ticket within 7 days undoes a deflection', async () => {
    const carol = await createUserWithPassword(database.db, { name: 'Carol' });
    const dave = await createUserWithPassword(database.db, { name: 'Dave' });
    const solve = async (user: UserRow, conversation: string) => {
      const s = await call<Res>(a, 'POST', '/chat/sessions', {
        cookie: sessionCookie(a, user),
        body: { channel: 'web', conversation, text: 'how do I set up my work email on my iphone' },
      });
      expect(s.body.session.step).toBe('suggest');
      const solvedChoice = s.body.session.prompt.choices!.find((c) => c.value.startsWith('solved:'))!;
      const done = await say(a, user, s.body.session.id, { type: 'choice', value: solvedChoice.value });
      expect(done.body.session.step).toBe('deflected');
      return solvedChoice.value.slice('solved:'.length);
    };
    const slug = await solve(carol, 'd1');
    await solve(dave, 'd2');
    // Dave opens a ticket two days later anyway: not a deflection.
    clock.advance(2 * 86_400_000);
    await call(a, 'POST', '/tickets', {
      cookie: sessionCookie(a, dave),
      body: { title: 'Email on phone still broken', description: 'x' },
    });
    const rows = await database.db.select().from(kbSuggestions).where(eq(kbSuggestions.userId, carol.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: 'solved', solvedSlug: slug });
    const admin = await createUserWithPassword(database.db, { role: 'agent' });
    const report = await call<{
      suggested: number;
      solved: number;
      deflected: number;
      rate: number;
      topArticles: { slug: string; deflected: number }[];
    }>(a, 'GET', '/reports/deflection?from=2026-01-01T00:00:00Z&to=2026-12-31T00:00:00Z', {
      cookie: sessionCookie(a, admin),
    });
    const solvedHere = report.body.solved;
    expect(solvedHere).toBeGreaterThanOrEqual(2);
    expect(report.body.deflected).toBe(solvedHere - 1);
    expect(report.body.topArticles.find((t) => t.slug === slug)?.deflected).toBeGreaterThanOrEqual(1);
    expect(report.body.rate).toBeCloseTo(report.body.deflected / report.body.suggested, 5);
    expect((await call(a, 'GET', '/reports/deflection', { cookie: sessionCookie(a, carol) })).status).toBe(403);
  });

  it('a ticket filed from a conversation is linked to its suggestions', async () => {
    const erin = await createUserWithPassword(database.db);
    const s = await call<Res>(a, 'POST', '/chat/sessions', {
      cookie: sessionCookie(a, erin),
      body: { channel: 'web', text: 'outlook on my laptop is not syncing new email' },
    });
    const id = s.body.session.id;
    await say(a, erin, id, { type: 'choice', value: 'need_help' });
    await say(a, erin, id, { type: 'choice', value: 'email' });
    await say(a, erin, id, { type: 'choices', values: ['me', 'slowed'] });
    await say(a, erin, id, { type: 'choice', value: 'skip' });
    const done = await say(a, erin, id, { type: 'choice', value: 'confirm' });
    const [ticket] = await database.db.select().from(tickets).where(eq(tickets.key, done.body.session.ticketKey!));
    const [suggestion] = await database.db.select().from(kbSuggestions).where(eq(kbSuggestions.sessionId, id));
    expect(suggestion).toMatchObject({ outcome: 'need_help', ticketId: ticket!.id });
  });
});
