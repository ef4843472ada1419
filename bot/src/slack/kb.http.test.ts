import { and, eq, isNull } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chatSessions, kbArticles, kbSuggestions } from '../../../api/src/db/schema.js';
import { createUser, type UserRow } from '../../../api/src/test/factories.js';
import { CONSOLE, startSlackHarness, unique, type SlackHarness } from './__tests__/harness.js';
import { limitProblems } from './render/limits.js';
import type { types } from '@slack/bolt';

/**
 * The knowledge base in Slack, through the real endpoint: signed requests to /slack/events, the
 * listeners run by the inbound job, and every Web API call and response_url post checked as sent.
 */

let h: SlackHarness;
let rita: UserRow;
const RITA = 'U0RITA';
const DM = 'D0RITA';
const HOOKS = 'https://hooks.slack.test';
const WORDS = 'vpn keeps disconnecting when working from home';
const DRAFT = 'slack-draft-article';

type Element = { type: string; action_id?: string; value?: string; text?: { text: string } };
type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  accessory?: Element;
  elements?: Element[];
  element?: Element & { dispatch_action_config?: unknown };
  dispatch_action?: boolean;
};
type Modal = {
  type: string;
  callback_id: string;
  title: { text: string };
  submit?: { text: string };
  private_metadata?: string;
  blocks: Block[];
};

const buttonsOf = (blocks: Block[]) =>
  blocks.flatMap((b) => [...(b.accessory ? [b.accessory] : []), ...(b.elements ?? [])]).filter((e) => e.action_id);
const ids = (blocks: Block[]) => buttonsOf(blocks).map((e) => e.action_id);
const button = (blocks: Block[], id: string) => {
  const found = buttonsOf(blocks).find((e) => e.action_id === id);
  expect(found, `a ${id} button among ${ids(blocks).join(', ')}`).toBeDefined();
  return found!;
};
/** Block Kit as Slack would take it: within its limits, and a modal's title and submit within 24 characters. */
function expectValidModal(view: Modal): void {
  expect(limitProblems(view.blocks as unknown as types.KnownBlock[])).toEqual([]);
  expect(view.blocks.length).toBeLessThanOrEqual(100);
  expect(view.title.text.length).toBeLessThanOrEqual(24);
  expect((view.submit?.text ?? '').length).toBeLessThanOrEqual(24);
  expect((view.private_metadata ?? '').length).toBeLessThanOrEqual(3000);
}

/** response_url posts, as Slack's hooks endpoint receives them. */
let responses: { path: string; body: Record<string, unknown> }[] = [];
function interceptHooks(): void {
  nock(HOOKS)
    .persist()
    .post(/^\/commands\/.+$/)
    .reply(200, (uri, body) => {
      responses.push({ path: uri, body: body as Record<string, unknown> });
      return 'ok';
    });
}

const click = (actionId: string, value: string, where: Record<string, unknown>) =>
  h.interaction({
    type: 'block_actions',
    user: { id: RITA },
    actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: '1' }],
    ...where,
  });
const fromModal = (view: Modal, id = 'V0ARTICLE') => ({
  container: { type: 'view', view_id: id },
  view: { id, type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata ?? '' },
});
const fromEphemeral = (responseUrl: string) => ({
  container: { type: 'message', message_ts: '1700000300.000100', channel_id: 'C0GENERAL', is_ephemeral: true },
  channel: { id: 'C0GENERAL' },
  response_url: responseUrl,
});

beforeAll(async () => {
  h = await startSlackHarness();
  interceptHooks();
  rita = await createUser(h.database.db, { email: 'rita@example.test', name: 'Rita Requester' });
  h.web.people.set(RITA, { id: RITA, email: rita.email, name: 'Rita Requester' });
  await h.database.db.insert(kbArticles).values({
    slug: DRAFT,
    title: 'Draft: reset the door badge printer',
    category: 'hardware',
    body: 'Not ready.',
    published: false,
  });
});
afterAll(async () => {
  await h.stop();
});
beforeEach(async () => {
  await h.drain();
  h.web.reset();
  responses = [];
});

