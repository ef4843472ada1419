import { and, eq, isNull } from 'drizzle-orm';
import { loadArticles } from '@deskmate/kb';
import { ticketCategories, type TChatSession, type TKbArticle } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../test/clock.js';
import { kbArticles, kbSuggestions } from '../db/schema.js';
import type { UserRow } from '../http/context.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';

/** The help centre's API: browse, search, read, "Did this help?", and "Still need help?" into the wizard. */

const BOT_TOKEN = 'dm_bot-token-for-help-centre-tests-0123456789';
const DAY = 86_400_000;
const clock = new FakeClock('2026-04-06T09:00:00Z');
let app: TestApp;
let admin: UserRow;
let agent: UserRow;
let rita: UserRow;
const DRAFT = 'badge-printer-draft';

type Hit = { slug: string; title: string; snippet: string; score: number };
type Report = { suggested: number; solved: number; deflected: number; topArticles: { slug: string }[] };

const as = (user: UserRow) => ({ cookie: sessionCookie(app, user) });
const search = async (user: UserRow, q: string, limit = 5) =>
  (await call<{ items: Hit[] }>(app, 'GET', `/kb/search?q=${encodeURIComponent(q)}&limit=${limit}`, as(user))).body
    .items;
const feedback = (user: UserRow, slug: string, body: object) =>
  call<{ recorded: boolean }>(app, 'POST', `/kb/articles/${slug}/feedback`, { ...as(user), body });
const deflection = async () =>
  (await call<Report>(app, 'GET', '/reports/deflection?from=2026-01-01T00:00:00Z&to=2026-12-31T00:00:00Z', as(agent)))
    .body;

beforeAll(async () => {
  app = await startTestApp({ clock, env: { INTEGRATION_TOKEN: BOT_TOKEN } });
  admin = await createUserWithPassword(app.database.db, { role: 'admin' });
  agent = await createUserWithPassword(app.database.db, { role: 'agent' });
  rita = await createUserWithPassword(app.database.db, { name: 'Rita Requester' });
  const draft = await call(app, 'POST', '/kb/articles', {
    ...as(admin),
    body: {
      slug: DRAFT,
      title: 'Badge printer prints blank badges',
      category: 'hardware',
      tags: ['badge printer'],
      body: 'Replace the ribbon of the badge printer in reception, then print a test badge.',
    },
  });
  expect(draft.status).toBe(201);
});
afterAll(async () => {
  await app.stop();
});

