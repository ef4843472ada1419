import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliveries } from '../../../api/src/db/schema-delivery.js';
import { loadMessageRef } from '../../../api/src/delivery/message-refs.js';
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
/** A 1x1 PNG, as a screenshot's bytes. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082',
  'hex',
);
const BOB_TEXT = 'The shared drive S: is not mounting on my laptop since the update this morning';

type Block = { type: string; elements?: { action_id?: string; value?: string }[] };
const actionIds = (blocks: unknown) =>
  (blocks as Block[]).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []).map((e) => e.action_id) : []));
const text = (c: WebCall) => JSON.stringify(c.body);

let key: string;
let ticketId: string;
/** What the worker sent for the new ticket (recorded before the next test resets the calls). */
let sentForNewTicket: WebCall[] = [];
/** The stored handle of the ticket's triage card, as the delivery job reads it. */
const cardRef = async () => (await loadMessageRef(h.database.db, 'slack', { purpose: 'triage_card', ticketId }))!;

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

  it('is posted once to the triage channel with key, title, requester, priority, SLA and its actions (Reply to requester among them)', async () => {
    const posts = sentForNewTicket.filter((c) => c.method === 'chat.postMessage' && c.body.channel === TRIAGE);
    expect(posts).toHaveLength(1);
    const card = posts[0]!;
    expect(Object.keys(card.body).sort()).toEqual(['blocks', 'channel', 'text']);
    expect(String(card.body.text)).toMatch(new RegExp(`^${key}: The shared drive S: is not mounting`));
    expect(text(card)).toContain(`<https://desk.test/tickets/${key}|${key} · The shared drive S: is not mounting`);
    expect(text(card)).toContain('Bob Builder');
    expect(text(card)).toMatch(/Priority\*\\n:[a-z_]+: (Low|Medium|High|Urgent)/);
    expect(text(card)).toMatch(/First response <!date\^\d+\^\{date_short_pretty\} at \{time\}\|/);
    expect(actionIds(card.body.blocks)).toEqual([
      'triage:claim',
      'triage:assign',
      'triage:priority',
      'triage:resolve',
      'triage:reply',
    ]);
    const [row] = await h.database.db
      .select()
      .from(deliveries)
      .where(
        and(
          eq(deliveries.kind, 'triage.card'),
          eq(deliveries.refPurpose, 'triage_card'),
          eq(deliveries.refTicketId, ticketId),
        ),
      );
    expect(row?.status).toBe('sent');

    // A change from the console updates the same message (a change: not the priority the
    // classifier already gave the ticket).
    const priority = (await ticketRow()).priority === 'medium' ? 'low' : 'medium';
    await call(h.app, 'PATCH', `/tickets/${key}`, { cookie: sessionCookie(h.app, agent), body: { priority } });
    await until(() => h.web.of('chat.update').some((c) => c.body.channel === TRIAGE));
    const update = h.web.of('chat.update').find((c) => c.body.channel === TRIAGE)!;
    cardTs = String(update.body.ts);
    expect(cardTs).toBe((await cardRef()).message);
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
    // Whom a ticket can be assigned to is the API's to say, in the same words as for the Assign form.
    await cardAction(AGENT, { type: 'users_select', action_id: 'triage:assign', selected_user: BOB }, cardTs);
    await h.settle();
    expect(String(h.web.of('chat.postEphemeral').at(-1)?.body.text)).toContain(
      'tickets can only be assigned to active agents',
    );
    expect((await ticketRow()).assigneeId).toBe(agent.id);
    await cardAction(AGENT, { type: 'users_select', action_id: 'triage:assign', selected_user: AGENT2 }, cardTs);
    await h.settle();
    expect((await ticketRow()).assigneeId).toBe(agent2.id);
    await cardAction(AGENT2, { type: 'users_select', action_id: 'triage:assign', selected_user: AGENT }, cardTs);
    await h.settle();
    expect((await ticketRow()).assigneeId).toBe(agent.id);
  });
});