describe('/ticket help <words>', () => {
  it('acks at once, then answers only the person with the top articles, View buttons and "Open a ticket"', async () => {
    const responseUrl = `${HOOKS}/commands/T0TEAM/1/${unique('r')}`;
    const res = await h.command({
      command: '/ticket',
      text: `help ${WORDS}`,
      user_id: RITA,
      channel_id: 'C0GENERAL',
      response_url: responseUrl,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      response_type: 'ephemeral',
      text: `:mag: Looking in the help articles for “${WORDS}”…`,
    });
    await h.settle();
    // Nothing is posted in the channel or the DM: the answer goes to the response_url only.
    expect(h.web.calls.map((c) => c.method)).toEqual(['users.info']);
    expect(responses).toHaveLength(1);
    expect(responses[0]!.path).toBe(new URL(responseUrl).pathname);
    const answer = responses[0]!.body as { response_type: string; text: string; blocks: Block[] };
    expect(answer.response_type).toBe('ephemeral');
    expect(answer.text).toBe(`Help articles for “${WORDS}”`);
    expect(limitProblems(answer.blocks as unknown as types.KnownBlock[])).toEqual([]);
    const views = buttonsOf(answer.blocks).filter((b) => b.action_id?.startsWith('kb:view:'));
    expect(views.length).toBeGreaterThan(0);
    expect(views.length).toBeLessThanOrEqual(5);
    const first = JSON.parse(views[0]!.value!) as { s: string; q: string };
    expect(first).toEqual({ s: expect.stringMatching(/vpn/) as string, q: WORDS });
    expect(JSON.stringify(answer.blocks)).toContain(`${CONSOLE}/portal/kb/${first.s}`);
    expect(button(answer.blocks, 'kb:ticket')).toMatchObject({
      value: WORDS,
      text: { text: 'Still need help? Open a ticket' },
    });
  });

  it('without words, the ack explains how to use it and nothing else happens', async () => {
    const res = await h.command({
      command: '/ticket',
      text: 'help',
      user_id: RITA,
      response_url: `${HOOKS}/commands/T0TEAM/2/x`,
    });
    expect(((await res.json()) as { text: string }).text).toContain('/ticket help` followed by a few words');
    await h.settle();
    expect(h.web.calls).toEqual([]);
    expect(responses).toEqual([]);
  });

  it('words that match nothing get an honest answer with "Open a ticket"', async () => {
    await h.command({
      command: '/ticket',
      text: 'help what is for lunch today',
      user_id: RITA,
      response_url: `${HOOKS}/commands/T0TEAM/3/x`,
    });
    await h.settle();
    const answer = responses[0]!.body as { text: string; blocks: Block[] };
    expect(answer.text).toBe('No help article for “what is for lunch today”');
    expect(ids(answer.blocks)).toEqual(['kb:ticket']);
  });

  it('View opens the article in a modal (and counts the view); No offers a ticket; Open a ticket starts the wizard with the words', async () => {
    const value = JSON.stringify({ s: 'vpn-connect', q: WORDS });
    const [before] = await h.database.db.select().from(kbArticles).where(eq(kbArticles.slug, 'vpn-connect'));
    await click('kb:view:0', value, fromEphemeral(`${HOOKS}/commands/T0TEAM/4/x`));
    await h.settle();
    expect(h.web.calls.map((c) => c.method)).toEqual(['views.open']);
    const open = h.web.calls[0]!.body as { trigger_id: string; view: Modal };
    expect(open.trigger_id).toMatch(/^TRIG\./);
    const article = open.view;
    expectValidModal(article);
    expect(article.callback_id).toBe('kb_article');
    expect(article.blocks[0]).toMatchObject({
      type: 'header',
      text: { text: 'Connect to the VPN and fix dropped connections' },
    });
    // Markdown becomes mrkdwn: headings in bold, **bold** with single stars.
    const text = JSON.stringify(article.blocks);
    expect(text).toContain('*When to file a ticket*');
    expect(text).toContain('*Connected*');
    expect(text).not.toContain('**');
    expect(JSON.parse(article.private_metadata!)).toEqual({ s: 'vpn-connect', q: WORDS });
    expect(ids(article.blocks)).toEqual(['kb:helpful:yes', 'kb:helpful:no']);
    const [viewed] = await h.database.db.select().from(kbArticles).where(eq(kbArticles.slug, 'vpn-connect'));
    expect(viewed!.views - before!.views).toBe(1);

    h.web.reset();
    await click('kb:helpful:no', 'no', fromModal(article));
    await h.settle();
    expect(h.web.calls.map((c) => c.method)).toEqual(['views.update']);
    const updated = h.web.calls[0]!.body as { view_id: string; view: Modal };
    expect(updated.view_id).toBe('V0ARTICLE');
    expectValidModal(updated.view);
    expect(JSON.stringify(updated.view.blocks)).toContain('Still need help?');
    expect(button(updated.view.blocks, 'kb:ticket').value).toBe(WORDS);
    const recorded = await h.database.db
      .select()
      .from(kbSuggestions)
      .where(and(eq(kbSuggestions.userId, rita.id), isNull(kbSuggestions.sessionId)));
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      channel: 'slack',
      query: WORDS,
      slugs: ['vpn-connect'],
      outcome: 'need_help',
      solvedSlug: null,
    });

    h.web.reset();
    await click('kb:ticket', WORDS, fromModal(updated.view));
    await h.settle();
    expect(h.web.calls.map((c) => c.method)).toEqual(['conversations.open', 'chat.postMessage', 'views.update']);
    const wizard = h.web.calls[1]!.body as { channel: string; blocks: Block[] };
    expect(wizard.channel).toBe(DM);
    // The words were searched already: the wizard goes straight to the category.
    expect(ids(wizard.blocks).some((id) => id?.startsWith('wizard:category:'))).toBe(true);
    expect(ids(wizard.blocks).some((id) => id?.startsWith('wizard:suggest:'))).toBe(false);
    const [session] = await h.database.db.select().from(chatSessions).where(eq(chatSessions.conversation, DM));
    expect((session?.state as { draft: { description: string } }).draft.description).toBe(WORDS);
    const done = h.web.calls[2]!.body as { view_id: string; view: Modal };
    expect(done.view_id).toBe('V0ARTICLE');
    expect(JSON.stringify(done.view.blocks)).toContain("I've started a request in our direct messages");
    expect(ids(done.view.blocks)).toEqual([]);
  });

  it('"Open a ticket" under the answer replaces it, through its response_url', async () => {
    const responseUrl = `${HOOKS}/commands/T0TEAM/5/${unique('r')}`;
    await click('kb:ticket', 'printer paper jam on floor 3', fromEphemeral(responseUrl));
    await h.settle();
    expect(h.web.calls.map((c) => c.method)).toEqual(['chat.postMessage']);
    expect(responses).toEqual([
      {
        path: new URL(responseUrl).pathname,
        body: {
          response_type: 'ephemeral',
          replace_original: true,
          text: ":speech_balloon: I've started a request in our direct messages: answer a few quick questions there.",
        },
      },
    ]);
  });

  it('an unpublished article is not shown to a requester, and its view is not counted', async () => {
    await click('kb:view:0', JSON.stringify({ s: DRAFT, q: 'badge' }), fromEphemeral(`${HOOKS}/commands/T0TEAM/6/x`));
    await h.settle();
    const open = h.web.of('views.open')[0]!.body as { view: Modal };
    expect(JSON.stringify(open.view.blocks)).toContain('This article is no longer available.');
    expect(JSON.stringify(open.view.blocks)).not.toContain('Not ready');
    const [row] = await h.database.db.select().from(kbArticles).where(eq(kbArticles.slug, DRAFT));
    expect(row!.views).toBe(0);
  });
});

