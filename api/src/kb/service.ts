import { and, asc, eq, sql } from 'drizzle-orm';
import {
  createClassifier,
  createSearchIndex,
  loadArticles,
  type TArticle,
  type TClassifier,
  type TSearchIndex,
} from '@deskmate/kb';
import {
  ticketCategories,
  type TKbArticle,
  type TKbCategoryList,
  type TKbFeedbackRequest,
  type TKbFeedbackResponse,
  type TKbSearchHit,
  type TTicketCategory,
} from '@deskmate/shared';
import { recordAudit, type Actor } from '../audit/record.js';
import type { Db, DbOrTx } from '../db/client.js';
import { kbArticles, kbSuggestions, settings } from '../db/schema.js';
import { loadDeskClassifier, type DeskClassifier } from '../classifier/model.js';
import type { Services, UserRow } from '../http/context.js';
import { AppError, notFound } from '../http/errors.js';
import type { LiveEvent, LiveHub } from '../live/bus.js';
import { publishLive } from '../live/bus.js';
import type { Logger } from '../logger.js';
import { takeSlot } from '../security/rate-limit.js';
import { canReadArticle, readableArticles } from './policy.js';

type Row = typeof kbArticles.$inferSelect;

export function presentArticle(r: Row): TKbArticle {
  return {
    slug: r.slug,
    title: r.title,
    category: (r.category ?? 'other') as TTicketCategory,
    tags: r.tags,
    synonyms: r.synonyms,
    body: r.body,
    published: r.published,
    views: r.views,
    helpfulYes: r.helpfulYes,
    helpfulNo: r.helpfulNo,
    updatedAt: r.updatedAt.toISOString(),
  };
}

const toArticle = (r: Row): TArticle => ({
  slug: r.slug,
  title: r.title,
  category: (r.category ?? 'other') as TTicketCategory,
  tags: r.tags,
  synonyms: r.synonyms,
  body: r.body,
});

/**
 * Put the shipped articles into the database, each once: an article an admin later unpublished
 * or changed is left as they made it, and articles new in an upgrade arrive at the next start.
 */