describe('the triage card’s forms (modals)', () => {
  const cardTsNow = async () => (await cardRef()).message;
  const submit = (callbackId: string, meta: string, values: Record<string, unknown>, user = AGENT) =>
    h.interaction({
      type: 'view_submission',
      user: { id: user },
      view: {
        id: `V0${callbackId.toUpperCase()}${Date.now()}`,
        type: 'modal',
        callback_id: callbackId,
        private_metadata: meta,
        state: { values },
      },
    });

  it('Assign… offers the agents of the ticket’s group (all agents when it has none), the assignee chosen; the choice assigns', async () => {
    await cardAction(AGENT, { type: 'button', action_id: 'triage:assign', value: key }, await cardTsNow());
    await h.settle();
    const view = h.web.of('views.open')[0]!.body.view as {
      callback_id: string;
      private_metadata: string;
      blocks: {
        element?: { options?: { value: string; text: { text: string } }[]; initial_option?: { value: string } };
      }[];
    };
    expect(view.callback_id).toBe('triage_assign');
    const menu = view.blocks.find((b) => b.element?.options)!.element!;
    // No group on this ticket: every active agent, by name.
    expect(menu.options!.map((o) => o.text.text)).toEqual(['Ada Agent', 'Ari Agent']);
    expect(menu.initial_option?.value).toBe(agent.id);
    await submit('triage_assign', view.private_metadata, {
      assignee: {
        agent: {
          type: 'static_select',
          selected_option: { value: agent2.id, text: { type: 'plain_text', text: 'Ari Agent' } },
        },
      },
    });
    await h.settle();
    expect((await ticketRow()).assigneeId).toBe(agent2.id);
  });

  it('Priority… changes the priority with a reason, kept with the change for agents only', async () => {
    await cardAction(AGENT, { type: 'button', action_id: 'triage:priority', value: key }, await cardTsNow());
    await h.settle();
    const view = h.web.of('views.open')[0]!.body.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('triage_priority');
    await submit('triage_priority', view.private_metadata, {
      priority: {
        level: {
          type: 'static_select',
          selected_option: { value: 'high', text: { type: 'plain_text', text: 'High' } },
        },
      },
      reason: { text: { type: 'plain_text_input', value: 'Finance closes the month on Friday' } },
    });
    await h.settle();
    expect((await ticketRow()).priority).toBe('high');
    const [change] = await h.database.db
      .select()
      .from(ticketEvents)
      .where(
        and(
          eq(ticketEvents.ticketId, ticketId),
          eq(ticketEvents.body, 'Priority changed from urgent to high: Finance closes the month on Friday'),
        ),
      );
    expect(change?.visibility).toBe('internal');
  });

  it('a refusal from the API is told to the agent who submitted, in the channel, only to them', async () => {
    const meta = JSON.stringify({ key, channel: TRIAGE });
    await submit('triage_assign', meta, {
      assignee: {
        agent: { type: 'static_select', selected_option: { value: bob.id, text: { type: 'plain_text', text: 'Bob' } } },
      },
    });
    await h.settle();
    const told = h.web.of('chat.postEphemeral');
    expect(told.map((c) => [c.body.channel, c.body.user])).toEqual([[TRIAGE, AGENT]]);
    expect(String(told[0]!.body.text)).toContain('tickets can only be assigned to active agents');
    expect((await ticketRow()).assigneeId).toBe(agent2.id);
    // Back to Ada for the tests that follow.
    await call(h.app, 'PATCH', `/tickets/${key}`, {
      cookie: sessionCookie(h.app, agent),
      body: { assigneeId: agent.id },
    });
  });

  it('the requester presses each of the card’s buttons and menus and submits each form: refused, told alone, nothing changes', async () => {
    // Bob requested this ticket: the API would let him reply to it or resolve it from his DM, but
    // not from the triage card. The bot only says where the click came from; the API refuses.
    const state = async () => {
      const t = await ticketRow();
      const events = await h.database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId));
      return { status: t.status, priority: t.priority, assigneeId: t.assigneeId, updatedAt: t.updatedAt, events };
    };
    const before = await state();
    const card = await cardTsNow();
    const typed = (value: string) => ({ text: { type: 'plain_text_input', value } });
    const option = (value: string) => ({
      type: 'static_select',
      selected_option: { value, text: { type: 'plain_text', text: value } },
    });
    const meta = JSON.stringify({ key, channel: TRIAGE });
    const tries: (() => Promise<Response>)[] = [
      ...['triage:reply', 'triage:resolve', 'triage:priority', 'triage:assign'].map(
        (id) => () => cardAction(BOB, { type: 'button', action_id: id, value: key }, card),
      ),
      () => cardAction(BOB, { ...option('low'), action_id: 'triage:priority' }, card),
      () => cardAction(BOB, { type: 'users_select', action_id: 'triage:assign', selected_user: AGENT2 }, card),
      () => submit('triage_reply', meta, { reply: typed('Never mind, it works') }, BOB),
      () => submit('triage_resolve', meta, { resolution: typed('Fixed it myself') }, BOB),
      () => submit('triage_resolve', meta, {}, BOB),
      () => submit('triage_priority', meta, { priority: { level: option('low') } }, BOB),
      () => submit('triage_assign', meta, { assignee: { agent: option(agent2.id) } }, BOB),
    ];
    for (const press of tries) {
      expect((await press()).status).toBe(200);
      await h.settle();
    }
    expect(h.web.of('views.open')).toEqual([]);
    const told = h.web.of('chat.postEphemeral').map((c) => [c.body.channel, c.body.user, c.body.text]);
    expect(told).toEqual(
      tries.map(() => [
        TRIAGE,
        BOB,
        'Only IT agents can work tickets from the triage card. To ask for help yourself, DM me or use `/ticket`.',
      ]),
    );
    expect(await state()).toEqual(before);
  });
});

