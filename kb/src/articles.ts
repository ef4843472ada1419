import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ZTicketCategory } from '@deskmate/shared';

/** Resolved from this module so it works from src/ (tsx, vitest) and from dist/ alike. */
export const shippedArticlesDir = fileURLToPath(new URL('../articles/', import.meta.url));

const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A knowledge-base article, whether shipped as markdown or edited by an admin. */
export const ZArticle = z.object({
  slug: z.string().regex(slugPattern, 'a lower-case slug such as vpn-connect'),
  title: z.string().trim().min(3).max(200),
  category: ZTicketCategory,
  tags: z.array(z.string().trim().min(1)).default([]),
  synonyms: z.array(z.string().trim().min(1)).default([]),
  body: z.string().trim().min(1, 'the article body is empty'),
});
export type TArticle = z.infer<typeof ZArticle>;

const frontMatter = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;

/** Thrown for a shipped article that cannot be used; the message names the file. */
export class ArticleError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'ArticleError';
  }
}

/**
 * Parses one markdown article (YAML front matter + body). The slug must equal the file name so
 * that a link to an article never silently points somewhere else after a rename.
 */
export function parseArticle(fileName: string, text: string): TArticle {
  const match = frontMatter.exec(text);
  if (!match) throw new ArticleError(fileName, 'missing YAML front matter (a block between --- lines)');
  let meta: unknown;
  try {
    meta = parseYaml(match[1] ?? '');
  } catch (error) {
    throw new ArticleError(fileName, `front matter is not valid YAML: ${(error as Error).message}`);
  }
  if (typeof meta !== 'object' || meta === null) throw new ArticleError(fileName, 'front matter must be a mapping');
  const result = ZArticle.safeParse({ ...meta, body: match[2] ?? '' });
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || 'article'}: ${i.message}`);
    throw new ArticleError(fileName, `invalid article (${issues.join('; ')})`);
  }
  const expected = basename(fileName, '.md');
  if (result.data.slug !== expected) {
    throw new ArticleError(fileName, `slug "${result.data.slug}" must match the file name "${expected}"`);
  }
  return result.data;
}

/** Reads and validates every `*.md` article in a folder (the shipped set by default), sorted by slug. */
export function loadArticles(dir: string = shippedArticlesDir): TArticle[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort();
  return files.map((f) => {
    const path = join(dir, f);
    return parseArticle(path, readFileSync(path, 'utf8'));
  });
}
