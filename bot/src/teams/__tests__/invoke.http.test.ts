import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../../api/src/test/factories.js';
import { eq } from 'drizzle-orm';
import { chatSessions, userIdentities } from '../../../../api/src/db/schema.js';
import { renderCreateFromMessageCard, renderWizardCard } from '../render/index.js';
import { invoke, personalInstall, teamsUser } from './activities.js';
import { startTeamsHarness, type TeamsHarness } from './harness.js';

/**
 * Every invoke Teams may send to this bot gets an invoke response: HTTP 200 with the body its
 * protocol calls for (or the protocol's own refusal), never botbuilder's bare 501, and never an
 * error in the log for a well-formed activity.
 */

let h: TeamsHarness;
let url: string;
const alice = teamsUser('Invoke Alice', 'invoke-alice@example.com');

const notHere = 'Deskmate does not offer this in Teams. Message Deskmate in a personal chat to ask IT for help.';

beforeAll(async () => {
  h = await startTeamsHarness();
  url = h.connector.url;
  await createUser(h.app.database.db, { email: alice.email, name: 'Alice' });
  h.connector.roster.set(alice.id, {
    id: alice.id,
    name: alice.name,
    aadObjectId: alice.aadObjectId,
    email: alice.email,
  });
});
afterAll(async () => {
  await h?.stop();
});

/** Invokes as Teams sends them (value shapes from the Teams and Bot Framework documentation). */
const cases: { name: string; value: unknown; status: number; body: unknown }[] = [
  {
    name: 'composeExtension/query',
    value: {
      commandId: 'searchQuery',
      parameters: [{ name: 'searchQuery', value: 'vpn' }],
      queryOptions: { skip: 0, count: 25 },
    },
    status: 200,
    body: { composeExtension: { type: 'message', text: notHere } },
  },
  {
    name: 'composeExtension/queryLink',
    value: { url: 'https://desk.example.com/tickets/IT-1' },
    status: 200,
    body: { composeExtension: { type: 'message', text: notHere } },
  },
  {
    name: 'composeExtension/anonymousQueryLink',
    value: { url: 'https://desk.example.com/tickets/IT-1' },
    status: 200,
    body: { composeExtension: { type: 'message', text: notHere } },
  },
  {
    name: 'composeExtension/selectItem',
    value: { key: 'IT-1' },
    status: 200,
    body: { composeExtension: { type: 'message', text: notHere } },
  },
  {
    name: 'composeExtension/querySettingUrl',
    value: { commandId: 'searchQuery', parameters: [] },
    status: 200,
    body: { composeExtension: { type: 'message', text: notHere } },
  },
  { name: 'composeExtension/setting', value: { state: 'done' }, status: 200, body: null },
  { name: 'composeExtension/onCardButtonClicked', value: { key: 'x' }, status: 200, body: null },
  {
    name: 'composeExtension/fetchTask',
    value: { commandId: 'somethingElse', commandContext: 'compose', context: { theme: 'default' } },
    status: 200,
    body: { task: { type: 'message', value: notHere } },
  },
  {
    name: 'composeExtension/submitAction',
    value: { commandId: 'somethingElse', commandContext: 'compose', data: {}, context: { theme: 'default' } },
    status: 200,
    body: { task: { type: 'message', value: notHere } },
  },
  {
    name: 'task/fetch',
    value: { data: { msteams: { type: 'task/fetch' } }, context: { theme: 'default' } },
    status: 200,
    body: { task: { type: 'message', value: notHere } },
  },
  {
    name: 'task/submit',
    value: { data: { answer: 'x' }, context: { theme: 'default' } },
    status: 200,
    body: { task: { type: 'message', value: notHere } },
  },
  { name: 'signin/verifyState', value: { state: '123456' }, status: 200, body: null },
  { name: 'signin/failure', value: { code: 'resourcematchfailed', message: 'no' }, status: 200, body: null },
  {
    name: 'signin/tokenExchange',
    value: { id: 'exchange-1', connectionName: 'graph', token: 'eyJhbGciOi.not-a-real.token' },
    status: 412,
    body: { id: 'exchange-1', connectionName: 'graph', failureDetail: 'Deskmate does not use single sign-on in Teams' },
  },
  {
    name: 'config/fetch',
    value: { data: {}, context: { theme: 'default' } },
    status: 200,
    body: { responseType: 'config', config: { type: 'message', value: notHere } },
  },
  {
    name: 'config/submit',
    value: { data: { setting: 1 }, context: { theme: 'default' } },
    status: 200,
    body: { responseType: 'config', config: { type: 'message', value: notHere } },
  },
  {
    name: 'tab/fetch',
    value: { tabContext: { tabEntityId: 'home' }, context: { theme: 'default' } },
    status: 200,
    body: {
      tab: {
        type: 'continue',
        value: {
          cards: [
            {
              card: {
                type: 'AdaptiveCard',
                $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
                version: '1.5',
                body: [{ type: 'TextBlock', text: notHere, wrap: true }],
              },
            },
          ],
        },
      },
    },
  },
  { name: 'actionableMessage/executeAction', value: { body: '{}', actionId: 'a1' }, status: 200, body: null },
  {
    name: 'fileConsent/invoke',
    value: { type: 'fileUpload', action: 'decline', context: { name: 'log.txt' } },
    status: 200,
    body: null,
  },
  { name: 'handoff/action', value: { continuation: 'c-1' }, status: 200, body: null },
  {
    name: 'healthCheck',
    value: {},
    status: 200,
    body: { healthResults: { success: true, messages: ['Deskmate is running'] } },
  },
  {
    name: 'vendor/somethingNew',
    value: { a: 1 },
    status: 200,
    body: {
      statusCode: 501,
      type: 'application/vnd.microsoft.error',
      value: { code: 'NotSupported', message: 'Deskmate does not handle "vendor/somethingNew" requests' },
    },
  },
  {
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb: 'approve', data: { someoneElses: true } }, trigger: 'manual' },
    status: 200,
    body: {
      statusCode: 400,
      type: 'application/vnd.microsoft.error',
      value: { code: 'BadRequest', message: 'This is not a card Deskmate sent, or its data was changed' },
    },
  },
];

