import { ZIdParams, ZSavedViewList, ZSavedViewResponse, ZSaveViewRequest, SAVED_VIEWS_MAX } from '@deskmate/shared';
import { defineRoute } from '../http/route.js';
import { deleteView, listViews, presentView, saveView } from './service.js';

/** Saved views belong to one person (views/policy.ts): each route reads and writes the signed-in user's only. */
export const viewRoutes = [
  defineRoute({
    method: 'get',
    path: '/views',
    access: 'user',
    summary: 'Your saved views of the queue, by name',
    response: ZSavedViewList,
    handler: async (ctx) => ({ items: (await listViews(ctx.services.db, ctx.user)).map(presentView) }),
  }),
  defineRoute({
    method: 'put',
    path: '/views',
    access: 'user',
    summary: `Save a view (one of the same name is replaced; at most ${SAVED_VIEWS_MAX} views)`,
    body: ZSaveViewRequest,
    response: ZSavedViewResponse,
    handler: async (ctx) => ({ view: presentView(await saveView(ctx.services, ctx.user, ctx.body)) }),
  }),
  defineRoute({
    method: 'delete',
    path: '/views/:id',
    access: 'user',
    summary: 'Delete one of your saved views',
    params: ZIdParams,
    handler: async (ctx) => deleteView(ctx.services.db, ctx.user, ctx.params.id),
  }),
];
