import { and, desc, eq } from 'drizzle-orm';
import {
  PermanentDeliveryError,
  RetryAfterError,
  ZMessageRefTicket,
  ZNotificationList,
  ZTicketResponse,
  ZTimeline,
  type TDeliveryFacts,
  type TTicket,
} from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settings, userIdentities } from '../../../../api/src/db/schema.js';
import { deliveries } from '../../../../api/src/db/schema-delivery.js';
import { call, sessionCookie } from '../../../../api/src/test/auth.js';
import { createTicket, createUser } from '../../../../api/src/test/factories.js';
import type { UserRow } from '../../../../api/src/test/factories.js';
import { greeting } from '../handlers/conversation-update.js';
import { channelHelp } from '../handlers/message.js';
import {
  CARD_CONTENT_TYPE,
  renderNotificationCard,
  renderPickCard,
  renderPickedCard,
  renderRatedCard,
  renderWizardCard,
} from '../render/index.js';
import { TRIAGE_TARGET } from '../plan.js';
import {
  bot,
  channelMention,
  channelSubmit,
  personalInstall,
  personalMessage,
  personalSubmit,
  team,
  teamInstall,
  teamUninstall,
  teamsUser,
  tenantId,
  triageChannel,
  type TTeamsUser,
} from './activities.js';
import type { TCaptured } from './connector.js';
import { buttons, cardOf, startTeamsHarness, until, type TeamsHarness } from './harness.js';

let h: TeamsHarness;
let url: string;
const alice = teamsUser('Alice Example', 'alice@example.com');
const aggie = teamsUser('Aggie Agent', 'aggie@example.com');
const ada = teamsUser('Ada Admin', 'ada@example.com');
let aliceRow: UserRow;
let aggieRow: UserRow;

/** The id the Bot Connector gave the message posted to this path (the latest one). */
function postedTo(path: string): string {
  const found = h.connector.requests.filter((r) => r.method === 'POST' && r.path === path).at(-1);
  expect(found?.id, `a message posted to ${path}`).toBeDefined();
  return found!.id!;
}

/** What matters in a request to the Bot Connector: where, what type, what text, which card. */
function sent(r: TCaptured) {
  const b = r.body ?? {};
  return {
    method: r.method,
    path: r.path,
    ...(b.type ? { type: b.type } : {}),
    ...(b.text !== undefined ? { text: b.text } : {}),
    ...(b.summary !== undefined ? { summary: b.summary } : {}),
    ...(b.replyToId !== undefined ? { replyToId: b.replyToId } : {}),
    ...(b.attachments ? { card: cardOf(b) } : {}),
  };
}
const activities = (chat: string) => `/v3/conversations/${chat}/activities`;

async function post(activity: object): Promise<void> {
  const res = await h.post(activity);
  expect(res.status).toBe(200);
}

async function identity(user: TTeamsUser) {
  const [row] = await h.app.database.db
    .select()
    .from(userIdentities)
    .where(eq(userIdentities.providerUserId, user.aadObjectId));
  return row!;
}

async function ticketAs(key: string, user: UserRow): Promise<TTicket> {
  return (await call<{ ticket: TTicket }>(h.app, 'GET', `/tickets/${key}`, { cookie: sessionCookie(h.app, user) })).body
    .ticket;
}

beforeAll(async () => {
  h = await startTeamsHarness();
  url = h.connector.url;
  const db = h.app.database.db;
  aliceRow = await createUser(db, { email: alice.email, name: 'Alice (Deskmate)' });
  aggieRow = await createUser(db, { email: aggie.email, name: 'Aggie (Deskmate)', role: 'agent' });
  await createUser(db, { email: ada.email, name: 'Ada (Deskmate)', role: 'admin' });
  for (const u of [alice, aggie, ada]) {
    h.connector.roster.set(u.id, {
      id: u.id,
      name: u.name,
      aadObjectId: u.aadObjectId,
      email: u.email,
      userPrincipalName: u.email,
    });
  }
});
afterAll(async () => {
  await h?.stop();
});

