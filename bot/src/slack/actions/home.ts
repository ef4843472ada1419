import { ids } from '../render/ids.js';
import { newTicketModal } from '../render/home.js';
import type { ActionHandler } from './types.js';

/** App Home's New ticket button opens a modal asking what is wrong. */
export const homeButtons: ActionHandler = {
  matches: new RegExp(`^${ids.homeNewTicket}$`),
  async handle({ ack, body, client }) {
    await ack();
    await client.views.open({ trigger_id: body.trigger_id, view: newTicketModal() });
  },
};
