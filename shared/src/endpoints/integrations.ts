import { z } from 'zod';
import {
  ZApiToken,
  ZCreateApiTokenRequest,
  ZCreatedApiToken,
  ZIdParams,
  ZInboundEvent,
  ZInboxRequest,
  ZInboxResponse,
  ZIntegrationsStatus,
  ZMessageRefLookupQuery,
  ZMessageRefTicket,
  ZResolveIdentityWithDataResponse,
  ZResolveIdentityWithData,
  ZTeamParams,
  ZTeamsTeam,
  ZTeamsTeamBody,
  ZTeamsTicketAudience,
  ZTeamsTicketAudienceQuery,
  ZTeamsTriage,
  ZTeamsTriageBody,
} from '../api/index.js';
import { endpoint } from '../api/endpoint.js';

export const integrationsEndpoints = {
  inbox: endpoint({
    method: 'POST',
    path: '/integrations/inbox',
    summary:
      'Record verified chat requests (Slack events, commands, clicks) before answering the provider; each new one is acted on by the inbound.process job',
    body: ZInboxRequest,
    response: ZInboxResponse,
  }),
  inboundEvent: endpoint({
    method: 'POST',
    path: '/integrations/inbound-events',
    summary:
      'Record a provider event id (Slack event_id, Teams activity id) before acting on it: first is true only once',
    body: ZInboundEvent,
    response: z.object({ first: z.boolean() }),
  }),
  messageRef: endpoint({
    method: 'GET',
    path: '/integrations/message-refs',
    summary: 'Which ticket a chat message Deskmate sent belongs to (a triage card, a DM thread)',
    query: ZMessageRefLookupQuery,
    response: ZMessageRefTicket,
  }),
  status: endpoint({
    method: 'GET',
    path: '/integrations/status',
    summary:
      'Slack, Teams and email: configured or not, the last event received, the last message sent and the last failure',
    response: ZIntegrationsStatus,
  }),
  tokens: endpoint({
    method: 'GET',
    path: '/integrations/tokens',
    summary: 'List API tokens (never their secrets)',
    response: z.object({ items: z.array(ZApiToken) }),
  }),
  createToken: endpoint({
    method: 'POST',
    path: '/integrations/tokens',
    summary: 'Create an API token (its secret is shown once)',
    body: ZCreateApiTokenRequest,
    response: ZCreatedApiToken,
    status: 201,
  }),
  revokeToken: endpoint({
    method: 'DELETE',
    path: '/integrations/tokens/:id',
    summary: 'Revoke an API token',
    params: ZIdParams,
  }),
  identify: endpoint({
    method: 'POST',
    path: '/integrations/identities',
    summary: 'Map a Slack or Teams account to a Deskmate user (by stored id, else email, else a new requester)',
    body: ZResolveIdentityWithData,
    response: ZResolveIdentityWithDataResponse,
  }),
  rememberTeam: endpoint({
    method: 'PUT',
    path: '/integrations/teams/teams/:teamId',
    summary: 'Teams: remember a team the bot was added to, with the conversation reference to post there',
    params: ZTeamParams,
    body: ZTeamsTeamBody,
    response: ZTeamsTeam,
  }),
  forgetTeam: endpoint({
    method: 'DELETE',
    path: '/integrations/teams/teams/:teamId',
    summary: 'Teams: forget a team the bot was removed from (and its triage channel, if it was there)',
    params: ZTeamParams,
  }),
  teamsTriage: endpoint({
    method: 'GET',
    path: '/integrations/teams/triage',
    summary: 'Teams: the triage channel, where each new ticket gets a card (null until an admin chooses one)',
    response: z.object({ triage: ZTeamsTriage.nullable() }),
  }),
  teamsTicketAudience: endpoint({
    method: 'GET',
    path: '/integrations/teams/ticket-audience',
    summary:
      "Teams: whose view of a ticket's card refreshes into their own (requester, assignee, its agents: their Teams user ids) and whom its Assign menu offers",
    query: ZTeamsTicketAudienceQuery,
    response: ZTeamsTicketAudience,
  }),
  setTeamsTriage: endpoint({
    method: 'PUT',
    path: '/integrations/teams/triage',
    summary: 'Teams: make a channel the triage channel (admins; the bot calls it for an admin who says "triage here")',
    body: ZTeamsTriageBody,
    response: z.object({ triage: ZTeamsTriage }),
  }),
};
