import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliveries } from '../../../api/src/db/schema-delivery.js';
import { ticketCsat, ticketEvents, tickets } from '../../../api/src/db/schema.js';
import { call, sessionCookie } from '../../../api/src/test/auth.js';
import { createUser, type UserRow } from '../../../api/src/test/factories.js';
import { TRIAGE, startSlackHarness, until, type SlackHarness, type WebCall } from './__tests__/harness.js';

/**
 * Both directions through the real stack: Slack requests → API → outbox → worker → Slack sender.
 * One ticket, opened with a 🎫 reaction, is followed through its life.
 */

let h: SlackHarness;
let bob: UserRow;
let agent: UserRow;
let agent2: UserRow;
const BOB = 'U0BOB';
const AGENT = 'U0AGENT';
const AGENT2 = 'U0AGENT2';
const GENERAL = 'C0GENERAL';
const MESSAGE_TS = '1700000200.000100';
const BOB_TEXT = 'The shared drive S: is not mounting on my laptop since the update this morning';

type Block = { type: string; elements?: { action_id?: string; value?: string }[] };
const actionIds = (blocks: unknown) =>
  (blocks as Block[]).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []).map((e) => e.action_id) : []));
const text = (c: WebCall) => JSON.stringify(c.body);

let key: string;
let ticketId: string;
/** What the worker sent for the new ticket (recorded before the next test resets the calls). */
let sentForNewTicket: WebCall[] = [];

async function ticketRow() {
  const [t] = await h.database.db.select().from(tickets).where(eq(tickets.id, ticketId));
  return t!;
}

const cardAction = (user: string, action: Record<string, unknown>, cardTs: string) =>
  h.interaction({
    type: 'block_actions',
    user: { id: user },
    channel: { id: TRIAGE },
    container: { type: 'message', message_ts: cardTs, channel_id: TRIAGE },
    message: { ts: cardTs, text: '', blocks: [] },
    actions: [{ block_id: `triage:${key}`, action_ts: '1', ...action }],
  });

beforeAll(async () => {
  h = await startSlackHarness();
  const db = h.database.db;
  bob = await createUser(db, { email: 'bob@example.test', name: 'Bob Builder' });
  agent = await createUser(db, { email: 'agent@example.test', name: 'Ada Agent', role: 'agent' });
  agent2 = await createUser(db, { email: 'agent2@example.test', name: 'Ari Agent', role: 'agent' });
  for (const [id, u] of [
    [BOB, bob],
    [AGENT, agent],
    [AGENT2, agent2],
  ] as const)
    h.web.people.set(id, { id, email: u.email, name: u.name });
  h.web.messages.set(`${GENERAL}:${MESSAGE_TS}`, { user: BOB, text: BOB_TEXT });
});
afterAll(async () => {
  await h.stop();
});
beforeEach(async () => {
  await h.drain();
  h.web.reset();
});

