import type { App } from '@slack/bolt';
import type { SlackContext } from '../context.js';
import { startConversation } from '../conversation.js';
import { ids } from '../render/ids.js';
import { ZSearchMeta } from '../render/kb.js';
import { registerTriageModals } from './triage.js';

function searched(privateMetadata: string | undefined): string | undefined {
  try {
    const parsed = ZSearchMeta.safeParse(privateMetadata ? JSON.parse(privateMetadata) : undefined);
    return parsed.success ? parsed.data.searched : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The New ticket modal: its description starts the wizard in the DM. The help-article search
 * modal's submit ("Open a ticket") does the same with the words typed; when those are the words
 * just searched, the wizard does not offer the same articles again. And the triage card's modals.
 */
export function register(app: App, ctx: SlackContext): void {
  registerTriageModals(app, ctx);
  app.view(ids.newTicketModal, async ({ ack, body, view, client }) => {
    await ack();
    const text = view.state.values[ids.newTicketInput.block]?.[ids.newTicketInput.action]?.value ?? '';
    await startConversation(ctx, client, body.user.id, { text });
  });
  app.view(ids.kbSearchModal, async ({ ack, body, view, client }) => {
    await ack();
    const text = (view.state.values[ids.kbQuery.block]?.[ids.kbQuery.action]?.value ?? '').trim();
    const offerArticles =
      text !== '' && text.replace(/\s+/g, ' ') === searched(view.private_metadata) ? false : undefined;
    await startConversation(ctx, client, body.user.id, { text, offerArticles });
  });
}
