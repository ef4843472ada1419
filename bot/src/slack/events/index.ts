import type { App } from '@slack/bolt';
import type { SlackContext } from '../context.js';
import { onHomeOpened } from './home.js';
import { onMention } from './mentions.js';
import { onMessage } from './messages.js';
import { onReaction } from './reactions.js';
import type { EventArgs } from './types.js';

/**
 * Events API: messages (DM and threads), 🎫 reactions, App Home, mentions. Bolt acks events
 * before any listener runs. One Bolt listener dispatches by type: Bolt runs every listener's
 * middleware for every request (slash commands too), and each costs time on the way to an ack.
 */
export function register(app: App, ctx: SlackContext): void {
  app.event(/^(message|reaction_added|app_home_opened|app_mention)$/, async (args) => {
    switch (args.event.type) {
      case 'message':
        return onMessage(args as EventArgs<'message'>, ctx);
      case 'reaction_added':
        return onReaction(args as EventArgs<'reaction_added'>, ctx);
      case 'app_home_opened':
        return onHomeOpened(args as EventArgs<'app_home_opened'>, ctx);
      case 'app_mention':
        return onMention(args as EventArgs<'app_mention'>, ctx);
    }
  });
}