describe('a 🎫 reaction', () => {
  it('delivered three times (Slack retries) creates one ticket for the author and one reply in the thread', async () => {
    const eventId = 'Ev0REACTION1';
    const event = {
      type: 'reaction_added',
      user: AGENT,
      reaction: 'ticket',
      item_user: BOB,
      item: { type: 'message', channel: GENERAL, ts: MESSAGE_TS },
      event_ts: '1.1',
    };
    const first = await h.event(event, { eventId });
    const retry1 = await h.event(event, {
      eventId,
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    const retry2 = await h.event(event, {
      eventId,
      headers: { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect([first.status, retry1.status, retry2.status]).toEqual([200, 200, 200]);
    // Someone else reacting to the same message is a new event, but not a new ticket.
    await h.event({ ...event, user: AGENT2 });
    await h.settle();

    const rows = await h.database.db.select().from(tickets).where(eq(tickets.requesterId, bob.id));
    expect(rows).toHaveLength(1);
    // Filed from Slack, so it is a Slack ticket (no confirmation email; the thread says it).
    expect(rows[0]!.channel).toBe('slack');
    key = rows[0]!.key;
    ticketId = rows[0]!.id;
    expect(rows[0]!.description).toBe(
      `${BOB_TEXT}\n\n(From https://acme.slack.com/archives/${GENERAL}/p1700000200000100)`,
    );
    const listenerCalls = h.web.calls.filter((c) => c.body.team_id === 'T0TEAM');
    expect(listenerCalls.map((c) => c.method)).toEqual([
      'conversations.history',
      'users.info',
      'chat.getPermalink',
      'chat.postMessage',
    ]);
    expect(listenerCalls[0]!.body).toEqual({
      team_id: 'T0TEAM',
      channel: GENERAL,
      latest: MESSAGE_TS,
      oldest: MESSAGE_TS,
      inclusive: 'true',
      limit: '1',
    });
    expect(listenerCalls[3]!.body).toMatchObject({ channel: GENERAL, thread_ts: MESSAGE_TS });
    expect(String(listenerCalls[3]!.body.text)).toContain(`*${key}*`);
    await h.drain();
    sentForNewTicket = h.web.calls.filter((c) => c.body.team_id === undefined);
  });
});

describe('the triage card', () => {
  let cardTs: string;

  it('is posted once to the triage channel with key, title, requester, priority, SLA and the four actions', async () => {
    const posts = sentForNewTicket.filter((c) => c.method === 'chat.postMessage' && c.body.channel === TRIAGE);
    expect(posts).toHaveLength(1);
    const card = posts[0]!;
    expect(Object.keys(card.body).sort()).toEqual(['blocks', 'channel', 'text']);
    expect(String(card.body.text)).toMatch(new RegExp(`^${key}: The shared drive S: is not mounting`));
    expect(text(card)).toContain(`<https://desk.test/tickets/${key}|${key} · The shared drive S: is not mounting`);
    expect(text(card)).toContain('Bob Builder');
    expect(text(card)).toMatch(/Priority\*\\n:[a-z_]+: (Low|Medium|High|Urgent)/);
    expect(text(card)).toMatch(/First response <!date\^\d+\^\{date_short_pretty\} at \{time\}\|/);
    expect(actionIds(card.body.blocks)).toEqual(['triage:claim', 'triage:assign', 'triage:priority', 'triage:resolve']);
    const [row] = await h.database.db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.kind, 'triage.card'), eq(deliveries.refKey, `slack:triage:${ticketId}`)));
    expect(row?.status).toBe('sent');

    // A change from the console updates the same message (a change: not the priority the
    // classifier already gave the ticket).
    const priority = (await ticketRow()).priority === 'medium' ? 'low' : 'medium';
    await call(h.app, 'PATCH', `/tickets/${key}`, { cookie: sessionCookie(h.app, agent), body: { priority } });
    await until(() => h.web.of('chat.update').some((c) => c.body.channel === TRIAGE));
    const update = h.web.of('chat.update').find((c) => c.body.channel === TRIAGE)!;
    cardTs = String(update.body.ts);
    const [cardRef] = await h.database.pool
      .query<{ ref: { message: string } }>(`SELECT ref FROM message_refs WHERE ref_key = $1`, [
        `slack:triage:${ticketId}`,
      ])
      .then((r) => r.rows);
    expect(cardTs).toBe(cardRef?.ref.message);
    expect(text(update)).toContain(priority === 'low' ? ':white_circle: Low' : ':large_blue_circle: Medium');
    expect(h.web.of('chat.postMessage').filter((c) => c.body.channel === TRIAGE)).toEqual([]);
  });

  it('the requester’s first DM about the ticket is found by email and opens the ticket’s thread', () => {
    const lookups = sentForNewTicket.filter((c) => c.method === 'users.lookupByEmail');
    expect(lookups.map((c) => c.body)).toEqual([{ email: 'bob@example.test' }]);
    const dm = sentForNewTicket.filter((c) => c.method === 'chat.postMessage' && c.body.channel === BOB);
    expect(dm).toHaveLength(1);
    expect(dm[0]!.body.thread_ts).toBeUndefined();
    expect(String(dm[0]!.body.text)).toBe(
      `We've opened ${key}: The shared drive S: is not mounting on my laptop since the update this morning`,
    );
    expect(text(dm[0]!)).toContain(`https://desk.test/portal/tickets/${key}`);
  });

  it('refuses a non-agent with an ephemeral explanation, and lets an agent claim (the card updates in place)', async () => {
    await cardAction(BOB, { type: 'button', action_id: 'triage:claim', value: key }, cardTs);
    await h.settle();
    const ephemeral = h.web.of('chat.postEphemeral');
    expect(ephemeral).toHaveLength(1);
    expect(ephemeral[0]!.body).toMatchObject({ channel: TRIAGE, user: BOB });
    expect(String(ephemeral[0]!.body.text)).toContain('Only IT agents');
    expect((await ticketRow()).assigneeId).toBeNull();

    await cardAction(AGENT, { type: 'button', action_id: 'triage:claim', value: key }, cardTs);
    await h.settle();
    expect((await ticketRow()).assigneeId).toBe(agent.id);
    await until(() => h.web.of('chat.update').some((c) => c.body.channel === TRIAGE && text(c).includes('Ada Agent')));
    const update = h.web.of('chat.update').find((c) => c.body.channel === TRIAGE && text(c).includes('Ada Agent'))!;
    expect(update.body.ts).toBe(cardTs);
    expect(actionIds(update.body.blocks)).not.toContain('triage:claim');
  });

  it('changes priority and assignee from the card’s menus', async () => {
    await cardAction(
      AGENT,
      {
        type: 'static_select',
        action_id: 'triage:priority',
        selected_option: { value: 'urgent', text: { type: 'plain_text', text: 'Urgent' } },
      },
      cardTs,
    );
    await h.settle();
    expect((await ticketRow()).priority).toBe('urgent');
    await cardAction(AGENT, { type: 'users_select', action_id: 'triage:assign', selected_user: BOB }, cardTs);
    await h.settle();
    expect(String(h.web.of('chat.postEphemeral').at(-1)?.body.text)).toContain('is not an IT agent');
    await cardAction(AGENT, { type: 'users_select', action_id: 'triage:assign', selected_user: AGENT2 }, cardTs);
    await h.settle();
    expect((await ticketRow()).assigneeId).toBe(agent2.id);
    await cardAction(AGENT2, { type: 'users_select', action_id: 'triage:assign', selected_user: AGENT }, cardTs);
    await h.settle();
    expect((await ticketRow()).assigneeId).toBe(agent.id);
  });
});

describe('two-way sync', () => {
  let dmRoot: { channel: string; ts: string };

  it('the requester got a DM opening the ticket’s thread; an agent’s public reply from the console arrives in it', async () => {
    const [ref] = await h.database.pool
      .query<{ ref: { conversation: string; message: string } }>(`SELECT ref FROM message_refs WHERE ref_key = $1`, [
        `slack:dm:${ticketId}:${bob.id}`,
      ])
      .then((r) => r.rows);
    expect(ref?.ref.conversation).toBe('D0BOB');
    dmRoot = { channel: ref!.ref.conversation, ts: ref!.ref.message };

    await call(h.app, 'POST', `/tickets/${key}/replies`, {
      cookie: sessionCookie(h.app, agent),
      body: { body: 'Please reboot once and tell me if S: is back.' },
    });
    await until(() => h.web.of('chat.postMessage').some((c) => c.body.channel === 'D0BOB'));
    const dm = h.web.of('chat.postMessage').find((c) => c.body.channel === 'D0BOB')!;
    expect(dm.body.thread_ts).toBe(dmRoot.ts);
    expect(text(dm)).toContain('Please reboot once and tell me if S: is back.');
    expect(text(dm)).toContain('Ada Agent');
  });

  it('the requester’s reply in the DM thread becomes a public reply on the ticket', async () => {
    await h.event({
      type: 'message',
      channel: dmRoot.channel,
      channel_type: 'im',
      user: BOB,
      text: 'Rebooted &amp; still nothing',
      ts: '1700000300.000001',
      thread_ts: dmRoot.ts,
    });
    await h.settle();
    const events = await h.database.db
      .select()
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.kind, 'reply')));
    const mine = events.find((e) => e.authorId === bob.id);
    expect(mine).toMatchObject({ visibility: 'public', body: 'Rebooted & still nothing' });
    expect(h.web.of('reactions.add')[0]?.body).toMatchObject({
      channel: dmRoot.channel,
      timestamp: '1700000300.000001',
      name: 'white_check_mark',
    });
  });

  it('a requester who asked for email only gets no DM for the next reply (the notification is still there)', async () => {
    const bobCookie = sessionCookie(h.app, bob);
    const pref = await call(h.app, 'PUT', '/notifications/preferences', {
      cookie: bobCookie,
      body: { delivery: 'email' },
    });
    expect(pref.status).toBe(200);
    try {
      await call(h.app, 'POST', `/tickets/${key}/replies`, {
        cookie: sessionCookie(h.app, agent),
        body: { body: 'Could you try the VPN client first?' },
      });
      await h.drain();
      expect(h.web.of('chat.postMessage').filter((c) => c.body.channel === 'D0BOB')).toEqual([]);
      const inbox = await call(h.app, 'GET', '/notifications', { cookie: bobCookie });
      expect(JSON.stringify(inbox.body)).toContain(key);
    } finally {
      await call(h.app, 'PUT', '/notifications/preferences', { cookie: bobCookie, body: { delivery: 'both' } });
    }
  });

  it('a message in the triage card’s thread is an internal note that never reaches the requester', async () => {
    const [cardRef] = await h.database.pool
      .query<{ ref: { conversation: string; message: string } }>(`SELECT ref FROM message_refs WHERE ref_key = $1`, [
        `slack:triage:${ticketId}`,
      ])
      .then((r) => r.rows);
    const secret = 'Internal: the S: share moved to the new NAS, do not tell users yet';
    // A requester cannot write notes, even in the card's thread.
    await h.event({
      type: 'message',
      channel: TRIAGE,
      channel_type: 'channel',
      user: BOB,
      text: 'let me in',
      ts: '1700000400.000001',
      thread_ts: cardRef!.ref.message,
    });
    await h.event({
      type: 'message',
      channel: TRIAGE,
      channel_type: 'channel',
      user: AGENT2,
      text: secret,
      ts: '1700000400.000002',
      thread_ts: cardRef!.ref.message,
    });
    await h.settle();
    const notes = await h.database.db
      .select()
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.kind, 'note')));
    expect(notes.map((n) => [n.body, n.visibility, n.authorId])).toEqual([[secret, 'internal', agent2.id]]);
    expect(h.web.of('chat.postEphemeral').map((c) => c.body.user)).toEqual([BOB]);
    expect(h.web.of('reactions.add').map((c) => c.body.name)).toEqual(['lock']);

    // The assignee is told about the note in their own DM; once that is sent, every delivery of the note has run.
    await until(() =>
      h.web.of('chat.postMessage').some((c) => c.body.channel === AGENT || c.body.channel === 'D0AGENT'),
    );
    await h.drain();
    const toAgent = h.web.of('chat.postMessage').filter((c) => String(c.body.channel).endsWith('0AGENT'));
    expect(toAgent.some((c) => text(c).includes('do not tell users yet'))).toBe(true);
    const toBob = h.web.calls.filter((c) => String(c.body.channel).endsWith('0BOB') || c.body.user === BOB);
    expect(toBob.some((c) => text(c).includes('do not tell users yet'))).toBe(false);
  });

  it('Resolve on the card: the requester is told in the thread and asked to rate; the rating is kept', async () => {
    const [cardRef] = await h.database.pool
      .query<{ ref: { conversation: string; message: string } }>(`SELECT ref FROM message_refs WHERE ref_key = $1`, [
        `slack:triage:${ticketId}`,
      ])
      .then((r) => r.rows);
    await cardAction(AGENT, { type: 'button', action_id: 'triage:resolve', value: key }, cardRef!.ref.message);
    await h.settle();
    expect((await ticketRow()).status).toBe('resolved');
    await until(() =>
      h.web
        .of('chat.postMessage')
        .some((c) => c.body.channel === 'D0BOB' && actionIds(c.body.blocks).includes('csat:5')),
    );
    const dm = h.web
      .of('chat.postMessage')
      .find((c) => c.body.channel === 'D0BOB' && actionIds(c.body.blocks).includes('csat:5'))!;
    expect(dm.body.thread_ts).toBe(dmRoot.ts);
    expect(actionIds(dm.body.blocks)).toEqual(['csat:1', 'csat:2', 'csat:3', 'csat:4', 'csat:5']);
    // The card loses its buttons once the ticket is resolved.
    await until(() => h.web.of('chat.update').some((c) => c.body.channel === TRIAGE && text(c).includes('Resolved')));
    expect(
      actionIds(
        h.web
          .of('chat.update')
          .filter((c) => c.body.channel === TRIAGE)
          .at(-1)!.body.blocks,
      ),
    ).toEqual([]);

    await h.interaction({
      type: 'block_actions',
      user: { id: BOB },
      channel: { id: 'D0BOB' },
      container: { type: 'message', message_ts: '1700000500.000001', channel_id: 'D0BOB' },
      message: { ts: '1700000500.000001', text: '', blocks: dm.body.blocks },
      actions: [{ type: 'button', action_id: 'csat:5', block_id: `csat:${key}`, value: key, action_ts: '1' }],
    });
    await h.settle();
    const [csat] = await h.database.db.select().from(ticketCsat).where(eq(ticketCsat.ticketId, ticketId));
    expect(csat?.rating).toBe(5);
    const thanks = h.web.of('chat.update').find((c) => c.body.channel === 'D0BOB')!;
    expect(thanks.body.ts).toBe('1700000500.000001');
    expect(actionIds(thanks.body.blocks)).toEqual([]);
    expect(text(thanks)).toContain('You rated');
  });
});

describe('rate limits', () => {
  it('a 429 from Slack is retried by the delivery job after Retry-After', async () => {
    h.web.answer('chat.update', () => ({
      status: 429,
      headers: { 'retry-after': '1' },
      body: { ok: false, error: 'ratelimited' },
    }));
    await call(h.app, 'PATCH', `/tickets/${key}`, { cookie: sessionCookie(h.app, agent), body: { priority: 'low' } });
    await until(() => h.web.of('chat.update').filter((c) => c.body.channel === TRIAGE).length === 2);
    const [first, second] = h.web.of('chat.update');
    expect(second!.body).toEqual(first!.body);
    // The job records the outcome after Slack answered: one delivery, sent on its second attempt.
    const retried = async () =>
      (
        await h.database.db
          .select()
          .from(deliveries)
          .where(eq(deliveries.refKey, `slack:triage:${ticketId}`))
      ).filter((r) => r.attempts === 2);
    await until(async () => (await retried()).some((r) => r.status !== 'pending'));
    expect((await retried()).map((r) => r.status)).toEqual(['sent']);
  });
});
