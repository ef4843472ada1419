import type { App } from '@slack/bolt';
import type { SlackContext } from '../context.js';
import { startConversation } from '../conversation.js';
import { fromSlack } from '../text.js';

/** `/ticket [text]`: the wizard in the person's DM, with the text as the description when given. */
export function register(app: App, ctx: SlackContext): void {
  app.command('/ticket', async ({ ack, command, client }) => {
    await ack({
      response_type: 'ephemeral',
      text: "Let's open a ticket: I'll ask a few quick questions in our direct messages.",
    });
    if (!(await ctx.firstTime(`command:${command.trigger_id}`))) return;
    await startConversation(ctx, client, command.user_id, { text: fromSlack(command.text) });
  });
}
