import type { TKbArticle, TKbCategoryList, TKbFeedbackRequest, TKbFeedbackResponse, TKbSearchHit } from './api/kb.js';
import type { ApiClient } from './client.js';
import type { TTicketCategory } from './domain.js';

/** The most words a knowledge-base search takes (the API's limit). */
export const KB_QUERY_MAX = 500;

/**
 * `help <words>` as people type it in chat (Slack's `/ticket help …`, a Teams message): the words
 * to search the knowledge base for, '' for `help` alone, null when the text is not a help request.
 */
export function helpRequest(text: string): string | null {
  const match = /^\s*help\b[\s:,.-]*(.*)$/is.exec(text);
  return match ? match[1]!.replace(/\s+/g, ' ').trim().slice(0, KB_QUERY_MAX) : null;
}

/**
 * The knowledge base as people looking for an answer use it: the portal's help centre, Slack's
 * App Home search and `/ticket help`, Teams' `help`. One typed home for these calls, so the three
 * differ only in how they show the answers. The API decides what each person may see (published
 * articles only, for requesters).
 */
export class KbClient {
  private readonly kb: ApiClient['api']['kb'];

  constructor(api: ApiClient) {
    this.kb = api.api.kb;
  }

  /** The articles that fit the words, best first; none rather than noise. */
  async search(query: string, limit = 5): Promise<TKbSearchHit[]> {
    return (await this.kb.search({ query: { q: query, limit: String(limit) } })).items;
  }

  /** How many published articles each category has. */
  async categories(): Promise<TKbCategoryList['items']> {
    return (await this.kb.categories()).items;
  }

  /** Articles, by title; with a category, that category's only. */
  async articles(category?: TTicketCategory): Promise<TKbArticle[]> {
    return (await this.kb.articles({ query: category ? { category } : {} })).items;
  }

  async article(slug: string): Promise<TKbArticle> {
    return (await this.kb.article({ params: { slug } })).article;
  }

  /** Count that someone opened the article. */
  async view(slug: string): Promise<void> {
    await this.kb.view({ params: { slug } });
  }

  /** "Did this help?": counted in the article's votes and the deflection report, once a day per person. */
  async feedback(slug: string, body: TKbFeedbackRequest): Promise<TKbFeedbackResponse> {
    return this.kb.feedback({ params: { slug }, body });
  }
}
