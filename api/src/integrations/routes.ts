import { z } from 'zod';
import {
  ZApiToken,
  ZCreateApiTokenRequest,
  ZCreatedApiToken,
  ZIdParams,
  ZResolveIdentityRequest,
  ZResolveIdentityResponse,
} from '@deskmate/shared';
import { defineRoute } from '../http/route.js';
import { presentUser } from '../presenters/user.js';
import { resolveChatIdentity } from '../users/service.js';
import { createApiToken, listApiTokens, revokeApiToken } from './service.js';

export const integrationRoutes = [
  defineRoute({
    method: 'get',
    path: '/integrations/tokens',
    access: 'admin',
    summary: 'List API tokens (never their secrets)',
    response: z.object({ items: z.array(ZApiToken) }),
    handler: async (ctx) => ({ items: await listApiTokens(ctx.services) }),
  }),
  defineRoute({
    method: 'post',
    path: '/integrations/tokens',
    access: 'admin',
    summary: 'Create an API token (its secret is shown once)',
    body: ZCreateApiTokenRequest,
    response: ZCreatedApiToken,
    status: 201,
    handler: async (ctx) => createApiToken(ctx.services, ctx.body, ctx.actor),
  }),
  defineRoute({
    method: 'delete',
    path: '/integrations/tokens/:id',
    access: 'admin',
    summary: 'Revoke an API token',
    params: ZIdParams,
    handler: async (ctx) => {
      await revokeApiToken(ctx.services, ctx.params.id, ctx.actor);
      return undefined;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/integrations/identities',
    access: 'integration',
    scopes: ['chat:act'],
    summary: 'Map a Slack or Teams account to a Deskmate user (by stored id, else email, else a new requester)',
    body: ZResolveIdentityRequest,
    response: ZResolveIdentityResponse,
    handler: async (ctx) => {
      const result = await resolveChatIdentity(ctx.services, ctx.body, ctx.actor);
      return { user: presentUser(result.user), created: result.created, linked: result.linked };
    },
  }),
];
