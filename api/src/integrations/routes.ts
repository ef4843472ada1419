import { endpoints, ZTeamsTriage } from '@deskmate/shared';
import { bindRoute } from '../http/route.js';
import { presentUser } from '../presenters/user.js';
import { resolveChatIdentity } from '../users/service.js';
import { recordInbox } from './inbox.js';
import { teamsTicketAudience } from './teams-audience.js';
import { createApiToken, listApiTokens, revokeApiToken } from './service.js';
import { integrationsStatus } from './status.js';
import { lookupMessageRef, mergeIdentityData, recordInboundEvent } from './queries.js';
import { forgetTeam, readTeamsTriage, rememberTeam, setTeamsTriage } from './teams-settings.js';

export const integrationRoutes = [
  bindRoute(endpoints.integrations.inbox, {
    access: 'integration',
    scopes: ['chat:act'],
    handler: async (ctx) => ({ first: await recordInbox(ctx.services.db, ctx.services.clock, ctx.body) }),
  }),
  bindRoute(endpoints.integrations.inboundEvent, {
    access: 'integration',
    scopes: ['chat:act'],
    handler: async (ctx) => ({ first: await recordInboundEvent(ctx.services.db, ctx.services.clock, ctx.body) }),
  }),
  bindRoute(endpoints.integrations.messageRef, {
    access: 'integration',
    scopes: ['chat:act'],
    handler: async (ctx) => lookupMessageRef(ctx.services.db, ctx.query),
  }),
  bindRoute(endpoints.integrations.status, {
    access: 'admin',
    handler: async (ctx) => integrationsStatus(ctx.services),
  }),
  bindRoute(endpoints.integrations.tokens, {
    access: 'admin',
    handler: async (ctx) => ({ items: await listApiTokens(ctx.services) }),
  }),
  bindRoute(endpoints.integrations.createToken, {
    access: 'admin',
    handler: async (ctx) => createApiToken(ctx.services, ctx.body, ctx.actor),
  }),
  bindRoute(endpoints.integrations.revokeToken, {
    access: 'admin',
    handler: async (ctx) => {
      await revokeApiToken(ctx.services, ctx.params.id, ctx.actor);
      return undefined;
    },
  }),
  bindRoute(endpoints.integrations.identify, {
    access: 'integration',
    scopes: ['chat:act'],
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
    bindRoute(endpoints.integrations.rememberTeam, {
      access: 'integration',
      scopes: ['chat:act'],
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
    bindRoute(endpoints.integrations.forgetTeam, {
      access: 'integration',
      scopes: ['chat:act'],
      handler: async (ctx) => forgetTeam(ctx.services.db, ctx.params.teamId),
    }),
    bindRoute(endpoints.integrations.teamsTriage, {
      access: 'integration',
      scopes: ['chat:act'],
      handler: async (ctx) => {
        const parsed = ZTeamsTriage.safeParse(await readTeamsTriage(ctx.services.db));
        return { triage: parsed.success ? parsed.data : null };
      },
    }),
    bindRoute(endpoints.integrations.teamsTicketAudience, {
      access: 'integration',
      scopes: ['chat:act'],
      handler: async (ctx) => teamsTicketAudience(ctx.services.db, ctx.query.ticket),
    }),
    bindRoute(endpoints.integrations.setTeamsTriage, {
      access: 'admin',
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
