import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { announcements, chatSessions, inboundEvents, tickets, userIdentities } from '../../../api/src/db/schema.js';
import { chatSessionFiles } from '../../../api/src/db/schema-chat.js';
import { createTicket, createUser, type UserRow } from '../../../api/src/test/factories.js';
import { CONSOLE, sign, startSlackHarness, unique, type SlackHarness } from './__tests__/harness.js';

let h: SlackHarness;
let alice: UserRow;
const ALICE = 'U0ALICE';
const DM = 'D0ALICE';

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: { action_id?: string; value?: string; text?: { text: string } }[];
};
const actionIds = (blocks: unknown) =>
  (blocks as Block[]).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []).map((e) => e.action_id) : []));
const allText = (blocks: unknown) => JSON.stringify(blocks);

beforeAll(async () => {
  h = await startSlackHarness();
  alice = await createUser(h.database.db, { email: 'alice@example.test', name: 'Alice Example' });
  h.web.people.set(ALICE, { id: ALICE, email: alice.email, name: 'Alice Example' });
  // Bob writes messages that become tickets; he never talks to the bot himself.
  h.web.people.set('U0BOB', { id: 'U0BOB', email: 'bob@example.test', name: 'Bob Builder' });
});
afterAll(async () => {
  await h.stop();
});
beforeEach(async () => {
  // Deliveries of earlier tests (triage cards, DMs) run in the worker: let them finish first.
  await h.drain();
  h.web.reset();
});

describe('requests are verified', () => {
  it('answers url_verification with the challenge', async () => {
    const res = await h.post(
      JSON.stringify({ token: 'x', challenge: 'c-123', type: 'url_verification' }),
      'application/json',
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'c-123' });
  });

  it('refuses a wrong signature, a stale timestamp and a far-future one with 401, and does nothing', async () => {
    const body = new URLSearchParams({
      command: '/ticket',
      text: 'printer on fire',
      user_id: ALICE,
      trigger_id: 't1',
    }).toString();
    const form = 'application/x-www-form-urlencoded';
    const wrong = await h.post(body, form, { 'x-slack-signature': 'v0=0123456789abcdef' });
    const staleTs = Math.floor(Date.now() / 1000) - 6 * 60;
    const stale = await h.post(body, form, sign(body, staleTs));
    const futureTs = Math.floor(Date.now() / 1000) + 6 * 60;
    const future = await h.post(body, form, sign(body, futureTs));
    expect([wrong.status, stale.status, future.status]).toEqual([401, 401, 401]);
    await h.settle();
    expect(h.web.calls).toEqual([]);
  });

  it('accepts a timestamp within the five minutes either way', async () => {
    const payload = JSON.stringify({ token: 'x', challenge: 'near', type: 'url_verification' });
    const res = await h.post(payload, 'application/json', sign(payload, Math.floor(Date.now() / 1000) + 60));
    expect(res.status).toBe(200);
  });
});

describe('the inbox', () => {
  const rowOf = async (key: string) =>
    (await h.database.db.select().from(inboundEvents).where(eq(inboundEvents.providerEventId, key)))[0];

  it('records a request before answering it, acts on it in a job, then drops what was said', async () => {
    const trigger = unique('trig.');
    const person = unique('U');
    h.web.people.set(person, { id: person, email: `${person.toLowerCase()}@example.test`, name: 'Inbox Person' });
    const res = await h.command({ command: '/ticket', text: 'Monitor flickers', user_id: person, trigger_id: trigger });
    expect(res.status).toBe(200);
    // Answered only once recorded: the row is there the moment the answer is.
    const recorded = await rowOf(`command:${trigger}`);
    expect(recorded).toBeDefined();
    await h.settle();
    const acted = await rowOf(`command:${trigger}`);
    expect(acted?.processedAt).toBeInstanceOf(Date);
    expect(acted?.payload).toBeNull();
    expect(acted?.failedAt).toBeNull();
    expect(h.web.of('chat.postMessage').map((c) => c.body.channel)).toEqual([h.web.dmOf(person)]);
  });

  it("answers events nothing listens for (the bot's own messages, edits) without recording them", async () => {
    const own = unique('Ev');
    const edit = unique('Ev');
    const ts = '1700000100.000100';
    const base = { type: 'message', channel: 'D0OTHER', channel_type: 'im', ts };
    expect((await h.event({ ...base, bot_id: 'B0DESKMATE', text: 'wizard' }, { eventId: own })).status).toBe(200);
    expect((await h.event({ ...base, subtype: 'message_changed', user: ALICE }, { eventId: edit })).status).toBe(200);
    await h.settle();
    expect(await rowOf(`event:${own}`)).toBeUndefined();
    expect(await rowOf(`event:${edit}`)).toBeUndefined();
    expect(h.web.calls).toEqual([]);
  });
});