describe('a team installs the bot and an admin chooses the triage channel', () => {
  it('conversationUpdate on install stores the team’s conversation reference and says how to choose triage', async () => {
    const install = teamInstall(url, ada);
    const mark = h.connector.mark;
    await post(install);
    expect(h.connector.since(mark, { under: team.id }).map(sent)).toEqual([
      {
        method: 'POST',
        path: `${activities(team.id)}/${install.id}`,
        type: 'message',
        text: channelHelp,
        replyToId: install.id,
      },
    ]);
    const [row] = await h.app.database.db
      .select()
      .from(settings)
      .where(eq(settings.key, `teams.team:${team.id}`));
    expect(row?.value).toMatchObject({
      teamId: team.id,
      name: 'IT',
      reference: {
        serviceUrl: url,
        channelId: 'msteams',
        conversation: { id: team.id, conversationType: 'channel', tenantId },
        bot,
      },
    });
  });

  it('"triage here" from an agent is refused: choosing the triage channel is for admins', async () => {
    const mark = h.connector.mark;
    const mention = channelMention(url, aggie, 'triage here');
    await post(mention);
    expect(h.connector.since(mark, { under: `${triageChannel.id};messageid=${mention.id}` }).map(sent)).toEqual([
      {
        method: 'POST',
        path: `${activities(`${triageChannel.id};messageid=${mention.id}`)}/${mention.id}`,
        type: 'message',
        text: 'Only Deskmate admins can choose the triage channel.',
        replyToId: mention.id,
      },
    ]);
    const [row] = await h.app.database.db.select().from(settings).where(eq(settings.key, 'teams.triage'));
    expect(row).toBeUndefined();
  });

  it('"triage here" from an admin makes the channel the triage channel (the channel, not the thread)', async () => {
    const mark = h.connector.mark;
    const mention = channelMention(url, ada, 'Triage here');
    await post(mention);
    expect(
      h.connector.since(mark, { under: `${triageChannel.id};messageid=${mention.id}` }).map((r) => sent(r).text),
    ).toEqual([
      'This is now the triage channel: each new ticket gets a card here, with Claim, Resolve and Priority for agents.',
    ]);
    const [row] = await h.app.database.db.select().from(settings).where(eq(settings.key, 'teams.triage'));
    expect(row?.value).toMatchObject({
      teamId: team.id,
      channelId: triageChannel.id,
      channelName: 'Helpdesk triage',
      reference: { conversation: { id: triageChannel.id } },
    });
  });

  it('anything else said to the bot in a channel gets the help text', async () => {
    const mark = h.connector.mark;
    const mention = channelMention(url, aggie, 'hello?');
    await post(mention);
    const thread = `${triageChannel.id};messageid=${mention.id}`;
    expect(h.connector.since(mark, { under: thread }).map((r) => sent(r).text)).toEqual([channelHelp]);
  });
});

