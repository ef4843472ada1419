import { eq, type SQL } from 'drizzle-orm';
import { kbArticles } from '../db/schema.js';
import type { UserRow } from '../http/context.js';
import { isAgent } from '@deskmate/shared';

/**
 * Who may read a knowledge-base article: everyone a published one, agents and admins drafts too.
 * To anyone else a draft does not exist (404), however they ask: read, view, vote.
 */
export function canReadArticle(user: UserRow, article: { published: boolean }): boolean {
  return article.published || isAgent(user);
}

/** The same rule as a condition on kb_articles (undefined: every article). */
export function readableArticles(user: UserRow): SQL | undefined {
  return isAgent(user) ? undefined : eq(kbArticles.published, true);
}
