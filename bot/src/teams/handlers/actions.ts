import type { wizard } from '@deskmate/shared';
import type { TurnContext } from 'botbuilder';
import type { TPerson } from '../identity.js';
import {
  inputIds,
  isGroupInputId,
  renderNoticeCard,
  renderPickedCard,
  renderRatedCard,
  renderTriageCard,
  type TCardAction,
  type TSubmitted,
} from '../render/index.js';
import { ZPriorityField } from '../render/actions.js';
import { isPersonal } from '../references.js';
import { clickedCard, isAgent, peopleMessage, replaceCard, START_TEXT_MAX, type TeamsDeps } from './deps.js';
import { onKbAction } from './kb.js';
import { showPrompt } from './wizard.js';

type TWizardAction = Extract<TCardAction, { dm: 'wizard' }>;

/** A click on one of our cards (Action.Submit): its data and the card's fields. */
export async function onAction(deps: TeamsDeps, context: TurnContext, submitted: TSubmitted): Promise<void> {
  const { action, fields } = submitted;
  // Personal-chat cards act for the person in their own chat; triage cards only in a channel.
  if ((action.dm === 'triage') === isPersonal(context.activity)) return;
  const person = await deps.identities.resolve(context);
  try {
    switch (action.dm) {
      case 'wizard':
        return await onWizard(deps, context, person, action, fields);
      case 'pick':
        return await onPick(deps, context, person, action.ticket, fields[inputIds.message]?.trim() ?? '');
      case 'triage':
        return await onTriage(deps, context, person, action, fields);
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

/** "Which ticket?": add the message to that ticket, or start a new request with it. */
async function onPick(
  deps: TeamsDeps,
  context: TurnContext,
  person: TPerson,
  ticketKey: string | null,
  message: string,
): Promise<void> {
  if (!message) return;
  if (ticketKey) {
    const ticket = await person.as.reply(ticketKey, message);
    await replace(context, renderPickedCard(message, ticket));
    return;
  }
  const session = await person.as.startSession(context.activity.conversation.id, message.slice(0, START_TEXT_MAX));
  const card = clickedCard(context);
  await showPrompt(deps, context, person, session, card ? { card } : { previous: null });
}

/** Claim / Resolve / Priority on a triage card: agents only; the card shows the result at once. */
async function onTriage(
  deps: TeamsDeps,
  context: TurnContext,
  person: TPerson,
  action: Extract<TCardAction, { dm: 'triage' }>,
  fields: Record<string, string>,
): Promise<void> {
  if (!isAgent(person.user.role)) {
    await context.sendActivity(`Only agents can work tickets from the triage channel, ${person.user.name}.`);
    return;
  }
  const api = person.as;
  try {
    let ticket;
    if (action.op === 'claim') ticket = await api.claim(action.ticket);
    else if (action.op === 'resolve') ticket = await api.update(action.ticket, { status: 'resolved' });
    else {
      const priority = ZPriorityField.safeParse(fields[inputIds.priority]);
      if (!priority.success) return;
      ticket = await api.update(action.ticket, { priority: priority.data });
    }
    await replace(context, renderTriageCard(ticket, deps.links()));
  } catch (err) {
    const message = peopleMessage(err);
    if (message === null) throw err;
    await context.sendActivity(message);
    // Show the ticket as it is now (someone else claimed it first, say).
    const current = await api.ticket(action.ticket).catch(() => null);
    await replace(context, current ? renderTriageCard(current, deps.links()) : renderNoticeCard(message));
  }
}
