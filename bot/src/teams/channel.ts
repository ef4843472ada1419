import { apiClient, type BotOptions } from '../index.js';
import type { ChatChannel } from '../channel.js';
import { createAdapter, messagesRouter, toActivity, type TeamsAdapter } from './adapter.js';
import { ZInboundActivity } from './guard.js';
import { TeamsApi } from './api.js';
import { createTurnHandler, type TeamsDeps } from './handlers/index.js';
import { Identities, type TeamsLogger } from './identity.js';
import { eventId, peopleMessage } from './handlers/deps.js';
import { TeamsSender } from './sender.js';

export interface TeamsChannel extends ChatChannel {
  name: 'teams';
  teams: TeamsAdapter;
  sender: TeamsSender;
}

const quiet: TeamsLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The Teams channel with the Bot Framework SDK loaded: index.ts imports this module on the first
 * request to POST /api/messages or the first delivery that needs it.
 */
export function createTeamsChannel(options: BotOptions, overrides: { invokeDeadlineMs?: number } = {}): TeamsChannel {
  const logger = options.logger ?? quiet;
  const teams = createAdapter(options.config);
  const api = new TeamsApi(() => apiClient(options));
  const links = () => ({ console: (options.config.PUBLIC_URL ?? options.apiUrl()).replace(/\/+$/, '') });
  const sender = new TeamsSender({ teams, api, links });
  const deps: TeamsDeps = {
    api,
    identities: new Identities(api, logger),
    links,
    logger,
    post: (reference, activity) => sender.post(reference, activity),
    ...overrides,
  };

  const recorded = createTurnHandler(deps, { recorded: true });
  teams.adapter.onTurnError = async (context, error) => {
    logger.error({ err: error.message, activity: context.activity.type }, 'Teams turn failed');
    if (context.activity.type !== 'message') return;
    const message = peopleMessage(error) ?? 'Sorry, something went wrong on our side. Please try again in a moment.';
    await context.sendActivity(message).catch(() => undefined);
  };

  return {
    name: 'teams',
    teams,
    sender,
    routers: [
      messagesRouter(teams, createTurnHandler(deps), logger, async (activity, payload) => {
        await api.record(eventId(activity), payload);
      }),
    ],
    senders: [sender],
    inbound: [
      {
        provider: 'teams',
        handle: (payload) => teams.adapter.replayTurn(toActivity(ZInboundActivity.parse(payload)), recorded),
      },
    ],
    start: async () => undefined,
    stop: async () => undefined,
  };
}
