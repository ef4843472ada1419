import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { ApiError } from '@deskmate/shared';
import { userMessage, type SlackContext } from '../context.js';
import { kbResultsMessage } from '../render/kb.js';

/** How many articles `/ticket help` and the App Home search show. */
export const KB_RESULTS = 5;

/**
 * `/ticket help <words>`: search as the person (they see what they may read) and answer through the
 * command's response_url, so that only they see it, in whatever channel they asked.
 */
export async function answerHelp(
  ctx: SlackContext,
  client: WebClient,
  slackUserId: string,
  words: string,
  respond: RespondFn,
): Promise<void> {
  await ctx.identity(client, slackUserId);
  let hits;
  try {
    hits = await ctx.kb(slackUserId).search(words, KB_RESULTS);
  } catch (err) {
    await respond({ response_type: 'ephemeral', text: `:warning: ${userMessage(err)}` });
    if (err instanceof ApiError && err.status < 500) return;
    throw err;
  }
  await respond({ response_type: 'ephemeral', ...kbResultsMessage(words, hits, ctx.links()) });
}
