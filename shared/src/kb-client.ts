import { z } from 'zod';
import {
  ZKbArticleList,
  ZKbArticleResponse,
  ZKbCategoryList,
  ZKbFeedbackResponse,
  ZKbSearchResponse,
  type TKbArticle,
  type TKbCategoryList,
  type TKbFeedbackRequest,
  type TKbFeedbackResponse,
  type TKbSearchHit,
} from './api/kb.js';
import type { ApiClient } from './client.js';
import type { TTicketCategory } from './domain.js';

const ZNothing = z.unknown();

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

const enc = encodeURIComponent;

/**
 * The knowledge base as people looking for an answer use it: the portal's help centre, Slack's
 * App Home search and `/ticket help`, Teams' `help`. One typed home for these calls, so the three
 * differ only in how they show the answers. The API decides what each person may see (published
 * articles only, for requesters).
 */
export class KbClient {
  constructor(private readonly api: ApiClient) {}

  /** The articles that fit the words, best first; none rather than noise. */
  async search(query: string, limit = 5): Promise<TKbSearchHit[]> {
    const q = new URLSearchParams({ q: query, limit: String(limit) });
    return (await this.api.request('GET', `/api/kb/search?${q}`, ZKbSearchResponse)).items;
  }

  /** How many published articles each category has. */
  async categories(): Promise<TKbCategoryList['items']> {
    return (await this.api.request('GET', '/api/kb/categories', ZKbCategoryList)).items;
  }

  /** Articles, by title; with a category, that category's only. */
  async articles(category?: TTicketCategory): Promise<TKbArticle[]> {
    const path = category ? `/api/kb/articles?${new URLSearchParams({ category })}` : '/api/kb/articles';
    return (await this.api.request('GET', path, ZKbArticleList)).items;
  }

  async article(slug: string): Promise<TKbArticle> {
    return (await this.api.request('GET', `/api/kb/articles/${enc(slug)}`, ZKbArticleResponse)).article;
  }

  /** Count that someone opened the article. */
  async view(slug: string): Promise<void> {
    await this.api.request('POST', `/api/kb/articles/${enc(slug)}/view`, ZNothing);
  }

  /** "Did this help?": counted in the article's votes and the deflection report, once a day per person. */
  async feedback(slug: string, body: TKbFeedbackRequest): Promise<TKbFeedbackResponse> {
    return this.api.request('POST', `/api/kb/articles/${enc(slug)}/feedback`, ZKbFeedbackResponse, body);
  }
}
