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
 * Microsoft Teams (Bot Framework), confined to this folder so the SDK can be swapped. Always on:
 * with MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD it serves Teams; without them POST /api/messages
 * runs unauthenticated for the Bot Framework Emulator on this machine (and says so at start).
 */
export function createTeams(options: BotOptions): ChatChannel {
  return createTeamsChannel(options);
}

/** The same, with the parts tests look at (the adapter, the sender). */
export function createTeamsChannel(options: BotOptions): TeamsChannel {
  const logger = options.logger ?? quiet;
  const teams = createAdapter(options.config);
  const api = new TeamsApi(() => apiClient(options));
  const links = () => ({ console: (options.config.PUBLIC_URL ?? options.apiUrl()).replace(/\/+$/, '') });
  const deps: TeamsDeps = { api, identities: new Identities(api, logger), links, logger };

  teams.adapter.onTurnError = async (context, error) => {
    logger.error({ err: error.message, activity: context.activity.type }, 'Teams turn failed');
    if (context.activity.type !== 'message') return;
    const message = peopleMessage(error) ?? 'Sorry, something went wrong on our side. Please try again in a moment.';
    await context.sendActivity(message).catch(() => undefined);
  };

  const sender = new TeamsSender({ teams, api, links });
  return {
    name: 'teams',
    teams,
    sender,
    routers: [messagesRouter(teams, createTurnHandler(deps))],
    senders: [sender],
    start: async () => {
      if (!teams.authenticated) {
        logger.warn(
          {},
          'Microsoft Teams is not configured (MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD): POST /api/messages accepts ' +
            'the Bot Framework Emulator on this machine only, without authentication',
        );
      }
    },
    stop: async () => undefined,
  };
}
