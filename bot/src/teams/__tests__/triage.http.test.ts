import { and, eq } from 'drizzle-orm';
import { ZChatSessionResponse, type TTicket } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketEvents, tickets } from '../../../../api/src/db/schema.js';
import { chatSessionFiles } from '../../../../api/src/db/schema-chat.js';
import { call, sessionCookie } from '../../../../api/src/test/auth.js';
import { createGroup, createUser, type UserRow } from '../../../../api/src/test/factories.js';
import {
  personalMessage,
  personalSubmit,
  channelThreadMessage,
  channelMention,
  channelSubmit,
  execute,
  personalInstall,
  teamInstall,
  teamsUser,
  triageChannel,
} from './activities.js';
import type { TCaptured } from './connector.js';
import { buttons, cardOf, startTeamsHarness, until, type TeamsHarness } from './harness.js';

/**
 * Universal Actions on the Teams triage card, through POST /api/messages with the activities
 * Teams sends (`adaptiveCard/action` invokes) and the Bot Connector stand-in: each person's own
 * view through `refresh`, Action.Execute answered with the new card, Action.Submit still working,
 * Assign from the card.
 */

let h: TeamsHarness;
let url: string;
const alice = teamsUser('Tri Alice', 'tri-alice@example.com');
const aggie = teamsUser('Tri Aggie', 'tri-aggie@example.com');
const otto = teamsUser('Tri Otto', 'tri-otto@example.com');
const ada = teamsUser('Tri Ada', 'tri-ada@example.com');
const bob = teamsUser('Tri Bob', 'tri-bob@example.com');
const sam = teamsUser('Tri Sam', 'tri-sam@example.com');
const rows: Record<string, UserRow> = {};
let groupId: string;

const activities = (chat: string) => `/v3/conversations/${chat}/activities`;
const cardPosts = (mark = 0) =>
  h.connector.since(mark).filter((r) => r.method === 'POST' && r.path === activities(triageChannel.id));

async function ticketAs(key: string, user: UserRow): Promise<TTicket> {
  return (await call<{ ticket: TTicket }>(h.app, 'GET', `/tickets/${key}`, { cookie: sessionCookie(h.app, user) })).body
    .ticket;
}

/** A new ticket (Alice's, in the IT group) and the id of its card in the triage channel. */
async function newTicket(title: string): Promise<{ key: string; card: string }> {
  const mark = h.connector.mark;
  const res = await call<{ ticket: TTicket }>(h.app, 'POST', '/tickets', {
    cookie: sessionCookie(h.app, rows.ada!),
    body: { title, description: `${title}, since this morning`, requesterId: rows.alice!.id, groupId },
  });
  expect(res.status).toBe(201);
  const key = res.body.ticket.key;
  const posted = await until(() => cardPosts(mark).find((r) => JSON.stringify(r.body).includes(key)));
  // The card's handle is stored when its delivery commits: later updates go to the same message.
  await until(async () => {
    const { rows: refs } = await h.app.database.pool.query(
      `SELECT 1 FROM message_refs WHERE provider = 'teams' AND message_id = $1`,
      [posted.id],
    );
    return refs.length > 0;
  });
  return { key, card: posted.id! };
}

/** An invoke's answer: HTTP 200 with the Universal Actions body. */
async function invokeAnswer(activity: object): Promise<{ statusCode: number; type: string; value: unknown }> {
  const res = await h.post(activity);
  expect(res.status).toBe(200);
  return (await res.json()) as { statusCode: number; type: string; value: unknown };
}

const data = (op: string, key: string, fields: Record<string, string> = {}) => ({
  verb: `triage.${op}`,
  data: { dm: 'triage', op, ticket: key, ...fields },
});

