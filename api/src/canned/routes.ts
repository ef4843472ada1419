import { z } from 'zod';
import { ZCannedResponse, ZCannedResponseRequest, ZIdParams, ZRenderCannedQuery } from '@deskmate/shared';
import { defineRoute } from '../http/route.js';
import { createCanned, deleteCanned, listCanned, presentCanned, renderCanned, updateCanned } from './service.js';

const ZResponse = z.object({ cannedResponse: ZCannedResponse });

export const cannedRoutes = [
  defineRoute({
    method: 'get',
    path: '/canned-responses',
    access: 'agent',
    summary: 'Canned responses: shared ones and your own',
    response: z.object({ items: z.array(ZCannedResponse) }),
    handler: async (ctx) => ({ items: (await listCanned(ctx.services.db, ctx.user)).map(presentCanned) }),
  }),
  defineRoute({
    method: 'post',
    path: '/canned-responses',
    access: 'agent',
    summary:
      'Create a canned response ({{requester.name}}, {{ticket.key}}, {{ticket.title}}, {{agent.name}} are filled in)',
    body: ZCannedResponseRequest,
    response: ZResponse,
    status: 201,
    handler: async (ctx) => ({
      cannedResponse: presentCanned(await createCanned(ctx.services, ctx.actor, ctx.user, ctx.body)),
    }),
  }),
  defineRoute({
    method: 'put',
    path: '/canned-responses/:id',
    access: 'agent',
    summary: 'Change a canned response',
    params: ZIdParams,
    body: ZCannedResponseRequest,
    response: ZResponse,
    handler: async (ctx) => ({
      cannedResponse: presentCanned(await updateCanned(ctx.services, ctx.actor, ctx.user, ctx.params.id, ctx.body)),
    }),
  }),
  defineRoute({
    method: 'delete',
    path: '/canned-responses/:id',
    access: 'agent',
    summary: 'Delete a canned response',
    params: ZIdParams,
    handler: async (ctx) => deleteCanned(ctx.services, ctx.actor, ctx.user, ctx.params.id),
  }),
  defineRoute({
    method: 'get',
    path: '/canned-responses/:id/render',
    access: 'agent',
    summary: 'A canned response with its placeholders filled for a ticket',
    params: ZIdParams,
    query: ZRenderCannedQuery,
    response: z.object({ body: z.string() }),
    handler: async (ctx) => ({
      body: await renderCanned(ctx.services.db, ctx.user, ctx.params.id, ctx.query.ticket),
    }),
  }),
];
