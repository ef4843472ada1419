import { ids } from '../render/ids.js';
import { newTicketModal } from '../render/home.js';
import { kbSearchModal } from '../render/kb.js';
import type { ActionHandler } from './types.js';

/** App Home's buttons: New ticket asks what is wrong; Search help articles opens the search modal. */
export const homeButtons: ActionHandler = {
  matches: ids.homePattern,
  async handle({ ack, body, action, client }, ctx) {
    await ack();
    const view = action.action_id === ids.homeKbSearch ? kbSearchModal(ctx.links()) : newTicketModal();
    await client.views.open({ trigger_id: body.trigger_id, view });
  },
};
