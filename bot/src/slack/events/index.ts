import type { App } from '@slack/bolt';
import type { SlackContext } from '../context.js';
import { onHomeOpened } from './home.js';
import { onMention } from './mentions.js';
import { onMessage, wanted } from './messages.js';
import { onReaction, TICKET_REACTION } from './reactions.js';
import type { EventArgs } from './types.js';

/**
 * Whether a listener would act on an event: the receiver records only these (the bot's own
 * messages, edits and other reactions are answered and dropped without a trace).
 */
export function relevant(event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const e = event as { type?: unknown; reaction?: unknown; tab?: unknown; bot_id?: unknown };
  switch (e.type) {
    case 'message':
      return wanted(event as Parameters<typeof wanted>[0]);
    case 'reaction_added':
      return e.reaction === TICKET_REACTION;
    case 'app_home_opened':
      return e.tab === 'home';
    case 'app_mention':
      return !e.bot_id;
    default:
      return false;
  }
}

/**
 * Events API: messages (DM and threads), 🎫 reactions, App Home, mentions (Slack was answered when
 * the request was recorded; see receiver.ts). One Bolt listener dispatches by type: Bolt runs every
 * listener's middleware for every request (slash commands too).
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
        return onMention(args as EventArgs<'app_mention'>);
    }
  });
}
