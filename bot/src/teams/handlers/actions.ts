import type { wizard } from '@deskmate/shared';
import type { TurnContext } from 'botbuilder';
import type { TPerson } from '../identity.js';
import {
  inputIds,
  isGroupInputId,
  renderPickedCard,
  renderRatedCard,
  type TCardAction,
  type TSubmitted,
} from '../render/index.js';
import { isPersonal } from '../references.js';
import { clickedCard, peopleMessage, replaceCard, START_TEXT_MAX, type TeamsDeps } from './deps.js';
import { onKbAction } from './kb.js';
import { onTriageSubmit } from './triage.js';
import { fetchableFiles } from '../files.js';
import { tellFiles } from './message.js';
import { showPrompt } from './wizard.js';

type TWizardAction = Extract<TCardAction, { dm: 'wizard' }>;

/** A click on one of our cards (Action.Submit): its data and the card's fields. */
export async function onAction(deps: TeamsDeps, context: TurnContext, submitted: TSubmitted): Promise<void> {
  const { action, fields } = submitted;
  // Personal-chat cards act for the person in their own chat; ticket cards only in a channel.
  if ((action.dm === 'triage' || action.dm === 'view') === isPersonal(context.activity)) return;
  const person = await deps.identities.resolve(context);
  try {
    switch (action.dm) {
      case 'wizard':
        return await onWizard(deps, context, person, action, fields);
      case 'pick':
        return await onPick(deps, context, person, action, fields[inputIds.message]?.trim() ?? '');
      case 'triage':
        return await onTriageSubmit(deps, context, person, action, fields);
      case 'view':
      case 'create':
        // A card's refresh comes as adaptiveCard/action, "Create ticket" as the message extension's
        // composeExtension/submitAction: as a plain message they do nothing.
        return;
      case 'csat':
        await person.as.rate(action.ticket, action.rating);
        return await replace(context, renderRatedCard(action.ticket, action.rating));
      case 'reply': {
        const body = fields[inputIds.reply]?.trim() ?? '';
        if (!body) return;
        await person.as.reply(action.ticket, body);
        await context.sendActivity(`Your reply was added to ${action.ticket}.`);
        return;
      }
      case 'kb-view':
      case 'kb-helpful':
      case 'kb-ticket':
        return await onKbAction(deps, context, person, action);
    }
  } catch (err) {
    const message = peopleMessage(err);
    if (message === null) throw err;
    await context.sendActivity(message);
  }
}

const replace = async (context: TurnContext, card: Parameters<typeof replaceCard>[2]) => {
  const id = clickedCard(context);
  if (id) await replaceCard(context, id, card);
};

/** The wizard input a button stands for; form buttons take their answer from the card's fields. */
function wizardInput(action: TWizardAction, fields: Record<string, string>): wizard.TWizardInput {
  const input = action.input;
  if (input.type === 'text') return { type: 'text', text: fields[inputIds.wizardText] ?? '' };
  if (input.type === 'choices') {
    const values = Object.entries(fields)
      .filter(([id, value]) => isGroupInputId(id) && value)
      .map(([, value]) => value);
    return values.length
      ? { type: 'choices', values, ...(input.step ? { step: input.step } : {}) }
      : { type: 'text', text: '' };
  }
  return input;
}

async function onWizard(
  deps: TeamsDeps,
  context: TurnContext,
  person: TPerson,
  action: TWizardAction,
  fields: Record<string, string>,
): Promise<void> {
  // A click on a card the conversation has moved past gets the conversation as it is now.
  const { session } = await person.as.input(action.session, wizardInput(action, fields), action.version);
  const card = clickedCard(context);
  await showPrompt(deps, context, person, session, card ? { card } : { previous: null });
}

/**
 * "Which ticket?": add the message to that ticket (its files with the reply), or start a new
 * request with it (its files with the conversation).
 */
async function onPick(
  deps: TeamsDeps,
  context: TurnContext,
  person: TPerson,
  action: Extract<TCardAction, { dm: 'pick' }>,
  message: string,
): Promise<void> {
  if (!message) return;
  const files = await fetchableFiles(context, action.files ?? []);
  if (action.ticket) {
    const { ticket, eventId } = await person.as.replyWithId(action.ticket, message);
    await replace(context, renderPickedCard(message, ticket));
    await tellFiles(context, await person.as.attachToEvent(action.ticket, eventId, files));
    return;
  }
  const session = await person.as.startSession(context.activity.conversation.id, message.slice(0, START_TEXT_MAX));
  await tellFiles(context, await person.as.attachToSession(session.id, files));
  const card = clickedCard(context);
  await showPrompt(deps, context, person, session, card ? { card } : { previous: null });
}