describe('App Home search', () => {
  it('App Home has a Search help articles button; it opens a search modal whose field searches on Enter', async () => {
    await h.event({ type: 'app_home_opened', user: RITA, channel: DM, tab: 'home', event_ts: '1.1' });
    await h.settle();
    const home = h.web.of('views.publish')[0]!.body.view as { blocks: Block[] };
    expect(button(home.blocks, 'home:kb_search').text?.text).toBe('Search help articles');

    h.web.reset();
    await click('home:kb_search', 'search', {
      container: { type: 'view', view_id: 'V0HOME' },
      view: { id: 'V0HOME', type: 'home' },
    });
    await h.settle();
    expect(h.web.calls.map((c) => c.method)).toEqual(['views.open']);
    const modal = (h.web.calls[0]!.body as { view: Modal }).view;
    expectValidModal(modal);
    expect(modal).toMatchObject({ callback_id: 'kb_search', submit: { text: 'Open a ticket' } });
    expect(modal.blocks[0]).toMatchObject({
      type: 'input',
      block_id: 'kb_query',
      dispatch_action: true,
      element: { action_id: 'kb:search', dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] } },
    });

    // Enter in the field: a block action from the modal, answered by updating it with the results.
    h.web.reset();
    await h.interaction({
      type: 'block_actions',
      user: { id: RITA },
      container: { type: 'view', view_id: 'V0SEARCH' },
      view: { id: 'V0SEARCH', type: 'modal', callback_id: 'kb_search', private_metadata: '' },
      actions: [
        {
          type: 'plain_text_input',
          action_id: 'kb:search',
          block_id: 'kb_query',
          value: ' paper   jam in the printer ',
          action_ts: '1',
        },
      ],
    });
    await h.settle();
    expect(h.web.calls.map((c) => c.method)).toEqual(['views.update']);
    const results = h.web.calls[0]!.body as { view_id: string; view: Modal };
    expect(results.view_id).toBe('V0SEARCH');
    expectValidModal(results.view);
    expect(results.view.blocks[0]).toMatchObject({ block_id: 'kb_query' });
    expect(JSON.parse(results.view.private_metadata!)).toEqual({ searched: 'paper jam in the printer' });
    const view = button(results.view.blocks, 'kb:view:0');
    expect(JSON.parse(view.value!)).toEqual({ s: 'printer-paper-jam', q: 'paper jam in the printer' });

    // View from the modal pushes the article on top of the results.
    h.web.reset();
    await click('kb:view:0', view.value!, fromModal(results.view, 'V0SEARCH'));
    await h.settle();
    expect(h.web.calls.map((c) => c.method)).toEqual(['views.push']);
    const pushed = (h.web.calls[0]!.body as { view: Modal }).view;
    expectValidModal(pushed);

    // "Yes": thanked, recorded as a deflection from Slack.
    h.web.reset();
    await click('kb:helpful:yes', 'yes', fromModal(pushed));
    await h.settle();
    const thanked = (h.web.of('views.update')[0]!.body as { view: Modal }).view;
    expect(JSON.stringify(thanked.blocks)).toContain('Glad it helped');
    const [yes] = await h.database.db
      .select()
      .from(kbSuggestions)
      .where(and(eq(kbSuggestions.userId, rita.id), eq(kbSuggestions.solvedSlug, 'printer-paper-jam')));
    expect(yes).toMatchObject({ channel: 'slack', outcome: 'solved', query: 'paper jam in the printer' });
  });

  it('the search modal’s Open a ticket starts the wizard with the words; articles are offered only for unsearched words', async () => {
    const submit = (text: string, searched?: string) =>
      h.interaction({
        type: 'view_submission',
        user: { id: RITA },
        view: {
          id: unique('V'),
          type: 'modal',
          callback_id: 'kb_search',
          private_metadata: searched === undefined ? '' : JSON.stringify({ searched }),
          state: { values: { kb_query: { 'kb:search': { type: 'plain_text_input', value: text } } } },
        },
      });
    const res = await submit('my vpn keeps disconnecting at home', 'my vpn keeps disconnecting at home');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    await h.settle();
    let post = h.web.of('chat.postMessage')[0]!.body as { channel: string; blocks: Block[] };
    expect(post.channel).toBe(DM);
    expect(ids(post.blocks).some((id) => id?.startsWith('wizard:category:'))).toBe(true);

    // Typed and submitted without searching: the wizard offers the articles it finds.
    h.web.reset();
    await submit('my vpn keeps disconnecting at home');
    await h.settle();
    post = h.web.of('chat.postMessage')[0]!.body as { channel: string; blocks: Block[] };
    expect(ids(post.blocks).some((id) => id?.startsWith('wizard:suggest:'))).toBe(true);
  });
});