describe('a person files a ticket in their personal chat', () => {
  it('installing the app greets them with the wizard’s first question; their chat reference is stored with their identity', async () => {
    const install = personalInstall(url, alice);
    const mark = h.connector.mark;
    await post(install);
    const session = await h.session(alice);
    const requests = h.connector.since(mark, { roster: true, under: alice.personalChat });
    // The roster gives the email that links the Teams account to Alice's existing Deskmate user.
    expect(requests[0]).toEqual({
      method: 'GET',
      path: `/v3/conversations/${alice.personalChat}/members/${alice.id}`,
      body: null,
    });
    expect(requests.slice(1)).toEqual([
      {
        method: 'POST',
        path: `${activities(alice.personalChat)}/${install.id}`,
        id: expect.stringMatching(/^m-\d+$/),
        body: {
          type: 'message',
          serviceUrl: url,
          channelId: 'msteams',
          from: bot,
          recipient: { id: alice.id, name: alice.name, aadObjectId: alice.aadObjectId },
          conversation: { conversationType: 'personal', tenantId, id: alice.personalChat },
          locale: 'en-GB',
          replyToId: install.id,
          attachments: [{ contentType: CARD_CONTENT_TYPE, content: renderWizardCard(session, h.links, { greeting }) }],
        },
      },
    ]);
    const row = await identity(alice);
    expect(row.userId).toBe(aliceRow.id);
    expect(row.providerTeamId).toBe(tenantId);
    expect(row.data).toEqual({
      mri: alice.id,
      conversationReference: {
        serviceUrl: url,
        channelId: 'msteams',
        conversation: { id: alice.personalChat, conversationType: 'personal', tenantId },
        bot,
        user: { id: alice.id, name: alice.name, aadObjectId: alice.aadObjectId },
      },
      wizardCardId: postedTo(`${activities(alice.personalChat)}/${install.id}`),
    });
  });

  it('a typed answer: the previous card becomes a record of the question, the next question comes below', async () => {
    const before = await h.session(alice);
    const previousCard = (await identity(alice)).data as { wizardCardId: string };
    const message = personalMessage(url, alice, 'My VPN drops every few minutes since this morning');
    const mark = h.connector.mark;
    await post(message);
    const after = await h.session(alice);
    expect(after.version).toBe(before.version + 1);
    expect(h.connector.since(mark, { under: alice.personalChat }).map(sent)).toEqual([
      {
        method: 'PUT',
        path: `${activities(alice.personalChat)}/${previousCard.wizardCardId}`,
        type: 'message',
        replyToId: message.id,
        card: renderWizardCard(before, h.links, { answered: true }),
      },
      {
        method: 'POST',
        path: `${activities(alice.personalChat)}/${message.id}`,
        type: 'message',
        replyToId: message.id,
        card: renderWizardCard(after, h.links),
      },
    ]);
  });

  it('a repeated activity id never acts twice', async () => {
    const message = personalMessage(url, alice, 'Something else entirely, typed once');
    await post(message);
    const once = await h.session(alice);
    const mark = h.connector.mark;
    await post(message);
    expect(h.connector.since(mark, { roster: true, under: alice.personalChat })).toEqual([]);
    expect((await h.session(alice)).version).toBe(once.version);
  });

  it('clicks update the one card in place (Action.Submit values), all the way to a ticket', async () => {
    let session = await h.session(alice);
    const card = (await identity(alice)).data as { wizardCardId: string };
    // Back to the description, then through every question with the card's own buttons.
    const click = async (title: string, fields: Record<string, string> = {}) => {
      const data = buttons(renderWizardCard(session, h.links)).get(title);
      expect(data, `a "${title}" button on the ${session.step} card`).toBeDefined();
      const submit = personalSubmit(url, alice, card.wizardCardId, { ...data, ...fields });
      const mark = h.connector.mark;
      await post(submit);
      session = await h.session(alice);
      expect(h.connector.since(mark, { under: alice.personalChat }).map(sent)).toEqual([
        {
          method: 'PUT',
          path: `${activities(alice.personalChat)}/${card.wizardCardId}`,
          type: 'message',
          replyToId: submit.id,
          card: renderWizardCard(session, h.links),
        },
      ]);
    };
    await click('Cancel');
    await click('New request');
    await click('Next', { wizardText: 'My VPN drops every few minutes since this morning' });
    if (session.step === 'suggest') await click('I still need help');
    expect(session.step).toBe('category');
    await click('Network & Wi-Fi');
    await click('Next', { 'group:impact': 'me', 'group:urgency': 'blocked' });
    await click('Next', { wizardText: 'Dell XPS 13, error 809' });
    expect(session.step).toBe('summary');
    await click('Confirm');
    expect(session.finished).toBe(true);
    expect(session.ticketKey).toMatch(/^IT-\d+$/);
    const ticket = await ticketAs(session.ticketKey!, aliceRow);
    expect(ticket).toMatchObject({ channel: 'teams', requester: { id: aliceRow.id }, category: 'network' });
  });

  it('a click on a card the conversation has moved past shows the conversation as it is now', async () => {
    const current = await h.session(alice);
    const card = (await identity(alice)).data as { wizardCardId: string };
    const stale = { dm: 'wizard', session: current.id, version: current.version - 3, input: { type: 'back' } };
    const mark = h.connector.mark;
    await post(personalSubmit(url, alice, card.wizardCardId, stale));
    expect((await h.session(alice)).version).toBe(current.version);
    const inChat = h.connector.since(mark).filter((r) => r.path.startsWith(activities(alice.personalChat)));
    expect(inChat.map((r) => [r.method, r.path, cardOf(r.body)])).toEqual([
      ['PUT', `${activities(alice.personalChat)}/${card.wizardCardId}`, renderWizardCard(current, h.links)],
    ]);
  });
});