describe('two-way sync', () => {
  let dmRoot: { channel: string; ts: string };

  it('the requester got a DM opening the ticket’s thread; an agent’s public reply from the console arrives in it', async () => {
    const ref = await loadMessageRef(h.database.db, 'slack', { purpose: 'dm_thread', ticketId, userId: bob.id });
    expect(ref?.conversation).toBe('D0BOB');
    dmRoot = { channel: ref!.conversation, ts: ref!.message };

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
    const card = await cardRef();
    const secret = 'Internal: the S: share moved to the new NAS, do not tell users yet';
    // A requester cannot write notes, even in the card's thread.
    await h.event({
      type: 'message',
      channel: TRIAGE,
      channel_type: 'channel',
      user: BOB,
      text: 'let me in',
      ts: '1700000400.000001',
      thread_ts: card.message,
    });
    await h.event({
      type: 'message',
      channel: TRIAGE,
      channel_type: 'channel',
      user: AGENT2,
      text: secret,
      ts: '1700000400.000002',
      thread_ts: card.message,
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

  const inCardThread = async () => {
    const card = await cardRef();
    return h.web.of('chat.postMessage').filter((c) => c.body.channel === TRIAGE && c.body.thread_ts === card.message);
  };

  it('public replies from any channel and status changes appear in the triage card’s thread, as they are', async () => {
    const card = await cardRef();
    await call(h.app, 'POST', `/tickets/${key}/replies`, {
      cookie: sessionCookie(h.app, agent),
      body: { body: 'Could you send a screenshot of the error?' },
    });
    await h.event({
      type: 'message',
      channel: dmRoot.channel,
      channel_type: 'im',
      user: BOB,
      text: 'It says <https://nas.example|the NAS> is unreachable',
      ts: '1700000350.000001',
      thread_ts: dmRoot.ts,
    });
    await h.settle();
    await until(async () => (await inCardThread()).length === 2);
    // The requester's reply reopened nothing (the ticket is open); a status change is mirrored too.
    await call(h.app, 'PATCH', `/tickets/${key}`, { cookie: sessionCookie(h.app, agent), body: { status: 'on_hold' } });
    await until(async () => (await inCardThread()).length === 3);
    const replyUrl = `https://desk.test/tickets/${key}`;
    expect((await inCardThread()).map((c) => c.body)).toEqual([
      {
        channel: TRIAGE,
        thread_ts: card.message,
        text: `Ada Agent replied on ${key}`,
        blocks: [
          {
            type: 'section',
            text: {
              type: 'mrkdwn',
              text: ':speech_balloon: *Ada Agent* replied publicly, from the console:\n>Could you send a screenshot of the error?',
            },
          },
        ],
      },
      {
        channel: TRIAGE,
        thread_ts: card.message,
        text: `Bob Builder replied on ${key}`,
        blocks: [
          {
            type: 'section',
            text: {
              type: 'mrkdwn',
              text: ':speech_balloon: *Bob Builder* (requester) replied publicly, from Slack:\n>It says the NAS (https://nas.example) is unreachable',
            },
          },
        ],
      },
      {
        channel: TRIAGE,
        thread_ts: card.message,
        text: `${key} is now On hold`,
        blocks: [
          {
            type: 'context',
            elements: [{ type: 'mrkdwn', text: ':arrows_counterclockwise: *Open* → *On hold*, by Ada Agent' }],
          },
        ],
      },
    ]);
    expect(replyUrl).toContain(key);
    await call(h.app, 'PATCH', `/tickets/${key}`, { cookie: sessionCookie(h.app, agent), body: { status: 'open' } });
  });

  it('"Reply to requester" on the card opens a modal; what is sent there is public: in the requester’s DM and the card’s thread', async () => {
    const card = await cardRef();
    await cardAction(AGENT, { type: 'button', action_id: 'triage:reply', value: key }, card.message);
    await h.settle();
    const opened = h.web.of('views.open');
    expect(opened).toHaveLength(1);
    const view = opened[0]!.body.view as { callback_id: string; private_metadata: string; blocks: unknown[] };
    expect(view.callback_id).toBe('triage_reply');
    expect(JSON.parse(view.private_metadata)).toEqual({ key, channel: TRIAGE });
    expect(JSON.stringify(view.blocks)).toContain('*Public:* Bob Builder gets this reply');
    h.web.reset();
    const res = await h.interaction({
      type: 'view_submission',
      user: { id: AGENT },
      view: {
        id: 'V0REPLY1',
        type: 'modal',
        callback_id: 'triage_reply',
        private_metadata: view.private_metadata,
        state: {
          values: { reply: { text: { type: 'plain_text_input', value: 'The share is back: please try again.' } } },
        },
      },
    });
    expect(res.status).toBe(200);
    await h.settle();
    const replies = await h.database.db
      .select()
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.body, 'The share is back: please try again.')));
    expect(replies.map((r) => [r.kind, r.visibility, r.authorId, r.channel])).toEqual([
      ['reply', 'public', agent.id, 'slack'],
    ]);
    await until(() =>
      h.web.of('chat.postMessage').some((c) => c.body.channel === 'D0BOB' && text(c).includes('The share is back')),
    );
    await until(async () => (await inCardThread()).some((c) => text(c).includes('The share is back')));
    const toBob = h.web.of('chat.postMessage').find((c) => c.body.channel === 'D0BOB')!;
    expect(toBob.body.thread_ts).toBe(dmRoot.ts);
  });

  it('a requester cannot use the card’s Reply to requester (no modal, an explanation)', async () => {
    const card = await cardRef();
    await cardAction(BOB, { type: 'button', action_id: 'triage:reply', value: key }, card.message);
    await h.settle();
    expect(h.web.of('views.open')).toEqual([]);
    expect(String(h.web.of('chat.postEphemeral')[0]?.body.text)).toContain('Only IT agents');
  });

  /** A Slack file share as the Events API sends it (subtype file_share, `files` hosted by Slack). */
  const fileShare = (
    user: string,
    channel: string,
    threadTs: string,
    ts: string,
    name: string,
    mimetype: string,
    text = '',
  ) => ({
    type: 'message',
    subtype: 'file_share',
    channel,
    channel_type: channel.startsWith('D') ? 'im' : 'channel',
    user,
    text,
    ts,
    thread_ts: threadTs,
    upload: true,
    display_as_bot: false,
    files: [
      {
        id: `F0${ts.replace('.', '')}`,
        created: 1700000000,
        name,
        title: name,
        mimetype,
        filetype: name.split('.').pop(),
        user,
        mode: 'hosted',
        is_external: false,
        size: h.web.files.get(`/files-pri/T0TEAM-F0${ts.replace('.', '')}/download/${name}`)?.length ?? 0,
        url_private: `https://slack.test/files-pri/T0TEAM-F0${ts.replace('.', '')}/${name}`,
        url_private_download: `https://slack.test/files-pri/T0TEAM-F0${ts.replace('.', '')}/download/${name}`,
      },
    ],
  });
  const serve = (ts: string, name: string, bytes: Buffer) =>
    h.web.files.set(`/files-pri/T0TEAM-F0${ts.replace('.', '')}/download/${name}`, bytes);
  const listed = async (user: typeof bob) =>
    (
      await call<{ items: { filename: string }[] }>(h.app, 'GET', `/tickets/${key}/attachments`, {
        cookie: sessionCookie(h.app, user),
      })
    ).body.items.map((i) => i.filename);

  it('files: the requester’s file in their DM thread is a public reply’s; an agent’s in the card’s thread an internal note’s', async () => {
    const card = await cardRef();
    serve('1700000600.000001', 'printer-error.png', PNG);
    serve('1700000600.000002', 'asset-register.csv', Buffer.from('asset,owner\nLAP-1,Bob\n'));
    await h.event(fileShare(BOB, dmRoot.channel, dmRoot.ts, '1700000600.000001', 'printer-error.png', 'image/png'));
    await h.event(
      fileShare(
        AGENT,
        TRIAGE,
        card.message,
        '1700000600.000002',
        'asset-register.csv',
        'text/csv',
        'Asset list, internal',
      ),
    );
    await h.settle();
    // Fetched from Slack with the bot token, once each (the two events are worked on in parallel).
    const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
    expect(h.web.fileFetches.slice(-2).sort(byPath)).toEqual([
      { path: '/files-pri/T0TEAM-F01700000600000001/download/printer-error.png', authorization: 'Bearer xoxb-test' },
      { path: '/files-pri/T0TEAM-F01700000600000002/download/asset-register.csv', authorization: 'Bearer xoxb-test' },
    ]);
    const events = await h.database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId));
    expect(events.find((e) => e.body === 'Shared a file: printer-error.png')).toMatchObject({
      kind: 'reply',
      visibility: 'public',
      authorId: bob.id,
    });
    expect(events.find((e) => e.body === 'Asset list, internal')).toMatchObject({
      kind: 'note',
      visibility: 'internal',
    });
    expect((await listed(agent)).sort()).toEqual(['asset-register.csv', 'printer-error.png']);
    expect(await listed(bob)).toEqual(['printer-error.png']);
    expect(
      h.web
        .of('reactions.add')
        .map((c) => c.body.name)
        .sort(),
    ).toEqual(['lock', 'white_check_mark']);
    await h.drain();
    expect(JSON.stringify(h.web.calls.filter((c) => String(c.body.channel).endsWith('0BOB')))).not.toContain(
      'asset-register',
    );
  });

  it('files: a program is refused with the reason, in the thread, and nothing is kept', async () => {
    serve('1700000600.000003', 'driver.pdf', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100, 0x90)]));
    await h.event(fileShare(BOB, dmRoot.channel, dmRoot.ts, '1700000600.000003', 'driver.pdf', 'application/pdf'));
    await h.settle();
    const warned = h.web
      .of('chat.postMessage')
      .filter((c) => c.body.channel === dmRoot.channel && c.body.thread_ts === dmRoot.ts);
    expect(warned.map((c) => c.body.text)).toContain(':warning: driver.pdf was not attached: a program');
    expect(await listed(agent)).not.toContain('driver.pdf');
  });

  it('Resolve on the card: the requester is told in the thread and asked to rate; the rating is kept', async () => {
    await cardAction(AGENT, { type: 'button', action_id: 'triage:resolve', value: key }, (await cardRef()).message);
    await h.settle();
    // Resolve opens a form: a message to the requester (public) and an internal note, both optional.
    expect((await ticketRow()).status).not.toBe('resolved');
    const view = h.web.of('views.open')[0]!.body.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe('triage_resolve');
    const rootCause = 'Root cause: the GPO mapping S: pointed at the old NAS';
    await h.interaction({
      type: 'view_submission',
      user: { id: AGENT },
      view: {
        id: 'V0RESOLVE1',
        type: 'modal',
        callback_id: 'triage_resolve',
        private_metadata: view.private_metadata,
        state: {
          values: {
            resolution: { text: { type: 'plain_text_input', value: 'Fixed: S: is mapped again after a reboot.' } },
            note: { text: { type: 'plain_text_input', value: rootCause } },
          },
        },
      },
    });
    await h.settle();
    expect((await ticketRow()).status).toBe('resolved');
    const said = await h.database.db
      .select()
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.authorId, agent.id)));
    expect(
      said.filter((e) => e.body === rootCause || e.body.startsWith('Fixed:')).map((e) => [e.kind, e.visibility]),
    ).toEqual([
      ['note', 'internal'],
      ['reply', 'public'],
    ]);
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
    await h.drain();
    expect(JSON.stringify(h.web.calls.filter((c) => String(c.body.channel).endsWith('0BOB')))).not.toContain('GPO');
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
          .where(and(eq(deliveries.refPurpose, 'triage_card'), eq(deliveries.refTicketId, ticketId)))
      ).filter((r) => r.attempts === 2);
    await until(async () => (await retried()).some((r) => r.status !== 'pending'));
    expect((await retried()).map((r) => r.status)).toEqual(['sent']);
  });
});
