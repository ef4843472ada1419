import { desc, eq } from 'drizzle-orm';
import type { TKbImportItem, TKbImportResult, TTicketCategory } from '@deskmate/shared';
import { recordAudit, type Actor } from '../../audit/record.js';
import type { Db } from '../../db/client.js';
import { kbArticles } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import { createArticle, updateArticle } from '../service.js';
import { articleFromFile, type ImportFile, type ImportedArticle } from './convert.js';

export interface ImportOptions {
  /** Publish what is imported; otherwise new articles are drafts and updated ones keep their state. */
  publish: boolean;
  /** Category of files that name none (front matter or folder). */
  category?: TTicketCategory | undefined;
}

type Row = typeof kbArticles.$inferSelect;

/**
 * The article a file updates. A slug written in the file names it (whatever made it); otherwise
 * the article imported from the same path is it (also when the file's slug changed since). A slug
 * derived from the file name never takes over an article that came from elsewhere (a shipped or
 * hand-written one): that file is skipped with the reason, so nothing is overwritten by accident.
 */
async function match(db: Db, a: ImportedArticle): Promise<{ row?: Row; conflict?: string }> {
  const [bySlug] = await db.select().from(kbArticles).where(eq(kbArticles.slug, a.slug));
  if (bySlug && (a.slugGiven || bySlug.sourcePath === a.path)) return { row: bySlug };
  const [byPath] = await db
    .select()
    .from(kbArticles)
    .where(eq(kbArticles.sourcePath, a.path))
    .orderBy(desc(kbArticles.updatedAt))
    .limit(1);
  if (byPath) return { row: byPath };
  if (bySlug)
    return {
      conflict: `an article with the slug ${a.slug} exists and was not imported from this file: write \`slug: ${a.slug}\` in the file's front matter to update it, or another slug to add it`,
    };
  return {};
}

const sameList = (x: string[], y: string[]) => x.length === y.length && x.every((v, i) => v === y[i]);

/** What differs between an article and the file that updates it (nothing: the file is skipped). */
function changesOf(row: Row, a: ImportedArticle, publish: boolean) {
  const patch: Parameters<typeof updateArticle>[2] = {};
  if (row.title !== a.title) patch.title = a.title;
  if (row.category !== a.category) patch.category = a.category;
  if (!sameList(row.tags, a.tags)) patch.tags = a.tags;
  if (!sameList(row.synonyms, a.synonyms)) patch.synonyms = a.synonyms;
  if (row.body !== a.body) patch.body = a.body;
  if (row.sourcePath !== a.path) patch.sourcePath = a.path;
  if (publish && !row.published) patch.published = true;
  return patch;
}

/**
 * Import files as articles, each in its own transaction (through createArticle/updateArticle:
 * audited, and announced so every instance's search follows): a file that matches an article
 * updates it, others create one. Every file is reported as created, updated or skipped with the
 * reason; one audit row sums the import up.
 */
export async function importArticles(
  db: Db,
  files: ImportFile[],
  options: ImportOptions,
  actor: Actor,
  now: Date,
): Promise<TKbImportResult> {
  const items: TKbImportItem[] = [];
  const skip = (path: string, reason: string, a?: ImportedArticle) =>
    items.push({ path, outcome: 'skipped', slug: a?.slug ?? null, title: a?.title ?? null, reason });
  const slugs = new Map<string, string>();
  for (const file of [...files].sort((x, y) => (x.path < y.path ? -1 : 1))) {
    const converted = articleFromFile(file, { category: options.category });
    if (!converted.ok) {
      skip(file.path, converted.reason);
      continue;
    }
    const a = converted.article;
    const first = slugs.get(a.slug);
    if (first) {
      skip(a.path, `the slug ${a.slug} is also that of ${first} in this import`, a);
      continue;
    }
    slugs.set(a.slug, a.path);
    try {
      const { row: existing, conflict } = await match(db, a);
      if (conflict) {
        skip(a.path, conflict, a);
        continue;
      }
      const fields = {
        title: a.title,
        category: a.category,
        tags: a.tags,
        synonyms: a.synonyms,
        body: a.body,
        sourcePath: a.path,
      };
      if (!existing) {
        const row = await createArticle(db, { ...fields, slug: a.slug, published: options.publish }, actor);
        items.push({ path: a.path, outcome: 'created', slug: row.slug, title: row.title, reason: null });
        continue;
      }
      const patch = changesOf(existing, a, options.publish);
      if (!Object.keys(patch).length) {
        skip(a.path, `unchanged: ${existing.slug} already says this`, { ...a, slug: existing.slug });
        continue;
      }
      const row = await updateArticle(db, existing.slug, patch, actor, now);
      items.push({ path: a.path, outcome: 'updated', slug: row.slug, title: row.title, reason: null });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      skip(a.path, err.message, a);
    }
  }
  const count = (o: TKbImportItem['outcome']) => items.filter((i) => i.outcome === o).length;
  const result = { created: count('created'), updated: count('updated'), skipped: count('skipped'), items };
  await recordAudit(db, actor, {
    action: 'kb.imported',
    entityType: 'kb_article',
    entityId: null,
    after: { created: result.created, updated: result.updated, skipped: result.skipped, publish: options.publish },
  });
  return result;
}
