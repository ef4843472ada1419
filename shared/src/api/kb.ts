import { z } from 'zod';
import { ZTicketCategory } from '../domain.js';

export const ZKbArticle = z.object({
  slug: z.string(),
  title: z.string(),
  category: ZTicketCategory,
  tags: z.array(z.string()),
  synonyms: z.array(z.string()),
  body: z.string(),
  published: z.boolean(),
  views: z.number().int(),
  helpfulYes: z.number().int(),
  helpfulNo: z.number().int(),
  updatedAt: z.string(),
});
export type TKbArticle = z.infer<typeof ZKbArticle>;

const slug = z
  .string()
  .trim()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a lower-case slug such as vpn-connect')
  .max(100);

export const ZKbArticleRequest = z
  .object({
    slug,
    title: z.string().trim().min(3).max(200),
    category: ZTicketCategory,
    tags: z.array(z.string().trim().min(1).max(50)).max(30).default([]),
    synonyms: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
    body: z.string().trim().min(1).max(100_000),
    published: z.boolean().default(false),
  })
  .strict();

export const ZKbArticleUpdateRequest = ZKbArticleRequest.omit({ slug: true, published: true }).partial().strict();

export const ZKbSlugParams = z.object({ slug }).strict();

export const ZKbSearchQuery = z
  .object({
    q: z.string().trim().min(1, 'is required').max(500),
    limit: z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(20)).default(5),
  })
  .strict();

export const ZKbSearchHit = z.object({ slug: z.string(), title: z.string(), snippet: z.string(), score: z.number() });
export type TKbSearchHit = z.infer<typeof ZKbSearchHit>;
export const ZKbSearchResponse = z.object({ items: z.array(ZKbSearchHit) });
export const ZKbArticleResponse = z.object({ article: ZKbArticle });

/** "Did this help?" on an article (help centre, Slack, Teams): one answer per person and article a day. */
export const ZKbFeedbackRequest = z
  .object({
    helpful: z.boolean(),
    /** The words the person searched with, when they found the article by searching. */
    query: z.string().trim().max(500).optional(),
  })
  .strict();
export type TKbFeedbackRequest = z.infer<typeof ZKbFeedbackRequest>;
/** `recorded` is false when this person already answered for this article in the last 24 hours. */
export const ZKbFeedbackResponse = z.object({ recorded: z.boolean() });
export type TKbFeedbackResponse = z.infer<typeof ZKbFeedbackResponse>;

/** Published articles by category: how the help centre is browsed. */
export const ZKbArticleListQuery = z.object({ category: ZTicketCategory.optional() }).strict();
export const ZKbArticleList = z.object({ items: z.array(ZKbArticle) });
export const ZKbCategoryList = z.object({
  items: z.array(z.object({ category: ZTicketCategory, articles: z.number().int() })),
});
export type TKbCategoryList = z.infer<typeof ZKbCategoryList>;

const isoDate = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });
export const ZDateRangeQuery = z.object({ from: isoDate.optional(), to: isoDate.optional() }).strict();

export const ZDeflectionReport = z.object({
  from: z.string(),
  to: z.string(),
  /**
   * Articles put before someone: wizard conversations where articles were suggested, and articles
   * judged with "Did this help?" in the help centre or chat search.
   */
  suggested: z.number().int(),
  /** The person said an article solved it (or helped). */
  solved: z.number().int(),
  /** Solved, and that person opened no ticket within the 7 days after. */
  deflected: z.number().int(),
  /** deflected / suggested (0 when nothing was suggested). */
  rate: z.number(),
  topArticles: z.array(z.object({ slug: z.string(), title: z.string(), deflected: z.number().int() })),
});