describe('/ticket', () => {
  it('acks at once, then opens the DM and posts the wizard pre-filled with the text', async () => {
    const res = await h.command({
      command: '/ticket',
      text: 'The office printer jams on every page since Monday',
      user_id: ALICE,
      channel_id: 'C0GENERAL',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ response_type: 'ephemeral' });
    await h.settle();
    expect(h.web.calls.map((c) => c.method)).toEqual(['users.info', 'conversations.open', 'chat.postMessage']);
    // The listener's client names the workspace the request came from.
    expect(h.web.calls[0]!.body).toEqual({ team_id: 'T0TEAM', user: ALICE });
    expect(h.web.calls[1]!.body).toEqual({ team_id: 'T0TEAM', users: ALICE });
    const post = h.web.calls[2]!.body;
    expect(post.channel).toBe(DM);
    // The description was taken: the wizard asks the next question (suggestions or the category).
    expect(String(post.text)).not.toContain("What's going wrong?");
    const ids = actionIds(post.blocks);
    expect(ids.some((id) => /^wizard:(suggest|category):/.test(id ?? ''))).toBe(true);
    const [session] = await h.database.db.select().from(chatSessions).where(eq(chatSessions.conversation, DM));
    expect(session?.channel).toBe('slack');
    expect(session?.userId).toBe(alice.id);
    // Identity linked by the email from users.info, not a new user.
    const [identity] = await h.database.db
      .select()
      .from(userIdentities)
      .where(eq(userIdentities.providerUserId, ALICE));
    expect(identity?.userId).toBe(alice.id);
  });

  it('a Slack user unknown to Deskmate becomes a requester', async () => {
    const id = unique('U');
    h.web.people.set(id, { id, email: `${id.toLowerCase()}@example.test`, name: 'New Person' });
    await h.command({ command: '/ticket', text: '', user_id: id });
    await h.settle();
    const [identity] = await h.database.db.select().from(userIdentities).where(eq(userIdentities.providerUserId, id));
    expect(identity).toBeDefined();
    const post = h.web.of('chat.postMessage')[0]!.body;
    expect(String(post.text)).toContain("What's going wrong?");
  });
});

