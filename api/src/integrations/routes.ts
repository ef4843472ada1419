import { z } from 'zod';
import {
  ZApiToken,
  ZCreateApiTokenRequest,
  ZCreatedApiToken,
  ZIdParams,
  ZInboxRequest,
  ZInboxResponse,
  ZIntegrationsStatus,
  ZMessageRefLookupQuery,
  ZMessageRefTicket,
  ZResolveIdentityRequest,
  ZResolveIdentityResponse,
  ZTeamsTicketAudience,
  ZTeamsTicketAudienceQuery,
} from '@deskmate/shared';
import { defineRoute } from '../http/route.js';
import { presentUser } from '../presenters/user.js';
import { resolveChatIdentity } from '../users/service.js';
import { recordInbox } from './inbox.js';
import { teamsTicketAudience } from './teams-audience.js';
import { createApiToken, listApiTokens, revokeApiToken } from './service.js';
import { integrationsStatus } from './status.js';
import { lookupMessageRef, mergeIdentityData, recordInboundEvent } from './queries.js';
import { forgetTeam, readTeamsTriage, rememberTeam, setTeamsTriage } from './teams-settings.js';

const ZInboundEvent = z.object({ provider: z.string().min(1).max(50), eventId: z.string().min(1).max(300) }).strict();

const ZIdentityData = z
  .record(z.string().min(1).max(64), z.unknown())
  .refine(
    (d) => Object.keys(d).length <= 16 && JSON.stringify(d).length <= 16_384,
    'must be at most 16 keys and 16 KB of JSON',
  );
const ZResolveIdentityWithData = ZResolveIdentityRequest.extend({
  /** Provider data to keep with the identity (merged into what is stored). */
  data: ZIdentityData.optional(),
});

/** A Bot Framework conversation reference: where and as whom the bot posts. */
const ZTeamsReference = z
  .object({
    serviceUrl: z.url({ protocol: /^https?$/ }).max(500),
    channelId: z.string().min(1).max(50),
    conversation: z.object({ id: z.string().min(1).max(500) }).catchall(z.unknown()),
    bot: z.object({ id: z.string().min(1).max(300) }).catchall(z.unknown()),
  })
  .catchall(z.unknown())
  .refine((r) => JSON.stringify(r).length <= 4096, 'must be at most 4 KB of JSON');
const ZTeamParams = z.object({ teamId: z.string().min(1).max(300) }).strict();
const ZTeamsTeamBody = z.object({ name: z.string().max(300).optional(), reference: ZTeamsReference }).strict();
const ZTeamsTeam = z.object({
  teamId: z.string(),
  name: z.string().nullable(),
  reference: ZTeamsReference,
  updatedAt: z.string(),
});
const ZTeamsTriageBody = z
  .object({
    teamId: z.string().min(1).max(300),
    teamName: z.string().max(300).optional(),
    channelId: z.string().min(1).max(300),
    channelName: z.string().max(300).optional(),
    reference: ZTeamsReference,
  })
  .strict();
const ZTeamsTriage = z.object({
  teamId: z.string(),
  teamName: z.string().nullable(),
  channelId: z.string(),
  channelName: z.string().nullable(),
  reference: ZTeamsReference,
  setBy: z.string().nullable(),
  setAt: z.string(),
});