describe('the triage channel', () => {
  let key: string;
  let cardId: string;
  const triagePosts = (mark = 0) =>
    h.connector.since(mark).filter((r) => r.path.startsWith(activities(triageChannel.id)));

  it('each new ticket gets a card in the triage channel, posted from the stored reference by the delivery job', async () => {
    key = (await h.session(alice)).ticketKey!;
    const post = await until(() => triagePosts().find((r) => r.method === 'POST'));
    const ticket = await ticketAs(key, aggieRow);
    expect(sent(post)).toEqual({
      method: 'POST',
      path: activities(triageChannel.id),
      type: 'message',
      summary: `${key}: ${ticket.title}`,
      card: await h.triageCard(ticket),
    });
    cardId = post.id!;
    const [refRow] = await h.app.database.db.select().from(deliveries).where(eq(deliveries.target, TRIAGE_TARGET));
    expect(refRow).toMatchObject({ refPurpose: 'triage_card', refTicketId: ticket.id, refUserId: null });
    // The message's handle is stored when the delivery commits, just after the post: wait for it.
    const query = `channel=teams&conversation=${encodeURIComponent(triageChannel.id)}&message=${cardId}`;
    const lookup = await until(() =>
      h
        .as(aggie)
        .request('GET', `/api/integrations/message-refs?${query}`, ZMessageRefTicket)
        .catch(() => null),
    );
    expect(lookup).toEqual({ purpose: 'triage_card', visibility: 'internal', ticketKey: key });
  });

  it('only agents can act on a triage card: a requester’s Claim is refused and changes nothing', async () => {
    const claim = buttons(await h.triageCard(await ticketAs(key, aggieRow))).get('Claim')!;
    const mark = h.connector.mark;
    const submit = channelSubmit(url, alice, cardId, claim);
    await post(submit);
    expect(h.connector.since(mark, { under: `${triageChannel.id};messageid=${cardId}` }).map(sent)).toEqual([
      {
        method: 'POST',
        path: `${activities(`${triageChannel.id};messageid=${cardId}`)}/${submit.id}`,
        type: 'message',
        text: 'Only agents can work tickets from the triage channel, Alice (Deskmate).',
        replyToId: submit.id,
      },
    ]);
    expect((await ticketAs(key, aggieRow)).assignee).toBeNull();
  });

  it('an agent’s Claim updates the card in place at once, and the delivery job updates the same message', async () => {
    const claim = buttons(await h.triageCard(await ticketAs(key, aggieRow))).get('Claim')!;
    const mark = h.connector.mark;
    await post(channelSubmit(url, aggie, cardId, claim));
    const claimed = await ticketAs(key, aggieRow);
    expect(claimed.assignee?.id).toBe(aggieRow.id);
    const first = h.connector.since(mark, { under: `${triageChannel.id};messageid=${cardId}` })[0]!;
    expect([first.method, first.path, cardOf(first.body)]).toEqual([
      'PUT',
      `${activities(`${triageChannel.id};messageid=${cardId}`)}/${cardId}`,
      await h.triageCard(claimed),
    ]);
    // The outbox: the same card (by its stored ref), never a second one.
    const fromJob = await until(() =>
      triagePosts(mark).find((r) => r.method === 'PUT' && r.path === `${activities(triageChannel.id)}/${cardId}`),
    );
    expect(cardOf(fromJob.body)).toEqual(await h.triageCard(await ticketAs(key, aggieRow)));
    expect(triagePosts(mark).filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('a Claim that lost the race says who won, and the card shows the ticket as it is now', async () => {
    const other = await createUser(h.app.database.db, { role: 'agent', name: 'Otto Other' });
    const t = await createTicket(h.app.database.db, { requesterId: aliceRow.id, status: 'open', assigneeId: other.id });
    const mark = h.connector.mark;
    const submit = channelSubmit(url, aggie, 'm-card-x', { dm: 'triage', op: 'claim', ticket: t.key });
    await post(submit);
    const thread = activities(`${triageChannel.id};messageid=m-card-x`);
    expect(
      h.connector
        .since(mark)
        .filter((r) => r.path.startsWith(thread))
        .map(sent),
    ).toEqual([
      {
        method: 'POST',
        path: `${thread}/${submit.id}`,
        type: 'message',
        text: `${t.key} was already claimed by Otto Other`,
        replyToId: submit.id,
      },
      {
        method: 'PUT',
        path: `${thread}/m-card-x`,
        type: 'message',
        replyToId: submit.id,
        card: await h.triageCard(await ticketAs(t.key, aggieRow)),
      },
    ]);
  });

  it('Priority (a choice in a shown card) and Resolve update the card; a resolved ticket’s card has no buttons left', async () => {
    const card = await h.triageCard(await ticketAs(key, aggieRow));
    await post(channelSubmit(url, aggie, cardId, { ...buttons(card).get('Set priority')!, priority: 'urgent' }));
    expect((await ticketAs(key, aggieRow)).priority).toBe('urgent');
    const mark = h.connector.mark;
    await post(channelSubmit(url, aggie, cardId, buttons(card).get('Resolve')!));
    const resolved = await ticketAs(key, aggieRow);
    expect(resolved.status).toBe('resolved');
    // The update from the click (in the card's thread; the delivery job's own updates may come too,
    // and so may the job's mirror of the status change, a new message in the thread).
    const fromClick = h.connector.since(mark).filter((r) => r.method === 'PUT' && r.path.includes(';messageid='));
    expect(fromClick.map((r) => [r.method, cardOf(r.body)])).toEqual([['PUT', await h.triageCard(resolved)]]);
    expect(buttons(await h.triageCard(resolved)).size).toBe(0);
  });
});

/** The notification facts as the delivery job gathers them, read back through the API. */
async function notificationFacts(user: UserRow, key: string, type: string): Promise<TDeliveryFacts | null> {
  const cookie = sessionCookie(h.app, user);
  const list = ZNotificationList.parse((await call(h.app, 'GET', '/notifications', { cookie })).body);
  const n = list.items.find((i) => i.ticketKey === key && i.type === type);
  if (!n) return null;
  const ticket = ZTicketResponse.parse((await call(h.app, 'GET', `/tickets/${key}`, { cookie })).body).ticket;
  const timeline = ZTimeline.parse((await call(h.app, 'GET', `/tickets/${key}/timeline`, { cookie })).body).items;
  const event = type === 'reply' ? timeline.filter((e) => e.kind === 'reply').at(-1)! : null;
  return {
    kind: 'notification.deliver',
    ticket,
    notification: { ...n, visibility: 'public' },
    event,
    recipient: { user: { id: user.id } as never, identities: [], wantsChat: true },
    payload: {},
  };
}

describe('proactive notifications in the personal chat', () => {
  const toAlice = (mark: number) => h.connector.since(mark).filter((r) => r.path === activities(alice.personalChat));

  it('an agent’s reply reaches the requester as a new message (not a reply to anything), and they can answer from it', async () => {
    const t = await createTicket(h.app.database.db, {
      requesterId: aliceRow.id,
      title: 'Printer jams',
      status: 'open',
    });
    const mark = h.connector.mark;
    await call(h.app, 'POST', `/tickets/${t.key}/replies`, {
      cookie: sessionCookie(h.app, aggieRow),
      body: { body: 'Which printer is it?' },
    });
    const facts = await until(() => notificationFacts(aliceRow, t.key, 'reply'));
    // Other notifications of earlier tests may still arrive: this one is known by its summary.
    const message = await until(() => toAlice(mark).find((r) => r.body?.summary === facts.notification!.title));
    expect(sent(message)).toEqual({
      method: 'POST',
      path: activities(alice.personalChat),
      type: 'message',
      summary: facts.notification!.title,
      card: renderNotificationCard(facts, h.links),
    });
    expect(JSON.stringify(cardOf(message.body))).toContain('Which printer is it?');
    // Answer with the card's Reply form.
    const id = message.id!;
    const replyMark = h.connector.mark;
    await post(
      personalSubmit(url, alice, id, { ...buttons(cardOf(message.body)).get('Send')!, reply: 'The one on floor 2' }),
    );
    // In Alice's chat: the reply changes the ticket, so its triage card may be updated meanwhile.
    expect(h.connector.since(replyMark, { under: alice.personalChat }).map((r) => sent(r).text)).toEqual([
      `Your reply was added to ${t.key}.`,
    ]);
    const timeline = ZTimeline.parse(
      (await call(h.app, 'GET', `/tickets/${t.key}/timeline`, { cookie: sessionCookie(h.app, aliceRow) })).body,
    ).items;
    expect(timeline.at(-1)).toMatchObject({ kind: 'reply', body: 'The one on floor 2', channel: 'teams' });
  });

  it('a resolution comes with rating buttons; a rating replaces them with thanks and is stored', async () => {
    const t = await createTicket(h.app.database.db, {
      requesterId: aliceRow.id,
      title: 'Monitor flickers',
      status: 'open',
    });
    const mark = h.connector.mark;
    await call(h.app, 'PATCH', `/tickets/${t.key}`, {
      cookie: sessionCookie(h.app, aggieRow),
      body: { status: 'resolved' },
    });
    const facts = await until(() => notificationFacts(aliceRow, t.key, 'status_changed'));
    const message = await until(() => toAlice(mark).find((r) => JSON.stringify(r.body).includes(t.key)));
    expect(cardOf(message.body)).toEqual(renderNotificationCard(facts, h.links));
    const id = message.id!;
    const rate = buttons(cardOf(message.body)).get('4')!;
    const rateMark = h.connector.mark;
    await post(personalSubmit(url, alice, id, rate));
    expect(h.connector.since(rateMark).map((r) => [r.method, r.path, cardOf(r.body)])).toEqual([
      ['PUT', `${activities(alice.personalChat)}/${id}`, renderRatedCard(t.key, 4)],
    ]);
    expect((await ticketAs(t.key, aliceRow)).csat).toEqual({ rating: 4, comment: null });
  });
});

describe('when the API refuses', () => {
  it('the person reads the API’s reason (a click on someone else’s conversation: not found)', async () => {
    const mark = h.connector.mark;
    const forged = {
      dm: 'wizard',
      session: '00000000-0000-4000-8000-000000000000',
      version: 0,
      input: { type: 'back' },
    };
    const submit = personalSubmit(url, alice, 'm-any', forged);
    await post(submit);
    expect(
      h.connector
        .since(mark)
        .filter((r) => r.path.startsWith(activities(alice.personalChat)))
        .map(sent),
    ).toEqual([
      {
        method: 'POST',
        path: `${activities(alice.personalChat)}/${submit.id}`,
        type: 'message',
        text: 'Conversation not found',
        replyToId: submit.id,
      },
    ]);
  });
});

describe('Teams has no threads in a personal chat: "which ticket?"', () => {
  it('a message while tickets are open asks where it belongs; choosing a ticket adds it there', async () => {
    const open = await createTicket(h.app.database.db, {
      requesterId: aliceRow.id,
      title: 'Laptop fan is loud',
      status: 'open',
    });
    const text = 'It got worse since this morning';
    const message = personalMessage(url, alice, text);
    let mark = h.connector.mark;
    await post(message);
    const openTickets = (
      await call<{ items: TTicket[] }>(
        h.app,
        'GET',
        '/tickets?requester=me&status=new,open,pending,on_hold&sort=-updatedAt&limit=6',
        { cookie: sessionCookie(h.app, aliceRow) },
      )
    ).body.items;
    expect(openTickets.map((t) => t.key)).toContain(open.key);
    expect(h.connector.since(mark, { under: alice.personalChat }).map(sent)).toEqual([
      {
        method: 'POST',
        path: `${activities(alice.personalChat)}/${message.id}`,
        type: 'message',
        replyToId: message.id,
        card: renderPickCard(text, openTickets),
      },
    ]);
    const pickId = postedTo(`${activities(alice.personalChat)}/${message.id}`);
    mark = h.connector.mark;
    await post(personalSubmit(url, alice, pickId, { dm: 'pick', ticket: open.key, message: text }));
    const after = await ticketAs(open.key, aliceRow);
    expect(
      h.connector.since(mark, { under: alice.personalChat }).map((r) => [r.method, r.path, cardOf(r.body)]),
    ).toEqual([['PUT', `${activities(alice.personalChat)}/${pickId}`, renderPickedCard(text, after)]]);
    const timeline = ZTimeline.parse(
      (await call(h.app, 'GET', `/tickets/${open.key}/timeline`, { cookie: sessionCookie(h.app, aliceRow) })).body,
    ).items;
    expect(timeline.filter((e) => e.body === text)).toHaveLength(1);
  });

  it('"New request" starts the wizard from the message, in the same card', async () => {
    const text = 'The projector in room 4 shows no picture';
    const message = personalMessage(url, alice, text);
    await post(message);
    const pickId = postedTo(`${activities(alice.personalChat)}/${message.id}`);
    const mark = h.connector.mark;
    await post(personalSubmit(url, alice, pickId, { dm: 'pick', ticket: null, message: text }));
    const session = await h.session(alice);
    expect(session.finished).toBe(false);
    expect(session.prompt.summary ?? session.prompt.text).toBeTruthy();
    expect(
      h.connector.since(mark, { under: alice.personalChat }).map((r) => [r.method, r.path, cardOf(r.body)]),
    ).toEqual([['PUT', `${activities(alice.personalChat)}/${pickId}`, renderWizardCard(session, h.links)]]);
    expect(((await identity(alice)).data as { wizardCardId: string }).wizardCardId).toBe(pickId);
  });
});

describe('deliveries: throttling and conversations that are gone', () => {
  // A conversation of its own, so that no background delivery takes the failure meant for this test.
  const chat = 'a:1throttle-test';
  const envelope = (kind: string, attempt = 1) => ({
    id: 'd-1',
    plan: { kind, target: chat, refKey: null },
    attempt,
    ref: null,
    facts: {
      kind: 'notification.deliver',
      ticket: null,
      notification: {
        id: 'n',
        type: 'status_changed' as const,
        ticketKey: null,
        title: 'Hello',
        body: 'b',
        read: false,
        createdAt: new Date().toISOString(),
        visibility: 'public' as const,
      },
      event: null,
      recipient: {
        wantsChat: true,
        user: { id: aliceRow.id } as never,
        identities: [
          {
            provider: 'teams' as const,
            providerUserId: alice.aadObjectId,
            providerTeamId: null,
            data: { conversationReference: { serviceUrl: url, channelId: 'msteams', conversation: { id: chat }, bot } },
          },
        ],
      },
      payload: {},
    },
  });

  it('429 becomes RetryAfterError with the Bot Connector’s Retry-After; 403 and 404 are permanent', async () => {
    h.connector.failNext(activities(chat), 429, 'Throttled', { 'retry-after': '7' });
    const throttled = await h.teams.sender.send(envelope('dm.notification')).catch((err: unknown) => err);
    expect(throttled).toBeInstanceOf(RetryAfterError);
    expect((throttled as RetryAfterError).retryAfterMs).toBe(7000);
    h.connector.failNext(activities(chat), 403, 'ConversationBlockedByUser');
    await expect(h.teams.sender.send(envelope('dm.notification'))).rejects.toBeInstanceOf(PermanentDeliveryError);
    h.connector.failNext(activities(chat), 404, 'ConversationNotFound');
    await expect(h.teams.sender.send(envelope('dm.notification'))).rejects.toBeInstanceOf(PermanentDeliveryError);
    // And when the conversation is there, the message goes out and its handle comes back.
    await expect(h.teams.sender.send(envelope('dm.notification'))).resolves.toEqual({
      ref: { conversation: chat, message: expect.stringMatching(/^m-\d+$/), serviceUrl: url },
    });
  });

  const latestToAlice = async () =>
    (
      await h.app.database.db
        .select()
        .from(deliveries)
        .where(
          and(
            eq(deliveries.channel, 'teams'),
            eq(deliveries.kind, 'dm.notification'),
            eq(deliveries.target, alice.personalChat),
          ),
        )
        .orderBy(desc(deliveries.createdAt))
        .limit(1)
    )[0];

  it('a throttled notification is retried by its delivery job after Retry-After, and arrives once', async () => {
    const t = await createTicket(h.app.database.db, { requesterId: aliceRow.id, title: 'Keyboard', status: 'open' });
    h.connector.failNext(activities(alice.personalChat), 429, 'Throttled', { 'retry-after': '1' });
    const mark = h.connector.mark;
    await call(h.app, 'POST', `/tickets/${t.key}/replies`, {
      cookie: sessionCookie(h.app, aggieRow),
      body: { body: 'On it' },
    });
    const delivered = await until(async () => {
      const row = await latestToAlice();
      return row?.status === 'sent' && JSON.stringify(h.connector.since(mark)).includes('On it') ? row : null;
    }, 20_000);
    expect(delivered).toMatchObject({ attempts: 2, lastError: expect.stringContaining('429') });
    const sentToAlice = h.connector
      .since(mark)
      .filter((r) => r.path === activities(alice.personalChat) && JSON.stringify(r.body).includes('On it'));
    expect(sentToAlice).toHaveLength(2); // the refused one and the one that arrived
  });

  it('a notification to a chat that is gone (403) is dead at once, not retried', async () => {
    const t = await createTicket(h.app.database.db, { requesterId: aliceRow.id, title: 'Mouse', status: 'open' });
    h.connector.failNext(activities(alice.personalChat), 403, 'ConversationBlockedByUser');
    await call(h.app, 'POST', `/tickets/${t.key}/replies`, {
      cookie: sessionCookie(h.app, aggieRow),
      body: { body: 'Blocked?' },
    });
    const dead = await until(async () => {
      const row = await latestToAlice();
      return row?.status === 'dead' ? row : null;
    });
    expect(dead).toMatchObject({ attempts: 1, lastError: expect.stringContaining('403 ConversationBlockedByUser') });
  });
});

describe('without credentials the endpoint is for the Emulator on this machine only', () => {
  it('the Bot Framework Emulator (no roster, no AAD id) gets the wizard as a new chat-only requester', async () => {
    const mark = h.connector.mark;
    const activity = {
      type: 'message',
      id: 'e5f6a7b8-emulator-1',
      timestamp: new Date().toISOString(),
      channelId: 'emulator',
      serviceUrl: url.replace('127.0.0.1', 'localhost'),
      from: { id: 'b3e4d2c1-emulator-user', name: 'User', role: 'user' },
      conversation: { id: 'f1e2d3c4-emulator-conversation|livechat' },
      recipient: { id: 'd1c2b3a4-bot', name: 'Bot', role: 'bot' },
      text: 'My monitor stays black after the docking station update',
      locale: 'en-US',
    };
    await post(activity);
    const requests = h.connector.since(mark, { roster: true, under: activity.conversation.id });
    expect(requests.map((r) => [r.method, r.path])).toEqual([
      ['POST', `${activities(activity.conversation.id)}/${activity.id}`],
    ]);
    // No roster lookup anywhere: the Emulator has none.
    expect(h.connector.since(mark, { roster: true }).filter((r) => r.method === 'GET')).toEqual([]);
    const [row] = await h.app.database.db
      .select()
      .from(userIdentities)
      .where(eq(userIdentities.providerUserId, activity.from.id));
    expect(row?.data).toMatchObject({ conversationReference: { conversation: { id: activity.conversation.id } } });
  });

  it('refuses an activity whose serviceUrl is elsewhere, or that came through a proxy', async () => {
    const elsewhere = await h.post(personalMessage('https://smba.trafficmanager.net/emea/', alice, 'hi there friend'));
    expect(elsewhere.status).toBe(403);
    const proxied = await h.post(personalMessage(url, alice, 'hi there friend'), { 'x-forwarded-for': '203.0.113.9' });
    expect(proxied.status).toBe(403);
  });

  it('a malformed activity from this machine is a 400 that says what is wrong, not a 500', async () => {
    const typeless = await h.post({ serviceUrl: url, channelId: 'emulator', conversation: { id: 'c' } });
    expect(typeless.status).toBe(400);
    expect(await typeless.json()).toMatchObject({
      error: {
        code: 'validation_failed',
        details: expect.arrayContaining([expect.objectContaining({ path: 'body.type' })]),
      },
    });
    const { conversation: _, ...nowhere } = personalMessage(url, alice, 'hi there friend');
    const res = await h.post(nowhere);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'validation_failed', message: expect.any(String) } });
  });
});

describe('removing the bot from the team', () => {
  it('forgets the team and its triage channel', async () => {
    await post(teamUninstall(url, ada));
    const rows = await h.app.database.db.select().from(settings);
    expect(rows.filter((r) => r.key.startsWith('teams.'))).toEqual([]);
  });
});
