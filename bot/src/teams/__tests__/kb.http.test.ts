import { and, eq, isNull } from 'drizzle-orm';
import { ZKbArticleResponse, ZKbSearchResponse } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kbArticles, kbSuggestions } from '../../../../api/src/db/schema.js';
import { createUser, type UserRow } from '../../../../api/src/test/factories.js';
import { renderKbArticleCard, renderKbResultsCard, type TCard } from '../render/index.js';
import { personalMessage, personalSubmit, teamsUser } from './activities.js';
import { checkCard } from './adaptive.js';
import type { TCaptured } from './connector.js';
import { buttons, cardOf, startTeamsHarness, type TeamsHarness } from './harness.js';

/**
 * The knowledge base in Teams, through the real endpoint (POST /api/messages) and the real API:
 * `help <words>` in the personal chat, View, "Did this help?" and "Open a ticket", with every
 * card sent to the Bot Connector checked by the Adaptive Cards parser.
 */

let h: TeamsHarness;
let url: string;
const nora = teamsUser('Nora Requester', 'nora@example.com');
let noraRow: UserRow;
const WORDS = 'vpn keeps disconnecting when working from home';
const DRAFT = 'teams-draft-article';
const activities = (chat: string) => `/v3/conversations/${chat}/activities`;

async function post(activity: object): Promise<void> {
  const res = await h.post(activity);
  expect(res.status).toBe(200);
}
const sentSince = (mark: number): TCaptured[] => h.connector.since(mark, { under: nora.personalChat });
function validCard(r: TCaptured | undefined): TCard {
  const card = cardOf(r?.body ?? null) as TCard;
  expect(card, 'a card').toBeDefined();
  const checked = checkCard(card);
  expect(checked.problems).toEqual([]);
  expect(checked.rendered).toBe(true);
  expect(JSON.stringify(r!.body).length).toBeLessThan(28_000);
  return card;
}

beforeAll(async () => {
  h = await startTeamsHarness();
  url = h.connector.url;
  noraRow = await createUser(h.app.database.db, { email: nora.email, name: 'Nora (Deskmate)' });
  h.connector.roster.set(nora.id, { id: nora.id, name: nora.name, aadObjectId: nora.aadObjectId, email: nora.email });
  await h.app.database.db.insert(kbArticles).values({
    slug: DRAFT,
    title: 'Draft: reset the door badge printer',
    category: 'hardware',
    body: 'Not ready.',
    published: false,
  });
});
afterAll(async () => {
  await h?.stop();
});

