import type { App } from '@slack/bolt';
import type { SlackContext } from '../context.js';
import { startConversation } from '../conversation.js';
import { helpRequest } from '@deskmate/shared';
import { kbHelpUsage } from '../render/kb.js';
import { esc } from '../render/limits.js';
import { fromSlack } from '../text.js';
import { answerHelp } from './help.js';

const TICKET_COMMAND = '/ticket';

/** `/ticket help <words>`: the words to search the knowledge base for ('' for `/ticket help` alone). */
export const helpWords = (text: unknown): string | null => helpRequest(fromSlack(typeof text === 'string' ? text : ''));

/** What Slack shows the person at once (the receiver answers with it, before the listener runs). */
export function immediateAnswer(body: Record<string, unknown>): Record<string, unknown> | undefined {
  if (body.command !== TICKET_COMMAND) return undefined;
  const words = helpWords(body.text);
  if (words !== null) {
    return {
      response_type: 'ephemeral',
      text: words ? `:mag: Looking in the help articles for “${esc(words)}”…` : kbHelpUsage,
    };
  }
  return {
    response_type: 'ephemeral',
    text: "Let's open a ticket: I'll ask a few quick questions in our direct messages.",
  };
}

/**
 * `/ticket [text]`: the wizard in the person's DM, with the text as the description when given.
 * `/ticket help <words>`: the top help articles for the words, only to the person who asked.
 */
export function register(app: App, ctx: SlackContext): void {
  app.command(TICKET_COMMAND, async ({ ack, command, client, respond }) => {
    await ack();
    const words = helpWords(command.text);
    if (words !== null) {
      if (words) await answerHelp(ctx, client, command.user_id, words, respond);
      return;
    }
    await startConversation(ctx, client, command.user_id, { text: fromSlack(command.text) });
  });
}
