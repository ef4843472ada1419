import { endpoints } from '@deskmate/shared';
import { bindRoute } from '../http/route.js';
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

export const kbRoutes = [
  bindRoute(endpoints.kb.search, {
    access: 'user',
    handler: async (ctx) => ({ items: searchArticles(ctx.services, ctx.query.q, ctx.query.limit) }),
  }),
  bindRoute(endpoints.kb.categories, {
    access: 'user',
    handler: async (ctx) => ({ items: await articleCategories(ctx.services.db) }),
  }),
  bindRoute(endpoints.kb.articles, {
    access: 'user',
    handler: async (ctx) => ({
      items: (await listArticles(ctx.services.readDb, ctx.user, ctx.query.category)).map(presentArticle),
    }),
  }),
  bindRoute(endpoints.kb.article, {
    access: 'user',
    handler: async (ctx) => ({
      article: presentArticle(await readableArticle(ctx.services.db, ctx.user, ctx.params.slug)),
    }),
  }),
  bindRoute(endpoints.kb.create, {
    access: 'admin',
    handler: async (ctx) => ({ article: presentArticle(await createArticle(ctx.services.db, ctx.body, ctx.actor)) }),
  }),
  bindRoute(endpoints.kb.update, {
    access: 'admin',
    handler: async (ctx) => ({
      article: presentArticle(
        await updateArticle(ctx.services.db, ctx.params.slug, ctx.body, ctx.actor, ctx.services.clock.now()),
      ),
    }),
  }),
  bindRoute(endpoints.kb.publish, {
    access: 'admin',
    handler: async (ctx) => ({
      article: presentArticle(
        await updateArticle(ctx.services.db, ctx.params.slug, { published: true }, ctx.actor, ctx.services.clock.now()),
      ),
    }),
  }),
  bindRoute(endpoints.kb.unpublish, {
    access: 'admin',
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
  bindRoute(endpoints.kb.view, {
    access: 'user',
    handler: async (ctx) => {
      await readableArticle(ctx.services.db, ctx.user, ctx.params.slug);
      await countView(ctx.services.db, ctx.params.slug);
      return undefined;
    },
  }),
  bindRoute(endpoints.kb.feedback, {
    access: 'user',
    handler: async (ctx) => recordArticleFeedback(ctx.services, ctx.actor, ctx.user, ctx.params.slug, ctx.body),
  }),
  bindRoute(endpoints.kb.deflectionReport, {
    access: 'agent',
    handler: async (ctx) => deflectionReport(ctx.services.readDb, ctx.query, ctx.services.clock.now()),
  }),
];
