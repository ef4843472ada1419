import type { App } from '@slack/bolt';
import type { SlackContext } from '../context.js';
import { startConversation } from '../conversation.js';
import { ids } from '../render/ids.js';

/** The New ticket modal: its description starts the wizard in the DM. */
export function register(app: App, ctx: SlackContext): void {
  app.view(ids.newTicketModal, async ({ ack, body, view, client }) => {
    await ack();
    const text = view.state.values[ids.newTicketInput.block]?.[ids.newTicketInput.action]?.value ?? '';
    await startConversation(ctx, client, body.user.id, { text });
  });
}
