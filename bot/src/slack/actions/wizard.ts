import type { wizard } from '@deskmate/shared';
import { clickedInDm } from '../conversation.js';
import { ids, parseWizardAction } from '../render/ids.js';
import type { ActionHandler } from './types.js';

/** Wizard buttons in the DM: each becomes one input of the conversation named by its value. */
export const wizardButtons: ActionHandler = {
  matches: ids.wizardPattern,
  async handle({ ack, body, action, client }, ctx) {
    await ack();
    const parsed = parseWizardAction(action.action_id);
    const channel = body.channel?.id;
    const ts = body.message?.ts;
    if (!parsed || action.type !== 'button' || !channel || !ts || !action.value) return;
    const input: wizard.TWizardInput =
      parsed.kind === 'choice' ? { type: 'choice', value: parsed.value, step: parsed.step } : { type: parsed.kind };
    await clickedInDm(ctx, client, { user: body.user.id, channel, ts }, action.value, input);
  },
};