describe('every invoke gets a proper invoke response', () => {
  it.each(cases)('$name → HTTP $status with the protocol’s body', async ({ name, value, status, body }) => {
    const logsBefore = h.logs.length;
    const mark = h.connector.mark;
    const res = await h.post(invoke(url, alice, name, value));
    expect(res.status).toBe(status);
    const text = await res.text();
    expect(text ? JSON.parse(text) : null).toEqual(body);
    // Answered in the HTTP response: nothing is posted to the chat, and nothing is logged as an error.
    expect(h.connector.since(mark, { under: alice.personalChat })).toEqual([]);
    expect(h.logs.slice(logsBefore).filter((l) => l.level === 'error')).toEqual([]);
  });

  it('the same invokes in a channel are answered the same way', async () => {
    const res = await h.post(
      invoke(url, alice, 'composeExtension/query', { commandId: 'x', parameters: [] }, { channel: true }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ composeExtension: { type: 'message', text: notHere } });
  });
});

describe('"Create ticket" on a Teams message (the message extension)', () => {
  const link =
    'https://teams.microsoft.com/l/message/19:general@thread.tacv2/1700000000123?groupId=g-1&parentMessageId=1700000000123';
  /** `value` of the message action's invokes, as Teams sends it for a message in a channel. */
  const actionValue = (extra: Record<string, unknown> = {}) => ({
    commandId: 'createTicket',
    commandContext: 'message',
    requestId: 'req-1',
    context: { theme: 'default' },
    messagePayload: {
      id: '1700000000123',
      replyToId: null,
      createdDateTime: '2026-01-05T09:00:00.000Z',
      importance: 'normal',
      locale: 'en-us',
      linkToMessage: link,
      from: {
        user: { id: '8:orgid:bob', displayName: 'Bob Builder', userIdentityType: 'aadUser' },
        application: null,
        device: null,
      },
      body: {
        contentType: 'html',
        content: '<p>The printer on floor 2 prints <b>blank</b> pages &amp; jams</p><p>Since Monday</p>',
      },
      attachments: [],
      mentions: [],
      reactions: [],
    },
    ...extra,
  });

  it('someone without a chat with Deskmate is told to open one first (the wizard continues there)', async () => {
    const res = await h.post(invoke(url, alice, 'composeExtension/fetchTask', actionValue(), { channel: true }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      task: {
        type: 'message',
        value:
          'To create tickets from messages, first open Deskmate in Teams (Apps → Deskmate → Open) and say hello: ' +
          'the questions about the ticket come to that chat.',
      },
    });
  });

  it('fetchTask opens a dialog with the message’s text (editable) and its author', async () => {
    await h.post(personalInstall(url, alice));
    const res = await h.post(invoke(url, alice, 'composeExtension/fetchTask', actionValue(), { channel: true }));
    expect(res.status).toBe(200);
    const card = renderCreateFromMessageCard({
      text: 'The printer on floor 2 prints blank pages & jams\nSince Monday',
      author: 'Bob Builder',
      link,
    });
    expect(await res.json()).toEqual({
      task: {
        type: 'continue',
        value: {
          title: 'Create ticket',
          card: { contentType: 'application/vnd.microsoft.card.adaptive', content: card },
        },
      },
    });
    expect(JSON.stringify(card)).toContain('"value":"The printer on floor 2 prints blank pages & jams\\nSince Monday"');
  });

  it('submitAction starts the wizard in their chat with the text, author and link; the dialog says where to go', async () => {
    const mark = h.connector.mark;
    const data = {
      dm: 'create',
      author: 'Bob Builder',
      link,
      description: 'The printer on floor 2 prints blank pages',
    };
    const res = await h.post(
      invoke(url, alice, 'composeExtension/submitAction', actionValue({ data }), { channel: true }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      task: {
        type: 'message',
        value: 'Your request continues in your chat with Deskmate: answer a few quick questions there.',
      },
    });
    const session = await h.session(alice);
    const [row] = await h.app.database.db.select().from(chatSessions).where(eq(chatSessions.id, session.id));
    expect((row?.state as { draft: { description: string } }).draft.description).toBe(
      `The printer on floor 2 prints blank pages\n\n(From a message by Bob Builder: ${link})`,
    );
    const posted = h.connector.since(mark, { under: alice.personalChat });
    expect(posted.map((r) => [r.method, r.path, (r.body?.attachments as { content: unknown }[])[0]!.content])).toEqual([
      ['POST', `/v3/conversations/${alice.personalChat}/activities`, renderWizardCard(session, h.links)],
    ]);
    const [identity] = await h.app.database.db
      .select()
      .from(userIdentities)
      .where(eq(userIdentities.providerUserId, alice.aadObjectId));
    expect((identity?.data as { wizardCardId: string }).wizardCardId).toBe(posted[0]!.id);
  });
});