beforeAll(async () => {
  h = await startTeamsHarness({ invokeDeadlineMs: 1_500 });
  url = h.connector.url;
  const db = h.app.database.db;
  rows.alice = await createUser(db, { email: alice.email, name: 'Alice (Deskmate)' });
  rows.bob = await createUser(db, { email: bob.email, name: 'Bob (Deskmate)' });
  rows.aggie = await createUser(db, { email: aggie.email, name: 'Aggie (Deskmate)', role: 'agent' });
  rows.otto = await createUser(db, { email: otto.email, name: 'Otto (Deskmate)', role: 'agent' });
  rows.sam = await createUser(db, { email: sam.email, name: 'Sam (Deskmate)', role: 'agent' });
  rows.ada = await createUser(db, { email: ada.email, name: 'Ada (Deskmate)', role: 'admin' });
  groupId = (await createGroup(db, { name: 'IT', members: [rows.aggie.id, rows.otto.id, rows.sam.id] })).id;
  for (const u of [alice, aggie, otto, ada, bob, sam])
    h.connector.roster.set(u.id, { id: u.id, name: u.name, aadObjectId: u.aadObjectId, email: u.email });
  // The team and its triage channel; everyone but Sam has talked to the bot (so Teams ids are known).
  await h.post(teamInstall(url, ada));
  await h.post(channelMention(url, ada, 'triage here'));
  for (const u of [alice, aggie, otto, bob]) await h.post(personalInstall(url, u));
});
afterAll(async () => {
  await h?.stop();
});

describe('the card as posted', () => {
  it('names whose card refreshes into their own view: the requester, then the agents who work the ticket', async () => {
    const { key, card } = await newTicket('Docking station not detected');
    const posted = h.connector.requests.find((r) => r.id === card)!;
    const sent = cardOf(posted.body) as { refresh: unknown };
    // Ada is an admin (works every ticket), Aggie and Otto the IT group's agents; Sam never talked to the bot.
    expect(sent.refresh).toEqual({
      action: { type: 'Action.Execute', verb: 'triage.view', data: { dm: 'view', ticket: key } },
      userIds: [alice.id, ada.id, aggie.id, otto.id],
    });
    expect(cardOf(posted.body)).toEqual(await h.triageCard(await ticketAs(key, rows.ada!)));
  });
});

describe('refresh: each person’s own view', () => {
  let key: string;
  let card: string;
  beforeAll(async () => {
    ({ key, card } = await newTicket('Monitor flickers at 60 Hz'));
  });

  it('an agent gets the agent’s view, the requester theirs, someone else a word that it is not theirs', async () => {
    const refresh = { verb: 'triage.view', data: { dm: 'view', ticket: key } };
    const ticket = await ticketAs(key, rows.ada!);
    const asAgent = await invokeAnswer(execute(url, aggie, card, refresh, { channel: true, trigger: 'automatic' }));
    expect(asAgent).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: await h.triageCard(ticket, { viewer: { kind: 'agent', userId: rows.aggie!.id } }),
    });
    const asRequester = await invokeAnswer(execute(url, alice, card, refresh, { channel: true, trigger: 'automatic' }));
    expect(asRequester).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: await h.triageCard(ticket, { viewer: { kind: 'requester' } }),
    });
    expect(buttons(asRequester.value).size).toBe(0);
    const asOther = await invokeAnswer(execute(url, bob, card, refresh, { channel: true, trigger: 'manual' }));
    expect(asOther).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: `${key} is not a ticket you can see.`,
    });
  });

  it('a refresh changes nothing and posts nothing', async () => {
    const mark = h.connector.mark;
    const before = await ticketAs(key, rows.ada!);
    await invokeAnswer(
      execute(url, aggie, card, { verb: 'triage.view', data: { dm: 'view', ticket: key } }, { channel: true }),
    );
    expect(h.connector.since(mark).filter((r) => r.path.startsWith(activities(triageChannel.id)))).toEqual([]);
    expect((await ticketAs(key, rows.ada!)).updatedAt).toBe(before.updatedAt);
  });
});