describe('browsing by category', () => {
  it('lists every category that has published articles, with its count; drafts are not counted', async () => {
    const res = await call<{ items: { category: string; articles: number }[] }>(app, 'GET', '/kb/categories', as(rita));
    expect(res.status).toBe(200);
    const expected = new Map<string, number>();
    for (const a of loadArticles()) expected.set(a.category, (expected.get(a.category) ?? 0) + 1);
    expect(new Map(res.body.items.map((c) => [c.category, c.articles]))).toEqual(expected);
    // In the catalogue's order, "other" last.
    const order = res.body.items.map((c) => c.category);
    expect(order).toEqual(ticketCategories.filter((c) => expected.has(c)));
    expect(order.at(-1)).toBe('other');
    // The draft is a hardware article: hardware still counts only the shipped, published ones.
    expect(res.body.items.find((c) => c.category === 'hardware')?.articles).toBe(expected.get('hardware'));
  });

  it("a category's articles: published ones only for a requester, the draft too for an agent; a bad category is 400", async () => {
    const forRita = await call<{ items: TKbArticle[] }>(app, 'GET', '/kb/articles?category=hardware', as(rita));
    expect(forRita.status).toBe(200);
    const shipped = loadArticles().filter((a) => a.category === 'hardware');
    expect(forRita.body.items.map((a) => a.slug).sort()).toEqual(shipped.map((a) => a.slug).sort());
    expect(forRita.body.items.every((a) => a.category === 'hardware' && a.published)).toBe(true);
    const titles = forRita.body.items.map((a) => a.title);
    expect(titles).toEqual([...titles].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    const forAgent = await call<{ items: TKbArticle[] }>(app, 'GET', '/kb/articles?category=hardware', as(agent));
    expect(forAgent.body.items.map((a) => a.slug)).toContain(DRAFT);
    const bad = await call<{ error: { code: string } }>(app, 'GET', '/kb/articles?category=coffee', as(rita));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
  });
});

describe('search and article pages', () => {
  it('search finds published articles by how people put it, up to the limit, and never the draft', async () => {
    const hits = await search(rita, 'vpn keeps disconnecting when working from home', 3);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.length).toBeLessThanOrEqual(3);
    expect(hits[0]!.slug).toMatch(/vpn/);
    expect(hits[0]!.snippet.length).toBeGreaterThan(0);
    expect((await search(agent, 'badge printer prints blank badges')).map((h) => h.slug)).not.toContain(DRAFT);
    const tooMany = await call(app, 'GET', '/kb/search?q=vpn&limit=50', as(rita));
    expect(tooMany.status).toBe(400);
  });

  it('a requester reads a published article; an unpublished one is 404 to read, view or vote on', async () => {
    const page = await call<{ article: TKbArticle }>(app, 'GET', '/kb/articles/vpn-connect', as(rita));
    expect(page.status).toBe(200);
    expect(page.body.article).toMatchObject({ slug: 'vpn-connect', published: true });
    expect(page.body.article.body).toContain('## When to file a ticket');

    const [before] = await app.database.db.select().from(kbArticles).where(eq(kbArticles.slug, DRAFT));
    for (const [method, path, body] of [
      ['GET', `/kb/articles/${DRAFT}`, undefined],
      ['POST', `/kb/articles/${DRAFT}/view`, undefined],
      ['POST', `/kb/articles/${DRAFT}/feedback`, { helpful: true }],
    ] as const) {
      const res = await call<{ error: { code: string } }>(app, method, path, { ...as(rita), body });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    const [after] = await app.database.db.select().from(kbArticles).where(eq(kbArticles.slug, DRAFT));
    expect([after!.views, after!.helpfulYes]).toEqual([before!.views, before!.helpfulYes]);
    // Agents may preview a draft (and opening it counts).
    expect((await call(app, 'GET', `/kb/articles/${DRAFT}`, as(agent))).status).toBe(200);
    expect((await call(app, 'POST', `/kb/articles/${DRAFT}/view`, as(agent))).status).toBe(204);
  });
});

describe('"Did this help?"', () => {
  it('is recorded once per person, article and day, in the votes and as a deflection; a day later it counts again', async () => {
    const nina = await createUserWithPassword(app.database.db, { name: 'Nina' });
    const slug = 'printer-paper-jam';
    const [before] = await app.database.db.select().from(kbArticles).where(eq(kbArticles.slug, slug));
    const reportBefore = await deflection();

    const first = await feedback(nina, slug, { helpful: true, query: 'printer keeps jamming' });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ recorded: true });
    // Clicking again, or changing one's mind the same day, is acknowledged and not counted.
    expect((await feedback(nina, slug, { helpful: true })).body).toEqual({ recorded: false });
    clock.advance(DAY - 60_000);
    expect((await feedback(nina, slug, { helpful: false })).body).toEqual({ recorded: false });

    const [after] = await app.database.db.select().from(kbArticles).where(eq(kbArticles.slug, slug));
    expect([after!.helpfulYes - before!.helpfulYes, after!.helpfulNo - before!.helpfulNo]).toEqual([1, 0]);
    const rows = await app.database.db.select().from(kbSuggestions).where(eq(kbSuggestions.userId, nina.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      channel: 'web',
      sessionId: null,
      query: 'printer keeps jamming',
      slugs: [slug],
      outcome: 'solved',
      solvedSlug: slug,
    });
    // The same figures as the wizard's "This solved it": suggested, solved, deflected, top articles.
    const report = await deflection();
    expect(report.suggested - reportBefore.suggested).toBe(1);
    expect(report.solved - reportBefore.solved).toBe(1);
    expect(report.deflected - reportBefore.deflected).toBe(1);
    expect(report.topArticles.map((t) => t.slug)).toContain(slug);

    clock.advance(2 * 60_000);
    expect((await feedback(nina, slug, { helpful: false })).body).toEqual({ recorded: true });
    const later = await app.database.db.select().from(kbSuggestions).where(eq(kbSuggestions.userId, nina.id));
    expect(later.map((r) => r.outcome).sort()).toEqual(['need_help', 'solved']);
    // Without a search, the article's title stands for what the person was looking for.
    expect(later.find((r) => r.outcome === 'need_help')).toMatchObject({
      query: before!.title,
      solvedSlug: null,
    });
  });

  it('two answers at the same moment still count once', async () => {
    const omar = await createUserWithPassword(app.database.db, { name: 'Omar' });
    const results = await Promise.all(
      Array.from({ length: 4 }, () => feedback(omar, 'wifi-connect', { helpful: true, query: 'wifi' })),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(results.filter((r) => r.body.recorded)).toHaveLength(1);
    const rows = await app.database.db.select().from(kbSuggestions).where(eq(kbSuggestions.userId, omar.id));
    expect(rows).toHaveLength(1);
  });

  it('a "no" is an article that did not help: suggested, not solved', async () => {
    const pia = await createUserWithPassword(app.database.db, { name: 'Pia' });
    const before = await deflection();
    expect((await feedback(pia, 'vpn-connect', { helpful: false, query: 'vpn' })).body.recorded).toBe(true);
    const after = await deflection();
    expect([after.suggested - before.suggested, after.solved - before.solved]).toEqual([1, 0]);
  });

  it('bad input is a 400 that says what is wrong', async () => {
    const res = await call<{ error: { code: string; message: string } }>(
      app,
      'POST',
      '/kb/articles/vpn-connect/feedback',
      { ...as(rita), body: { helpful: 'yes' } },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/helpful/);
    const long = await feedback(rita, 'vpn-connect', { helpful: true, query: 'x'.repeat(501) });
    expect(long.status).toBe(400);
  });

  it('from Slack or Teams, the bot answers for the person and the answer is recorded as that channel', async () => {
    await call(app, 'POST', '/integrations/identities', {
      bearer: BOT_TOKEN,
      body: { provider: 'teams', providerUserId: 'aad-rita', email: rita.email },
    });
    const asBot = {
      bearer: BOT_TOKEN,
      headers: { 'x-deskmate-act-as-provider': 'teams', 'x-deskmate-act-as-user': 'aad-rita' },
    };
    const res = await call<{ recorded: boolean }>(app, 'POST', '/kb/articles/mfa-new-phone/feedback', {
      ...asBot,
      body: { helpful: true, query: 'new phone authenticator' },
    });
    expect(res.body).toEqual({ recorded: true });
    const [row] = await app.database.db
      .select()
      .from(kbSuggestions)
      .where(and(eq(kbSuggestions.userId, rita.id), isNull(kbSuggestions.sessionId)));
    expect(row).toMatchObject({ channel: 'teams', solvedSlug: 'mfa-new-phone' });
    // The bot acting for a requester sees no drafts either.
    expect((await call(app, 'GET', `/kb/articles/${DRAFT}`, asBot)).status).toBe(404);
  });
});

describe('"Still need help?"', () => {
  it('starts the wizard with the question as its description, without offering the articles again', async () => {
    const q = 'vpn keeps disconnecting when working from home';
    const plain = await call<{ session: TChatSession }>(app, 'POST', '/chat/sessions', {
      ...as(rita),
      body: { channel: 'web', conversation: 'plain', text: q },
    });
    expect(plain.body.session.step).toBe('suggest');
    const fromHelp = await call<{ session: TChatSession }>(app, 'POST', '/chat/sessions', {
      ...as(rita),
      body: { channel: 'web', text: q, offerArticles: false },
    });
    expect(fromHelp.status).toBe(200);
    expect(fromHelp.body.session.step).toBe('category');
    expect(fromHelp.body.session.prompt.articles).toBeUndefined();
    const suggested = await app.database.db
      .select()
      .from(kbSuggestions)
      .where(and(eq(kbSuggestions.userId, rita.id), eq(kbSuggestions.query, q)));
    // Only the plain start offered (and recorded) articles.
    expect(suggested).toHaveLength(1);
  });
});