describe('the wizard in the DM', () => {
  it('runs from a DM to a ticket with buttons, each click updating the message in place', async () => {
    const send = async (text: string) => {
      await h.event({
        type: 'message',
        channel: DM,
        channel_type: 'im',
        user: ALICE,
        text,
        ts: `${Date.now() / 1000}`,
      });
      await h.settle();
    };
    const click = async (actionId: string) => {
      const last = wizardMessages().at(-1)!;
      const ts = last.method === 'chat.update' ? String(last.body.ts) : '1700000000.000001';
      const button = (last.body.blocks as Block[])
        .flatMap((b) => b.elements ?? [])
        .find((e) => e.action_id === actionId);
      expect(button, `no button ${actionId} in ${actionIds(last.body.blocks).join(', ')}`).toBeDefined();
      await h.interaction({
        type: 'block_actions',
        user: { id: ALICE },
        channel: { id: DM },
        container: { type: 'message', message_ts: ts, channel_id: DM },
        message: { ts, text: '', blocks: [] },
        actions: [{ type: 'button', action_id: actionId, block_id: 'b', value: button!.value, action_ts: '1' }],
      });
      await h.settle();
      return wizardMessages().at(-1)!;
    };
    // The wizard's own messages (the worker may post deliveries meanwhile).
    const wizardMessages = () =>
      h.web.calls.filter(
        (c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.body.channel === DM,
      );

    await send('start over');
    await send('My laptop screen flickers and goes black every few minutes');
    let last = wizardMessages().at(-1)!;
    expect(last.method).toBe('chat.postMessage');
    if (actionIds(last.body.blocks).includes('wizard:suggest:need_help'))
      last = await click('wizard:suggest:need_help');
    expect(last.method).toBe('chat.update');
    expect(last.body.channel).toBe(DM);
    last = await click('wizard:category:hardware');
    expect(actionIds(last.body.blocks)).toEqual(expect.arrayContaining(['wizard:impact:me', 'wizard:impact:blocked']));
    await click('wizard:impact:me');
    last = await click('wizard:impact:blocked');
    expect(actionIds(last.body.blocks)).toContain('wizard:details:skip');
    last = await click('wizard:details:skip');
    expect(actionIds(last.body.blocks)).toContain('wizard:summary:confirm');
    last = await click('wizard:summary:confirm');
    const [ticket] = await h.database.db.select().from(tickets).where(eq(tickets.requesterId, alice.id));
    expect(ticket).toMatchObject({ channel: 'slack', category: 'hardware' });
    expect(allText(last.body.blocks)).toContain(`${CONSOLE}/portal/tickets/${ticket!.key}`);
    expect(String(last.body.text)).toContain(ticket!.key);
  });

  it('the same event delivered again (same event_id) is answered once', async () => {
    const eventId = unique('Ev');
    const event = {
      type: 'message',
      channel: DM,
      channel_type: 'im',
      user: ALICE,
      text: 'start over',
      ts: '1700000001.000001',
    };
    for (const retry of ['', '1', '2']) {
      const headers = retry ? { 'x-slack-retry-num': retry, 'x-slack-retry-reason': 'http_timeout' } : undefined;
      const res = await h.event(event, { eventId, ...(headers ? { headers } : {}) });
      expect(res.status).toBe(200);
    }
    await h.settle();
    expect(h.web.of('chat.postMessage')).toHaveLength(1);
  });

  it('ignores the bot’s own messages and edits', async () => {
    await h.event({ type: 'message', channel: DM, channel_type: 'im', bot_id: 'B0DESKMATE', text: 'Done!', ts: '1.1' });
    await h.event({ type: 'message', subtype: 'message_changed', channel: DM, channel_type: 'im', ts: '1.2' });
    await h.settle();
    expect(h.web.calls).toEqual([]);
  });
});

describe('files shared in the DM wizard', () => {
  it('are kept with the conversation (they go with the ticket it files); a program is refused with the reason', async () => {
    await h.event({
      type: 'message',
      channel: DM,
      channel_type: 'im',
      user: ALICE,
      text: 'start over',
      ts: '1700000700.000001',
    });
    await h.event({
      type: 'message',
      channel: DM,
      channel_type: 'im',
      user: ALICE,
      text: 'My second monitor shows stripes since the update',
      ts: '1700000700.000002',
    });
    await h.settle();
    h.web.reset();
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082',
      'hex',
    );
    h.web.files.set('/files-pri/T0TEAM-F0STRIPES/download/stripes.png', png);
    h.web.files.set('/files-pri/T0TEAM-F0TOOL/download/tool.exe', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64)]));
    const file = (id: string, name: string, mimetype: string) => ({
      id,
      name,
      title: name,
      mimetype,
      mode: 'hosted',
      size: 70,
      url_private: `https://slack.test/files-pri/T0TEAM-${id}/${name}`,
      url_private_download: `https://slack.test/files-pri/T0TEAM-${id}/download/${name}`,
    });
    const res = await h.event({
      type: 'message',
      subtype: 'file_share',
      channel: DM,
      channel_type: 'im',
      user: ALICE,
      text: '',
      ts: '1700000700.000003',
      upload: true,
      files: [file('F0STRIPES', 'stripes.png', 'image/png'), file('F0TOOL', 'tool.exe', 'application/octet-stream')],
    });
    expect(res.status).toBe(200);
    await h.settle();
    const [session] = await h.database.db.select().from(chatSessions).where(eq(chatSessions.conversation, DM));
    const kept = await h.database.db.select().from(chatSessionFiles).where(eq(chatSessionFiles.sessionId, session!.id));
    expect(kept.map((f) => [f.filename, f.contentType, f.size])).toEqual([['stripes.png', 'image/png', png.length]]);
    const posts = h.web.of('chat.postMessage');
    expect(posts[0]!.body).toEqual({
      team_id: 'T0TEAM',
      channel: DM,
      text: ':paperclip: stripes.png will be attached to your ticket.\n:warning: tool.exe was not attached: a program',
    });
    // And the wizard goes on where it was.
    expect(posts[1]!.body.channel).toBe(DM);
  });
});

