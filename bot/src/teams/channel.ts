import { apiClient, type BotOptions } from '../index.js';
import type { ChatChannel } from '../channel.js';
import { createAdapter, messagesRouter, type TeamsAdapter } from './adapter.js';
import { TeamsApi } from './api.js';
import { createTurnHandler, type TeamsDeps } from './handlers/index.js';
import { Identities, type TeamsLogger } from './identity.js';
import { peopleMessage } from './handlers/deps.js';
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
    routers: [messagesRouter(teams, createTurnHandler(deps), logger)],
    senders: [sender],
    start: async () => undefined,
    stop: async () => undefined,
  };
}