describe('Action.Execute', () => {
  let key: string;
  let card: string;
  beforeAll(async () => {
    ({ key, card } = await newTicket('Outlook crashes on start'));
  });

  it('a requester’s Claim is refused with a message, and changes nothing', async () => {
    const answer = await invokeAnswer(execute(url, alice, card, data('claim', key), { channel: true }));
    expect(answer).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: 'Only agents can work tickets from the triage channel, Alice (Deskmate).',
    });
    expect((await ticketAs(key, rows.ada!)).assignee).toBeNull();
  });

  it('an agent’s Claim is answered with their own view at once; the delivery job updates the card for everyone', async () => {
    const mark = h.connector.mark;
    const answer = await invokeAnswer(execute(url, aggie, card, data('claim', key), { channel: true }));
    const claimed = await ticketAs(key, rows.ada!);
    expect(claimed.assignee?.id).toBe(rows.aggie!.id);
    expect(answer).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: await h.triageCard(claimed, { viewer: { kind: 'agent', userId: rows.aggie!.id } }),
    });
    expect(JSON.stringify(answer.value)).toContain('You (Aggie (Deskmate))');
    // The click itself posts nothing into the channel: the answer is the card.
    expect(h.connector.since(mark).filter((r) => r.path.includes(';messageid='))).toEqual([]);
    const update = await until(() =>
      h.connector.since(mark).find((r) => r.method === 'PUT' && r.path === `${activities(triageChannel.id)}/${card}`),
    );
    expect(cardOf(update.body)).toEqual(await h.triageCard(await ticketAs(key, rows.ada!)));
  });

  it('a Claim that lost the race shows the ticket as it is now, with who won on top', async () => {
    const answer = await invokeAnswer(execute(url, otto, card, data('claim', key), { channel: true }));
    const now = await ticketAs(key, rows.ada!);
    expect(answer).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: await h.triageCard(now, {
        viewer: { kind: 'agent', userId: rows.otto!.id },
        notice: `${key} was already claimed by Aggie (Deskmate)`,
      }),
    });
  });

  it('Assign picks one of the group’s agents from the card', async () => {
    const card0 = await h.triageCard(await ticketAs(key, rows.ada!));
    const assign = JSON.stringify(card0);
    for (const name of ['Aggie (Deskmate)', 'Otto (Deskmate)', 'Sam (Deskmate)']) expect(assign).toContain(name);
    expect(assign).not.toContain('Ada (Deskmate)"'); // an admin, not in the IT group
    const answer = await invokeAnswer(
      execute(url, aggie, card, data('assign', key, { assignee: rows.otto!.id }), { channel: true }),
    );
    const assigned = await ticketAs(key, rows.ada!);
    expect(assigned.assignee?.id).toBe(rows.otto!.id);
    expect(answer.value).toEqual(await h.triageCard(assigned, { viewer: { kind: 'agent', userId: rows.aggie!.id } }));
  });

  it('an Assign to someone who is not an agent is refused by the API, and the card says so', async () => {
    const answer = await invokeAnswer(
      execute(url, aggie, card, data('assign', key, { assignee: rows.bob!.id }), { channel: true }),
    );
    expect(JSON.stringify(answer.value)).toContain('tickets can only be assigned to active agents');
    expect((await ticketAs(key, rows.ada!)).assignee?.id).toBe(rows.otto!.id);
  });

  it('Priority sets the priority; the same invoke delivered twice acts once', async () => {
    const activity = execute(url, otto, card, data('priority', key, { priority: 'urgent' }), { channel: true });
    await invokeAnswer(activity);
    expect((await ticketAs(key, rows.ada!)).priority).toBe('urgent');
    await call(h.app, 'PATCH', `/tickets/${key}`, {
      cookie: sessionCookie(h.app, rows.ada!),
      body: { priority: 'low' },
    });
    const again = await invokeAnswer(activity);
    expect((await ticketAs(key, rows.ada!)).priority).toBe('low');
    expect(again.type).toBe('application/vnd.microsoft.card.adaptive');
  });

  it('an answer comes inside Teams’ time limit even when the work is slow; the work still happens', async () => {
    const { key: slowKey, card: slowCard } = await newTicket('Laptop will not charge');
    h.connector.slowNextRoster(3_000);
    const started = Date.now();
    const answer = await invokeAnswer(execute(url, sam, slowCard, data('claim', slowKey), { channel: true }));
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(answer).toEqual({
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: `Still working on ${slowKey}: the card updates as soon as it is done.`,
    });
    await until(async () => (await ticketAs(slowKey, rows.ada!)).assignee?.id === rows.sam!.id);
  });
});