export const integrationRoutes = [
  defineRoute({
    method: 'post',
    path: '/integrations/inbox',
    access: 'integration',
    scopes: ['chat:act'],
    summary:
      'Record verified chat requests (Slack events, commands, clicks) before answering the provider; each new one is acted on by the inbound.process job',
    body: ZInboxRequest,
    response: ZInboxResponse,
    handler: async (ctx) => ({ first: await recordInbox(ctx.services.db, ctx.services.clock, ctx.body) }),
  }),
  defineRoute({
    method: 'post',
    path: '/integrations/inbound-events',
    access: 'integration',
    scopes: ['chat:act'],
    summary:
      'Record a provider event id (Slack event_id, Teams activity id) before acting on it: first is true only once',
    body: ZInboundEvent,
    response: z.object({ first: z.boolean() }),
    handler: async (ctx) => ({ first: await recordInboundEvent(ctx.services.db, ctx.services.clock, ctx.body) }),
  }),
  defineRoute({
    method: 'get',
    path: '/integrations/message-refs',
    access: 'integration',
    scopes: ['chat:act'],
    summary: 'Which ticket a chat message Deskmate sent belongs to (a triage card, a DM thread)',
    query: ZMessageRefLookupQuery,
    response: ZMessageRefTicket,
    handler: async (ctx) => lookupMessageRef(ctx.services.db, ctx.query),
  }),
  defineRoute({
    method: 'get',
    path: '/integrations/status',
    access: 'admin',
    summary:
      'Slack, Teams and email: configured or not, the last event received, the last message sent and the last failure',
    response: ZIntegrationsStatus,
    handler: async (ctx) => integrationsStatus(ctx.services),
  }),
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
    body: ZResolveIdentityWithData,
    response: ZResolveIdentityResponse.extend({ data: z.record(z.string(), z.unknown()) }),
    handler: async (ctx) => {
      const { data, ...identity } = ctx.body;
      const result = await resolveChatIdentity(ctx.services, identity, ctx.actor);
      return {
        user: presentUser(result.user),
        created: result.created,
        linked: result.linked,
        data: await mergeIdentityData(ctx.services.db, identity, data),
      };
    },
  }),
  ...teamsRoutes(),
];

/** Microsoft Teams: the teams the bot was added to and the triage channel (teams-settings.ts). */
function teamsRoutes() {
  return [
    defineRoute({
      method: 'put',
      path: '/integrations/teams/teams/:teamId',
      access: 'integration',
      scopes: ['chat:act'],
      summary: 'Teams: remember a team the bot was added to, with the conversation reference to post there',
      params: ZTeamParams,
      body: ZTeamsTeamBody,
      response: ZTeamsTeam,
      handler: async (ctx) => {
        const team = {
          teamId: ctx.params.teamId,
          name: ctx.body.name ?? null,
          reference: ctx.body.reference,
          updatedAt: ctx.services.clock.now().toISOString(),
        };
        return rememberTeam(ctx.services.db, team, ctx.services.clock.now());
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/integrations/teams/teams/:teamId',
      access: 'integration',
      scopes: ['chat:act'],
      summary: 'Teams: forget a team the bot was removed from (and its triage channel, if it was there)',
      params: ZTeamParams,
      handler: async (ctx) => forgetTeam(ctx.services.db, ctx.params.teamId),
    }),
    defineRoute({
      method: 'get',
      path: '/integrations/teams/triage',
      access: 'integration',
      scopes: ['chat:act'],
      summary: 'Teams: the triage channel, where each new ticket gets a card (null until an admin chooses one)',
      response: z.object({ triage: ZTeamsTriage.nullable() }),
      handler: async (ctx) => {
        const parsed = ZTeamsTriage.safeParse(await readTeamsTriage(ctx.services.db));
        return { triage: parsed.success ? parsed.data : null };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/integrations/teams/ticket-audience',
      access: 'integration',
      scopes: ['chat:act'],
      summary:
        "Teams: whose view of a ticket's card refreshes into their own (requester, assignee, its agents: their Teams user ids) and whom its Assign menu offers",
      query: ZTeamsTicketAudienceQuery,
      response: ZTeamsTicketAudience,
      handler: async (ctx) => teamsTicketAudience(ctx.services.db, ctx.query.ticket),
    }),
    defineRoute({
      method: 'put',
      path: '/integrations/teams/triage',
      access: 'admin',
      summary:
        'Teams: make a channel the triage channel (admins; the bot calls it for an admin who says "triage here")',
      body: ZTeamsTriageBody,
      response: z.object({ triage: ZTeamsTriage }),
      handler: async (ctx) => {
        const triage = {
          ...ctx.body,
          teamName: ctx.body.teamName ?? null,
          channelName: ctx.body.channelName ?? null,
          setBy: ctx.user.id,
          setAt: ctx.services.clock.now().toISOString(),
        };
        return { triage: await setTeamsTriage(ctx.services, ctx.actor, triage) };
      },
    }),
  ];
}
