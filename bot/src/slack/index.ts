import type { BotOptions } from '../index.js';
import type { ChatChannel } from '../channel.js';

/** Slack: null until its credentials are configured (SLACK_BOT_TOKEN and a signing secret or app token). */
export function createSlack(options: BotOptions): ChatChannel | null {
  void options;
  return null;
}
