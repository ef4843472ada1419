import {
  ZDateRangeQuery,
  ZDeflectionReport,
  ZKbArticleList,
  ZKbArticleListQuery,
  ZKbArticleRequest,
  ZKbArticleResponse,
  ZKbArticleUpdateRequest,
  ZKbCategoryList,
  ZKbFeedbackRequest,
  ZKbFeedbackResponse,
  ZKbSearchQuery,
  ZKbSearchResponse,
  ZKbSlugParams,
} from '@deskmate/shared';
import { defineRoute } from '../http/route.js';
import { deflectionReport } from './deflection.js';
import {
  articleCategories,
  countView,
  createArticle,
  listArticles,
  presentArticle,
  readableArticle,
  recordArticleFeedback,
  searchArticles,
  updateArticle,
} from './service.js';

const ZArticleResponse = ZKbArticleResponse;

export const kbRoutes = [
  defineRoute({
    method: 'get',
    path: '/kb/search',
    access: 'user',
    summary: 'Search published articles (nothing rather than noise when nothing fits)',
    query: ZKbSearchQuery,
    response: ZKbSearchResponse,
    handler: async (ctx) => ({ items: searchArticles(ctx.services, ctx.query.q, ctx.query.limit) }),
  }),
  defineRoute({
    method: 'get',
    path: '/kb/categories',
    access: 'user',
    summary: 'Categories with published articles, and how many (the help centre’s front page)',
    response: ZKbCategoryList,
    handler: async (ctx) => ({ items: await articleCategories(ctx.services.db) }),
  }),
  defineRoute({
    method: 'get',
    path: '/kb/articles',
    access: 'user',
    summary: 'Articles (of one category): published ones for everyone, drafts too for agents',
    query: ZKbArticleListQuery,
    response: ZKbArticleList,
    handler: async (ctx) => ({
      items: (await listArticles(ctx.services.readDb, ctx.user, ctx.query.category)).map(presentArticle),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/kb/articles/:slug',
    access: 'user',
    summary: 'One article',
    params: ZKbSlugParams,
    response: ZArticleResponse,
    handler: async (ctx) => ({
      article: presentArticle(await readableArticle(ctx.services.db, ctx.user, ctx.params.slug)),
    }),
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
      await readableArticle(ctx.services.db, ctx.user, ctx.params.slug);
      await countView(ctx.services.db, ctx.params.slug);
      return undefined;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/kb/articles/:slug/feedback',
    access: 'user',
    summary: 'Did this article help? Counted once per person and article a day, in its votes and the deflection report',
    params: ZKbSlugParams,
    body: ZKbFeedbackRequest,
    response: ZKbFeedbackResponse,
    handler: async (ctx) => recordArticleFeedback(ctx.services, ctx.actor, ctx.user, ctx.params.slug, ctx.body),
  }),
  defineRoute({
    method: 'get',
    path: '/reports/deflection',
    access: 'agent',
    summary: 'Deflection: suggestions that solved the problem with no ticket from that person within 7 days',
    query: ZDateRangeQuery,
    response: ZDeflectionReport,
    handler: async (ctx) => deflectionReport(ctx.services.readDb, ctx.query, ctx.services.clock.now()),
  }),
];