/**
 * The requester of a ticket may reply to it and resolve it from her own chat, but not from the
 * triage card: the bot says where the click came from and the API refuses her (#17).
 */
describe('the requester on the triage card of her own ticket', () => {
  let key: string;
  let card: string;
  /** What a click could change: the ticket as an admin reads it, and every event on its timeline. */
  const state = async () => {
    const t = await ticketAs(key, rows.ada!);
    const events = await h.app.database.db
      .select({ id: ticketEvents.id })
      .from(ticketEvents)
      .innerJoin(tickets, eq(tickets.id, ticketEvents.ticketId))
      .where(eq(tickets.key, key));
    return { status: t.status, priority: t.priority, assignee: t.assignee, updatedAt: t.updatedAt, events };
  };
  const refused = 'Only agents can work tickets from the triage channel, Alice (Deskmate).';
  /** What the bot sent to the triage channel: its cards and their threads. */
  const toTriage = (mark: number) =>
    h.connector.since(mark).filter((r) => r.path.startsWith(`/v3/conversations/${triageChannel.id}`));
  const clicks = () =>
    [
      ['Claim', data('claim', key)],
      ['Resolve', data('resolve', key)],
      ['Priority', data('priority', key, { priority: 'urgent' })],
      ['Assign', data('assign', key, { assignee: rows.aggie!.id })],
      ['Reply to requester', data('reply', key, { triageReply: 'Never mind, it works now' })],
    ] as const;
  beforeAll(async () => {
    ({ key, card } = await newTicket('Teams calls drop after a minute'));
    expect((await ticketAs(key, rows.ada!)).requester.id).toBe(rows.alice!.id);
  });

  it('Action.Execute: each button is answered to her alone with a refusal; nothing changes, nothing is posted', async () => {
    const before = await state();
    const mark = h.connector.mark;
    for (const [name, action] of clicks()) {
      const answer = await invokeAnswer(execute(url, alice, card, action, { channel: true }));
      expect(answer, name).toEqual({
        statusCode: 200,
        type: 'application/vnd.microsoft.activity.message',
        value: refused,
      });
    }
    expect(await state()).toEqual(before);
    expect(toTriage(mark)).toEqual([]);
  });

  it('Action.Submit: each button is answered with the refusal; the card and the ticket stay as they are', async () => {
    const before = await state();
    for (const [name, { data: value }] of clicks()) {
      const mark = h.connector.mark;
      const activity = channelSubmit(url, alice, card, value);
      expect((await h.post(activity)).status, name).toBe(200);
      const answers = await until(() => {
        const sent = toTriage(mark);
        return sent.length ? sent : undefined;
      });
      expect(
        answers.map((r) => [r.method, r.body?.text]),
        name,
      ).toEqual([['POST', refused]]);
    }
    expect(await state()).toEqual(before);
  });

  it('her own reply and resolution from her own view still go through (the API allows them there)', async () => {
    const reply = await call<{ ticket: TTicket }>(h.app, 'POST', `/tickets/${key}/replies`, {
      cookie: sessionCookie(h.app, rows.alice!),
      body: { body: 'It works again after a restart' },
    });
    expect(reply.status).toBe(201);
    const resolved = await call<{ ticket: TTicket }>(h.app, 'PATCH', `/tickets/${key}`, {
      cookie: sessionCookie(h.app, rows.alice!),
      body: { status: 'resolved' },
    });
    expect(resolved.body.ticket.status).toBe('resolved');
  });
});