export async function seedShippedArticles(db: Db, logger: Logger): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended('kb:seed', 0))`);
    const [marker] = await tx.select().from(settings).where(eq(settings.key, 'kb.seeded_slugs'));
    const seeded = new Set(Array.isArray(marker?.value) ? (marker.value as string[]) : []);
    const fresh = loadArticles().filter((a) => !seeded.has(a.slug));
    if (!fresh.length) return 0;
    await tx
      .insert(kbArticles)
      .values(
        fresh.map((a) => ({
          slug: a.slug,
          title: a.title,
          category: a.category,
          tags: a.tags,
          synonyms: a.synonyms,
          body: a.body,
          published: true,
        })),
      )
      .onConflictDoNothing();
    const all = [...seeded, ...fresh.map((a) => a.slug)];
    await tx
      .insert(settings)
      .values({ key: 'kb.seeded_slugs', value: all })
      .onConflictDoUpdate({ target: settings.key, set: { value: all } });
    logger.info({ articles: fresh.length }, 'knowledge-base articles seeded');
    return fresh.length;
  });
}

/**
 * The in-process search index over published articles, and the classifier. Each API process keeps
 * one; an article change anywhere reaches every process through the live bus.
 */
export class KnowledgeBase {
  private index: TSearchIndex = createSearchIndex([]);
  private desk: DeskClassifier = { classifier: createClassifier(), version: null };

  constructor(private readonly db: Db) {}

  /** The desk's classifier: the newest trained on its corrections, or the shipped one. */
  get classifier(): TClassifier {
    return this.desk.classifier;
  }

  /** Version of the stored model in use (null: the shipped model). */
  get classifierVersion(): number | null {
    return this.desk.version;
  }

  async load(): Promise<void> {
    const rows = await this.db
      .select()
      .from(kbArticles)
      .where(eq(kbArticles.published, true))
      .orderBy(asc(kbArticles.slug));
    this.index = createSearchIndex(rows.map(toArticle));
    await this.reloadClassifier();
  }

  /** Load the newest stored classifier (after a retrain anywhere); an older one never replaces a newer. */
  async reloadClassifier(): Promise<void> {
    const next = await loadDeskClassifier(this.db, () => createClassifier());
    // Train or restore now rather than on the first ticket.
    next.classifier.classify('warm up');
    if ((next.version ?? 0) >= (this.desk.version ?? 0)) this.desk = next;
  }

  /** Keep the index and the classifier in step with the database after any change, on this or another instance. */
  follow(hub: LiveHub): void {
    hub.on('event', (event: LiveEvent) => {
      if (event.type === 'kb.changed' && event.slug) void this.refresh(event.slug);
      // A failed reload keeps the model in use; the next announcement (or a restart) loads the newest.
      if (event.type === 'classifier.trained') this.reloadClassifier().catch(() => undefined);
    });
  }

  async refresh(slug: string): Promise<void> {
    const [row] = await this.db.select().from(kbArticles).where(eq(kbArticles.slug, slug));
    if (row?.published) this.index.replace(toArticle(row));
    else this.index.remove(slug);
  }

  search(query: string, limit = 3) {
    return this.index.search(query, { limit });
  }

  get size(): number {
    return this.index.size;
  }
}

export async function getArticle(db: DbOrTx, slug: string): Promise<Row> {
  const [row] = await db.select().from(kbArticles).where(eq(kbArticles.slug, slug));
  if (!row) throw notFound('Article');
  return row;
}

type ArticleInput = {
  title: string;
  category: TTicketCategory;
  tags: string[];
  synonyms: string[];
  body: string;
  /** Imported articles: the file they came from (see kb/import). */
  sourcePath?: string | null;
};

/** An article this person may read; a draft is as missing as an unknown slug to a requester. */
export async function readableArticle(db: DbOrTx, user: UserRow, slug: string): Promise<Row> {
  const row = await getArticle(db, slug);
  if (!canReadArticle(user, row)) throw notFound('Article');
  return row;
}

/** The articles this person may read, by title; with a category, that category's only. */
export async function listArticles(db: DbOrTx, user: UserRow, category?: TTicketCategory): Promise<Row[]> {
  return db
    .select()
    .from(kbArticles)
    .where(
      and(readableArticles(user), category ? sql`coalesce(${kbArticles.category}, 'other') = ${category}` : undefined),
    )
    .orderBy(asc(kbArticles.title));
}

/**
 * Published articles per category (the help centre's front page), in the catalogue's order with
 * "other" last; empty categories are left out.
 */
export async function articleCategories(db: DbOrTx): Promise<TKbCategoryList['items']> {
  const rows = await db
    .select({ category: sql<string>`coalesce(${kbArticles.category}, 'other')`, articles: sql<number>`count(*)::int` })
    .from(kbArticles)
    .where(eq(kbArticles.published, true))
    .groupBy(sql`1`);
  const position = (c: string) => (ticketCategories as readonly string[]).indexOf(c);
  return rows
    .filter((r) => position(r.category) >= 0)
    .sort((a, b) => position(a.category) - position(b.category))
    .map((r) => ({ category: r.category as TTicketCategory, articles: r.articles }));
}

/**
 * Search the published articles, as the wizard does: the words people type, nothing rather than
 * noise. One function for the help centre, Slack and Teams (all through GET /api/kb/search).
 */
export function searchArticles(services: Services, query: string, limit: number): TKbSearchHit[] {
  if (!services.kb) throw new AppError('unavailable', 'Search is not running on this instance');
  return services.kb
    .search(query, limit)
    .map((h) => ({ slug: h.slug, title: h.title, snippet: h.snippet, score: h.score }));
}

const FEEDBACK_WINDOW_MS = 86_400_000;

/**
 * "Did this help?" on an article, from the help centre or chat search. Counted once per person
 * and article in 24 hours (the first answer stands; later ones are acknowledged and not counted),
 * in the article's votes and in the deflection report: a "yes" is an article that solved the
 * problem, like "This solved it" in the wizard, and is a deflection unless a ticket follows
 * within 7 days; a "no" is an article that did not help.
 */
export async function recordArticleFeedback(
  services: Services,
  actor: Actor,
  user: UserRow,
  slug: string,
  answer: TKbFeedbackRequest,
): Promise<TKbFeedbackResponse> {
  const now = services.clock.now();
  return services.db.transaction(async (tx) => {
    const article = await readableArticle(tx, user, slug);
    const limit = { key: `kb:feedback:${user.id}:${slug}`, max: 1, windowMs: FEEDBACK_WINDOW_MS };
    if ((await takeSlot(tx, limit, services.clock)).limited) return { recorded: false };
    await countFeedback(tx, slug, answer.helpful);
    await tx.insert(kbSuggestions).values({
      userId: user.id,
      sessionId: null,
      channel: actor.channel ?? 'web',
      query: (answer.query || article.title).slice(0, 2000),
      slugs: [slug],
      outcome: answer.helpful ? 'solved' : 'need_help',
      solvedSlug: answer.helpful ? slug : null,
      createdAt: now,
      decidedAt: now,
    });
    return { recorded: true };
  });
}

async function announce(tx: DbOrTx, slug: string): Promise<void> {
  await publishLive(tx, { type: 'kb.changed', slug, visibility: 'internal' });
}

export async function createArticle(
  db: Db,
  input: ArticleInput & { slug: string; published: boolean },
  actor: Actor,
): Promise<Row> {
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(kbArticles).values(input).onConflictDoNothing().returning();
    if (!row) throw new AppError('conflict', `An article with the slug ${input.slug} exists`);
    await recordAudit(tx, actor, {
      action: 'kb.article_created',
      entityType: 'kb_article',
      entityId: row.slug,
      after: presentArticle(row),
    });
    await announce(tx, row.slug);
    return row;
  });
}

export async function updateArticle(
  db: Db,
  slug: string,
  patch: Partial<ArticleInput> & { published?: boolean },
  actor: Actor,
  now: Date,
): Promise<Row> {
  return db.transaction(async (tx) => {
    const before = await getArticle(tx, slug);
    const values = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    if (!Object.keys(values).length) return before;
    const [after] = await tx
      .update(kbArticles)
      .set({ ...values, updatedAt: now })
      .where(eq(kbArticles.slug, slug))
      .returning();
    const action =
      patch.published === undefined
        ? 'kb.article_updated'
        : patch.published
          ? 'kb.article_published'
          : 'kb.article_unpublished';
    await recordAudit(tx, actor, {
      action,
      entityType: 'kb_article',
      entityId: slug,
      before: presentArticle(before),
      after: presentArticle(after!),
    });
    await announce(tx, slug);
    return after!;
  });
}

export async function countView(db: DbOrTx, slug: string): Promise<void> {
  const rows = await db
    .update(kbArticles)
    .set({ views: sql`${kbArticles.views} + 1` })
    .where(eq(kbArticles.slug, slug))
    .returning({ slug: kbArticles.slug });
  if (!rows.length) throw notFound('Article');
}

export async function countFeedback(db: DbOrTx, slug: string, helpful: boolean): Promise<void> {
  const rows = await db
    .update(kbArticles)
    .set(helpful ? { helpfulYes: sql`${kbArticles.helpfulYes} + 1` } : { helpfulNo: sql`${kbArticles.helpfulNo} + 1` })
    .where(eq(kbArticles.slug, slug))
    .returning({ slug: kbArticles.slug });
  if (!rows.length) throw notFound('Article');
}
