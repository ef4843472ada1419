import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  ZDateRangeQuery,
  ZDeflectionReport,
  ZKbArticle,
  ZKbArticleRequest,
  ZKbArticleUpdateRequest,
  ZKbFeedbackRequest,
  ZKbSearchQuery,
  ZKbSearchResponse,
  ZKbSlugParams,
} from '@deskmate/shared';
import { kbArticles, kbSuggestions } from '../db/schema.js';
import { AppError, notFound } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import { isAgent } from '../tickets/policy.js';
import { rateState, recordHit } from '../security/rate-limit.js';
import { countFeedback, countView, createArticle, getArticle, presentArticle, updateArticle } from './service.js';

const ZArticleResponse = z.object({ article: ZKbArticle });

export const kbRoutes = [
  defineRoute({
    method: 'get',
    path: '/kb/search',
    access: 'user',
    summary: 'Search published articles (nothing rather than noise when nothing fits)',
    query: ZKbSearchQuery,
    response: ZKbSearchResponse,
    handler: async (ctx) => {
      if (!ctx.services.kb) throw new AppError('unavailable', 'Search is not running on this instance');
      return {
        items: ctx.services.kb
          .search(ctx.query.q, ctx.query.limit)
          .map((h) => ({ slug: h.slug, title: h.title, snippet: h.snippet, score: h.score })),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/kb/articles',
    access: 'user',
    summary: 'Articles: published ones for everyone, drafts too for agents',
    response: z.object({ items: z.array(ZKbArticle) }),
    handler: async (ctx) => {
      const rows = await ctx.services.readDb
        .select()
        .from(kbArticles)
        .where(isAgent(ctx.user) ? undefined : eq(kbArticles.published, true))
        .orderBy(asc(kbArticles.title));
      return { items: rows.map(presentArticle) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/kb/articles/:slug',
    access: 'user',
    summary: 'One article',
    params: ZKbSlugParams,
    response: ZArticleResponse,
    handler: async (ctx) => {
      const row = await getArticle(ctx.services.db, ctx.params.slug);
      if (!row.published && !isAgent(ctx.user)) throw notFound('Article');
      return { article: presentArticle(row) };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/kb/articles',
    access: 'admin',
    summary: 'Write an article (markdown)',
    body: ZKbArticleRequest,
    response: ZArticleResponse,
    status: 201,
    handler: async (ctx) => ({ article: presentArticle(await createArticle(ctx.services.db, ctx.body, ctx.actor)) }),
  }),
  defineRoute({
    method: 'put',
    path: '/kb/articles/:slug',
    access: 'admin',
    summary: 'Change an article',
    params: ZKbSlugParams,
    body: ZKbArticleUpdateRequest,
    response: ZArticleResponse,
    handler: async (ctx) => ({
      article: presentArticle(
        await updateArticle(ctx.services.db, ctx.params.slug, ctx.body, ctx.actor, ctx.services.clock.now()),
      ),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/kb/articles/:slug/publish',
    access: 'admin',
    summary: 'Publish an article (it is searched and suggested from now on)',
    params: ZKbSlugParams,
    response: ZArticleResponse,
    handler: async (ctx) => ({
      article: presentArticle(
        await updateArticle(ctx.services.db, ctx.params.slug, { published: true }, ctx.actor, ctx.services.clock.now()),
      ),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/kb/articles/:slug/unpublish',
    access: 'admin',
    summary: 'Unpublish an article',
    params: ZKbSlugParams,
    response: ZArticleResponse,
    handler: async (ctx) => ({
      article: presentArticle(
        await updateArticle(
          ctx.services.db,
          ctx.params.slug,
          { published: false },
          ctx.actor,
          ctx.services.clock.now(),
        ),
      ),
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/kb/articles/:slug/view',
    access: 'user',
    summary: 'Count a view of an article',
    params: ZKbSlugParams,
    handler: async (ctx) => {
      await countView(ctx.services.db, ctx.params.slug);
      return undefined;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/kb/articles/:slug/feedback',
    access: 'user',
    summary: 'Was this article helpful? (counted once per person and article a day)',
    params: ZKbSlugParams,
    body: ZKbFeedbackRequest,
    handler: async (ctx) => {
      const limit = { key: `kb:feedback:${ctx.user.id}:${ctx.params.slug}`, max: 1, windowMs: 86_400_000 };
      await getArticle(ctx.services.db, ctx.params.slug);
      if ((await rateState(ctx.services.db, limit, ctx.services.clock)).limited) return undefined;
      await recordHit(ctx.services.db, limit.key, ctx.services.clock);
      await countFeedback(ctx.services.db, ctx.params.slug, ctx.body.helpful);
      return undefined;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/reports/deflection',
    access: 'agent',
    summary: 'Deflection: suggestions that solved the problem with no ticket from that person within 7 days',
    query: ZDateRangeQuery,
    response: ZDeflectionReport,
    handler: async (ctx) => {
      const to = ctx.query.to ? new Date(ctx.query.to) : ctx.services.clock.now();
      const from = ctx.query.from ? new Date(ctx.query.from) : new Date(to.getTime() - 30 * 86_400_000);
      if (from >= to) throw new AppError('validation_failed', 'Invalid query.from: must be before to');
      const inRange = and(gte(kbSuggestions.createdAt, from), lt(kbSuggestions.createdAt, to));
      // Deflected: said it solved the problem, and filed no ticket in the 7 days after.
      const deflectedSql = sql`(${kbSuggestions.outcome} = 'solved' AND NOT EXISTS (
        SELECT 1 FROM tickets t WHERE t.requester_id = ${kbSuggestions.userId}
          AND t.created_at >= ${kbSuggestions.createdAt} AND t.created_at < ${kbSuggestions.createdAt} + interval '7 days'))`;
      const [totals] = await ctx.services.readDb
        .select({
          suggested: sql<number>`count(*)::int`,
          solved: sql<number>`count(*) FILTER (WHERE ${kbSuggestions.outcome} = 'solved')::int`,
          deflected: sql<number>`count(*) FILTER (WHERE ${deflectedSql})::int`,
        })
        .from(kbSuggestions)
        .where(inRange);
      const top = await ctx.services.readDb
        .select({ slug: kbSuggestions.solvedSlug, title: kbArticles.title, deflected: sql<number>`count(*)::int` })
        .from(kbSuggestions)
        .innerJoin(kbArticles, eq(kbArticles.slug, kbSuggestions.solvedSlug))
        .where(and(inRange, deflectedSql))
        .groupBy(kbSuggestions.solvedSlug, kbArticles.title)
        .orderBy(sql`count(*) DESC`)
        .limit(10);
      const suggested = totals?.suggested ?? 0;
      const deflected = totals?.deflected ?? 0;
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        suggested,
        solved: totals?.solved ?? 0,
        deflected,
        rate: suggested ? deflected / suggested : 0,
        topArticles: top.map((t) => ({ slug: t.slug ?? '', title: t.title, deflected: t.deflected })),
      };
    },
  }),
];
