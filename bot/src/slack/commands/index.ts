import type { App } from '@slack/bolt';
import type { SlackContext } from '../context.js';
import { startConversation } from '../conversation.js';
import { fromSlack } from '../text.js';

const TICKET_COMMAND = '/ticket';

/** What Slack shows the person at once (the receiver answers with it, before the listener runs). */
export function immediateAnswer(body: Record<string, unknown>): Record<string, unknown> | undefined {
  if (body.command !== TICKET_COMMAND) return undefined;
  return {
    response_type: 'ephemeral',
    text: "Let's open a ticket: I'll ask a few quick questions in our direct messages.",
  };
}

/** `/ticket [text]`: the wizard in the person's DM, with the text as the description when given. */
export function register(app: App, ctx: SlackContext): void {
  app.command(TICKET_COMMAND, async ({ ack, command, client }) => {
    await ack();
    await startConversation(ctx, client, command.user_id, { text: fromSlack(command.text) });
  });
}
