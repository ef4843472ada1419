import type { BotOptions } from '../index.js';
import type { ChatChannel } from '../channel.js';

/** Microsoft Teams (Bot Framework), confined to this folder so the SDK can be swapped. */
export function createTeams(options: BotOptions): ChatChannel | null {
  void options;
  return null;
}