describe('Action.Submit still works (Teams clients without Universal Actions)', () => {
  it('Assign through the fallback updates the card in place for everyone', async () => {
    const { key, card } = await newTicket('Keyboard missing keys');
    const submit = buttons(await h.triageCard(await ticketAs(key, rows.ada!))).get('Assign')!;
    expect(submit).toEqual({ dm: 'triage', op: 'assign', ticket: key });
    const mark = h.connector.mark;
    const activity = channelSubmit(url, aggie, card, { ...submit, assignee: rows.sam!.id });
    const res = await h.post(activity);
    expect(res.status).toBe(200);
    const assigned = await ticketAs(key, rows.ada!);
    expect(assigned.assignee?.id).toBe(rows.sam!.id);
    const thread = activities(`${triageChannel.id};messageid=${card}`);
    const fromClick = h.connector.since(mark).filter((r: TCaptured) => r.path.startsWith(thread));
    expect(fromClick.map((r) => [r.method, r.path, cardOf(r.body)])).toEqual([
      ['PUT', `${thread}/${card}`, await h.triageCard(assigned)],
    ]);
  });
});

describe('the card’s thread mirrors the conversation, both ways', () => {
  let key: string;
  let card: string;
  let ticketId: string;
  const thread = () => `${triageChannel.id};messageid=${card}`;
  const threadPosts = (mark: number) =>
    h.connector.since(mark).filter((r) => r.method === 'POST' && r.path === activities(thread()));
  beforeAll(async () => {
    ({ key, card } = await newTicket('VPN drops every ten minutes'));
    ticketId = (await ticketAs(key, rows.ada!)).id;
  });

  it('a public reply from the console and a status change appear in the card’s thread', async () => {
    const mark = h.connector.mark;
    await call(h.app, 'POST', `/tickets/${key}/replies`, {
      cookie: sessionCookie(h.app, rows.aggie!),
      body: { body: 'Which VPN client version do you have?' },
    });
    // The reply moved the ticket from New to Open: one message says both, in order.
    const posts = await until(() => {
      const p = threadPosts(mark);
      return p.length ? p : null;
    });
    expect(posts.map((r) => cardOf(r.body))).toEqual([
      {
        type: 'AdaptiveCard',
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        version: '1.5',
        body: [
          {
            type: 'RichTextBlock',
            inlines: [
              { type: 'TextRun', text: 'Aggie (Deskmate) replied publicly, from the console:', weight: 'Bolder' },
            ],
          },
          { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'Which VPN client version do you have?' }] },
          {
            type: 'RichTextBlock',
            inlines: [{ type: 'TextRun', text: 'New → Open, by Aggie (Deskmate)', isSubtle: true }],
          },
        ],
      },
    ]);
    const statusMark = h.connector.mark;
    await call(h.app, 'PATCH', `/tickets/${key}`, {
      cookie: sessionCookie(h.app, rows.aggie!),
      body: { status: 'on_hold' },
    });
    const status = await until(() => threadPosts(statusMark)[0]);
    expect(JSON.stringify(cardOf(status.body))).toContain('Open → On hold, by Aggie (Deskmate)');
    expect([...posts, status].every((r) => r.body?.summary === key)).toBe(true);
  });

  it('"Reply to requester" on the card is a public reply: on the ticket, in the thread', async () => {
    const mark = h.connector.mark;
    const answer = await invokeAnswer(
      execute(url, aggie, card, data('reply', key, { triageReply: 'Please install version 5.2.' }), { channel: true }),
    );
    expect(answer.type).toBe('application/vnd.microsoft.card.adaptive');
    const replies = await h.app.database.db
      .select()
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.body, 'Please install version 5.2.')));
    expect(replies.map((r) => [r.kind, r.visibility, r.authorId, r.channel])).toEqual([
      ['reply', 'public', rows.aggie!.id, 'teams'],
    ]);
    await until(() => threadPosts(mark).some((r) => JSON.stringify(r.body).includes('Please install version 5.2.')));
  });

  it('an agent’s message in the thread is an internal note; a requester’s is refused; nothing is mirrored back', async () => {
    const mark = h.connector.mark;
    const secret = 'Internal: the VPN concentrator is being replaced tonight';
    const note = channelThreadMessage(url, otto, card, secret);
    expect((await h.post(note)).status).toBe(200);
    const refused = channelThreadMessage(url, alice, card, 'let me add something');
    expect((await h.post(refused)).status).toBe(200);
    const notes = await h.app.database.db
      .select()
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.kind, 'note')));
    expect(notes.map((n) => [n.body, n.visibility, n.authorId])).toEqual([[secret, 'internal', rows.otto!.id]]);
    const answers = h.connector
      .since(mark)
      .filter((r) => r.method === 'POST' && r.path.startsWith(activities(thread())) && r.path !== activities(thread()));
    expect(answers.map((r) => [r.path, r.body?.text])).toEqual([
      [`${activities(thread())}/${note.id}`, `Added to ${key} as an internal note (the requester does not see it).`],
      [
        `${activities(thread())}/${refused.id}`,
        `Only IT agents can add notes to ${key}; your message was not added to the ticket.`,
      ],
    ]);
    // Once every delivery has run, nothing of the note went anywhere: not the thread, not Alice's chat.
    await call(h.app, 'POST', `/tickets/${key}/replies`, {
      cookie: sessionCookie(h.app, rows.otto!),
      body: { body: 'A marker reply after the note' },
    });
    await until(() => threadPosts(mark).some((r) => JSON.stringify(r.body).includes('A marker reply after the note')));
    const everywhere = JSON.stringify(
      h.connector.since(mark).filter((r) => r.body?.text === undefined || r.path === activities(thread())),
    );
    expect(everywhere).not.toContain(secret);
    expect(JSON.stringify(h.connector.since(mark).filter((r) => r.path.includes(alice.personalChat)))).not.toContain(
      secret,
    );
  });

  it('a message in a channel thread that is not a ticket’s, without a mention, is left alone', async () => {
    const mark = h.connector.mark;
    const chatter = channelThreadMessage(url, aggie, 'some-other-thread-root', 'lunch anyone?');
    expect((await h.post(chatter)).status).toBe(200);
    expect(h.connector.since(mark).filter((r) => r.path.includes('some-other-thread-root'))).toEqual([]);
  });
});