describe('the message shortcut and the App Home modal', () => {
  it('"Create ticket" on a message starts the wizard with its text, permalink and author', async () => {
    const res = await h.interaction({
      type: 'message_action',
      callback_id: 'create_ticket',
      user: { id: ALICE },
      channel: { id: 'C0GENERAL' },
      message: {
        type: 'message',
        user: 'U0BOB',
        ts: '1700000100.000200',
        text: 'VPN drops &amp; reconnects every 10 minutes for the whole sales team',
      },
      message_ts: '1700000100.000200',
      response_url: 'https://hooks.slack.test/x',
    });
    expect(res.status).toBe(200);
    await h.settle();
    expect(h.web.calls.map((c) => c.method)).toEqual(['chat.getPermalink', 'users.info', 'chat.postMessage']);
    expect(h.web.calls[0]!.body).toEqual({ team_id: 'T0TEAM', channel: 'C0GENERAL', message_ts: '1700000100.000200' });
    expect(h.web.calls[1]!.body).toEqual({ team_id: 'T0TEAM', user: 'U0BOB' });
    const [session] = await h.database.db.select().from(chatSessions).where(eq(chatSessions.conversation, DM));
    const description = (session?.state as { draft: { description: string } }).draft.description;
    expect(description).toBe(
      'VPN drops & reconnects every 10 minutes for the whole sales team\n\n(From a message by Bob Builder: https://acme.slack.com/archives/C0GENERAL/p1700000100000200)',
    );
  });

  it('New ticket opens a modal; its submission starts the wizard in the DM', async () => {
    await h.interaction({
      type: 'block_actions',
      user: { id: ALICE },
      container: { type: 'view', view_id: 'V0HOME' },
      view: { id: 'V0HOME', type: 'home' },
      actions: [{ type: 'button', action_id: 'home:new_ticket', block_id: 'b', value: 'new', action_ts: '1' }],
    });
    await h.settle();
    expect(h.web.calls.map((c) => c.method)).toEqual(['views.open']);
    const view = h.web.calls[0]!.body.view as { callback_id: string; type: string };
    expect(view).toMatchObject({ type: 'modal', callback_id: 'new_ticket' });

    h.web.reset();
    const res = await h.interaction({
      type: 'view_submission',
      user: { id: ALICE },
      view: {
        id: unique('V'),
        type: 'modal',
        callback_id: 'new_ticket',
        state: {
          values: {
            description: { text: { type: 'plain_text_input', value: 'Outlook asks for my password again and again' } },
          },
        },
      },
    });
    expect(res.status).toBe(200);
    await h.settle();
    expect(h.web.calls.map((c) => c.method)).toEqual(['chat.postMessage']);
    expect(h.web.calls[0]!.body.channel).toBe(DM);
    const [session] = await h.database.db.select().from(chatSessions).where(eq(chatSessions.conversation, DM));
    expect((session?.state as { draft: { description: string } }).draft.description).toBe(
      'Outlook asks for my password again and again',
    );
  });
});

describe('App Home', () => {
  it('publishes my open tickets, a New ticket button and announcements', async () => {
    await h.database.db.insert(announcements).values([
      {
        title: 'Wi-Fi maintenance tonight',
        body: 'The office Wi-Fi is down 22:00-23:00.',
        startsAt: new Date(Date.now() - 60_000),
      },
      { title: 'Agents only', body: 'Rota changes', audience: 'agents', startsAt: new Date(Date.now() - 60_000) },
    ]);
    await createTicket(h.database.db, {
      number: 9001,
      key: 'IT-9001',
      title: 'Home tab ticket',
      description: 'x',
      requesterId: alice.id,
      status: 'open',
    });
    const res = await h.event({ type: 'app_home_opened', user: ALICE, channel: DM, tab: 'home', event_ts: '1.1' });
    expect(res.status).toBe(200);
    await h.settle();
    const publish = h.web.of('views.publish');
    expect(publish).toHaveLength(1);
    expect(publish[0]!.body.user_id).toBe(ALICE);
    const view = publish[0]!.body.view as { type: string; blocks: Block[] };
    expect(view.type).toBe('home');
    expect(actionIds(view.blocks)).toContain('home:new_ticket');
    expect(allText(view.blocks)).toContain('IT-9001 · Home tab ticket');
    expect(allText(view.blocks)).toContain('Wi-Fi maintenance tonight');
    // Alice is a requester: announcements for agents are not hers.
    expect(allText(view.blocks)).not.toContain('Agents only');
  });
});

describe('mentions', () => {
  it('@Deskmate in a channel answers in the thread with how to get help', async () => {
    await h.event({
      type: 'app_mention',
      user: ALICE,
      channel: 'C0GENERAL',
      text: '<@U0DESKMATE> help',
      ts: '1700000900.000100',
    });
    await h.settle();
    expect(h.web.calls.map((c) => c.method)).toEqual(['chat.postMessage']);
    expect(h.web.calls[0]!.body).toMatchObject({ channel: 'C0GENERAL', thread_ts: '1700000900.000100' });
    expect(String(h.web.calls[0]!.body.text)).toContain('/ticket');
  });
});