describe('help <words> in the personal chat', () => {
  let resultsId: string;
  let articleId: string;

  it('answers with a card of the top articles, each with View, and "Open a ticket"', async () => {
    const mark = h.connector.mark;
    const message = personalMessage(url, nora, `help ${WORDS}`);
    await post(message);
    const sent = sentSince(mark);
    expect(sent.map((r) => [r.method, r.path])).toEqual([['POST', `${activities(nora.personalChat)}/${message.id}`]]);
    resultsId = sent[0]!.id!;
    const card = validCard(sent[0]);
    const hits = await h
      .as(nora)
      .request('GET', `/api/kb/search?${new URLSearchParams({ q: WORDS, limit: '5' })}`, ZKbSearchResponse);
    expect(hits.items.length).toBeGreaterThan(0);
    // Exactly the presenter's card for what the API finds for Nora.
    expect(card).toEqual(renderKbResultsCard(WORDS, hits.items, h.links));
    const b = buttons(card);
    expect(b.get('View')).toEqual({ dm: 'kb-view', slug: hits.items.at(-1)!.slug, q: WORDS });
    expect(b.get('Open a ticket')).toEqual({ dm: 'kb-ticket', q: WORDS });
    expect(sent[0]!.body?.summary).toBe(`Help articles for ${WORDS}`);
  });

  it('"help" alone says how to search', async () => {
    const mark = h.connector.mark;
    await post(personalMessage(url, nora, 'help'));
    const sent = sentSince(mark);
    expect(sent).toHaveLength(1);
    expect(String(sent[0]!.body?.text)).toContain('Type **help** followed by a few words');
  });

  it('View sends the article as a card with "Did this help?", and counts the view', async () => {
    const [before] = await h.app.database.db.select().from(kbArticles).where(eq(kbArticles.slug, 'vpn-connect'));
    const mark = h.connector.mark;
    const click = personalSubmit(url, nora, resultsId, { dm: 'kb-view', slug: 'vpn-connect', q: WORDS });
    await post(click);
    const sent = sentSince(mark);
    expect(sent.map((r) => [r.method, r.path])).toEqual([['POST', `${activities(nora.personalChat)}/${click.id}`]]);
    articleId = sent[0]!.id!;
    const card = validCard(sent[0]);
    const text = JSON.stringify(card);
    expect(text).toContain('Connect to the VPN and fix dropped connections');
    // Headings become bold lines (cards have no headings).
    expect(text).toContain('**When to file a ticket**');
    expect(text).not.toContain('## ');
    expect(buttons(card).get('Yes')).toEqual({ dm: 'kb-helpful', slug: 'vpn-connect', q: WORDS, helpful: true });
    expect(buttons(card).get('No')).toEqual({ dm: 'kb-helpful', slug: 'vpn-connect', q: WORDS, helpful: false });
    const [after] = await h.app.database.db.select().from(kbArticles).where(eq(kbArticles.slug, 'vpn-connect'));
    expect(after!.views - before!.views).toBe(1);
  });

  it('No is recorded once as a Teams answer, and the card offers "Open a ticket" in place', async () => {
    const mark = h.connector.mark;
    const no = { dm: 'kb-helpful', slug: 'vpn-connect', q: WORDS, helpful: false };
    await post(personalSubmit(url, nora, articleId, no));
    const sent = sentSince(mark);
    expect(sent.map((r) => [r.method, r.path])).toEqual([['PUT', `${activities(nora.personalChat)}/${articleId}`]]);
    const card = validCard(sent[0]);
    const article = (await h.as(nora).request('GET', '/api/kb/articles/vpn-connect', ZKbArticleResponse)).article;
    expect(card).toEqual(renderKbArticleCard(article, WORDS, 'not_helped', h.links));
    expect(buttons(card).get('Open a ticket')).toEqual({ dm: 'kb-ticket', q: WORDS, slug: 'vpn-connect' });
    // A second click (another device, a double click) is not counted again.
    await post(personalSubmit(url, nora, articleId, no));
    const rows = await h.app.database.db
      .select()
      .from(kbSuggestions)
      .where(and(eq(kbSuggestions.userId, noraRow.id), isNull(kbSuggestions.sessionId)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ channel: 'teams', query: WORDS, slugs: ['vpn-connect'], outcome: 'need_help' });
  });

  it('"Open a ticket" starts the wizard with the words, straight to the category', async () => {
    const mark = h.connector.mark;
    const click = personalSubmit(url, nora, articleId, { dm: 'kb-ticket', q: WORDS, slug: 'vpn-connect' });
    await post(click);
    const sent = sentSince(mark);
    expect(sent.map((r) => [r.method, r.path])).toEqual([
      ['PUT', `${activities(nora.personalChat)}/${articleId}`],
      ['POST', `${activities(nora.personalChat)}/${click.id}`],
    ]);
    expect(JSON.stringify(validCard(sent[0]))).toContain("I've started a request below");
    expect([...buttons(cardOf(sent[0]!.body ?? null)).keys()]).toEqual([]);
    const wizardCard = validCard(sent[1]);
    const session = await h.session(nora);
    expect(session.step).toBe('category');
    expect(session.prompt.articles).toBeUndefined();
    expect(JSON.stringify(wizardCard)).toContain('Network & Wi-Fi');

    // While the request is in progress, "help …" is an answer to it, not a search.
    const during = h.connector.mark;
    await post(personalMessage(url, nora, 'help vpn'));
    const answered = sentSince(during).map((r) => JSON.stringify(cardOf(r.body ?? null) ?? r.body?.text));
    expect(answered.some((c) => c.includes('"dm":"kb-view"'))).toBe(false);
    expect((await h.session(nora)).version).toBeGreaterThan(session.version);
  });

  it('an unpublished article is not shown to a requester', async () => {
    const mark = h.connector.mark;
    await post(personalSubmit(url, nora, resultsId, { dm: 'kb-view', slug: DRAFT, q: 'badge' }));
    const sent = sentSince(mark);
    expect(sent.map((r) => r.body?.text)).toEqual(['This article is no longer available.']);
    const [row] = await h.app.database.db.select().from(kbArticles).where(eq(kbArticles.slug, DRAFT));
    expect(row!.views).toBe(0);
  });
});