describe('files from Teams', () => {
  const PNG = Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082',
    'hex',
  );
  const listed = async (key: string, user: UserRow) =>
    (
      await call<{ items: { filename: string }[] }>(h.app, 'GET', `/tickets/${key}/attachments`, {
        cookie: sessionCookie(h.app, user),
      })
    ).body.items.map((i) => i.filename);
  /** A file shared in a personal chat, as Teams attaches it (download info with a pre-signed URL). */
  const sharedFile = (name: string, path: string) => ({
    contentType: 'application/vnd.microsoft.teams.file.download.info',
    contentUrl: `https://contoso-my.sharepoint.com/personal/alice/Documents/Microsoft Teams Chat Files/${name}`,
    name,
    content: { downloadUrl: `${url}${path.slice(1)}`, uniqueId: 'u-1', fileType: name.split('.').pop() },
  });

  it('a file shared in the personal chat with tickets open rides on "which ticket?" and lands with the reply', async () => {
    h.connector.files.set('/files/router-lights.png', PNG);
    const { key } = await newTicket('Router blinks red');
    // Alice's greeting wizard is still waiting: cancel it, so the message is not its answer.
    const live = await h.session(alice);
    await h
      .as(alice)
      .request('POST', `/api/chat/sessions/${live.id}/input`, ZChatSessionResponse, { input: { type: 'cancel' } });
    const message = {
      ...personalMessage(url, alice, ''),
      attachments: [sharedFile('router-lights.png', '/files/router-lights.png')],
    };
    const mark = h.connector.mark;
    expect((await h.post(message)).status).toBe(200);
    // The answer to the message (notifications of earlier changes may reach the chat meanwhile).
    const pick = h.connector
      .since(mark, { under: alice.personalChat })
      .find((r) => r.method === 'POST' && r.path.endsWith(`/${message.id}`))!;
    const choice = buttons(cardOf(pick.body)).get(
      [...buttons(cardOf(pick.body)).keys()].find((title) => title.startsWith(`${key}:`))!,
    )!;
    expect(choice).toEqual({
      dm: 'pick',
      ticket: key,
      files: [{ name: 'router-lights.png', type: '', url: `${url}files/router-lights.png` }],
    });
    const clickMark = h.connector.mark;
    await h.post(personalSubmit(url, alice, pick.id!, { ...choice, message: 'Shared a file: router-lights.png' }));
    expect(await listed(key, rows.alice!)).toEqual(['router-lights.png']);
    const told = h.connector.since(clickMark, { under: alice.personalChat }).map((r) => JSON.stringify(r.body));
    expect(told.some((b) => b.includes(`📎 router-lights.png is attached to ${key}.`))).toBe(true);
  });

  it('an image an agent pastes in the card’s thread is the internal note’s; a channel’s SharePoint file is named as unreadable', async () => {
    h.connector.files.set('/v3/attachments/img-1/views/original', PNG);
    const { key, card } = await newTicket('Screen cracked');
    const mark = h.connector.mark;
    const note = channelThreadMessage(url, aggie, card, 'Photo from the desk', {
      attachments: [
        { contentType: 'image/png', contentUrl: `${url}v3/attachments/img-1/views/original`, name: 'crack.png' },
        {
          contentType: 'reference',
          contentUrl: 'https://contoso.sharepoint.com/sites/IT/Shared%20Documents/quote.pdf',
          name: 'quote.pdf',
        },
        { contentType: 'image/png', contentUrl: 'https://evil.example/x.png', name: 'elsewhere.png' },
      ],
    });
    expect((await h.post(note)).status).toBe(200);
    expect(await listed(key, rows.aggie!)).toEqual(['crack.png']);
    expect(await listed(key, rows.alice!)).toEqual([]);
    const said = JSON.stringify(h.connector.since(mark).filter((r) => r.path.includes(`messageid=${card}`)));
    expect(said).toContain('📎 crack.png is attached to');
    expect(said).toContain('quote.pdf was not attached: Deskmate cannot read files shared from a channel');
    // Nothing was fetched from anywhere but the Bot Connector.
    expect(said).not.toContain('elsewhere.png');
  });

  it('a file shared while the wizard asks is kept for the ticket it files', async () => {
    h.connector.files.set('/files/error.txt', Buffer.from('Error 0x80070005 access denied\n'));
    const started = personalMessage(url, bob, 'Windows update fails with an access error');
    await h.post(started);
    const session = await h.session(bob);
    expect(session.finished).toBe(false);
    await h.post({ ...personalMessage(url, bob, ''), attachments: [sharedFile('error.txt', '/files/error.txt')] });
    const kept = await h.app.database.db
      .select()
      .from(chatSessionFiles)
      .where(eq(chatSessionFiles.sessionId, session.id));
    expect(kept.map((f) => [f.filename, f.contentType])).toEqual([['error.txt', 'text/plain']]);
  });
});
