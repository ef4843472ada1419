import { ApiError, helpRequest } from '@deskmate/shared';
import { TurnContext } from 'botbuilder';
import { PICK_MAX_TICKETS, renderPickCard } from '../render/index.js';
import { channelConversationId, channelData, isPersonal, referenceFor } from '../references.js';
import { cardMessage, peopleMessage, START_TEXT_MAX, type TeamsDeps } from './deps.js';
import { onHelpRequest } from './kb.js';
import { showPrompt } from './wizard.js';

const TRIAGE_COMMAND = /^(triage here|set triage|use this channel for triage)[.!]?$/i;

export const channelHelp =
  'Hi! To ask IT for help, message me in a personal chat. ' +
  'A Deskmate admin can make this channel the triage channel by mentioning me with **triage here**.';

/** The text a person typed, without the @mention of the bot. */
function typedText(context: TurnContext): string {
  const withoutMention = TurnContext.removeRecipientMention(context.activity) ?? context.activity.text ?? '';
  return withoutMention.replace(/<at>[^<]*<\/at>/g, '').trim();
}

/**
 * A typed message: the wizard in a personal chat (or, outside a request in progress, `help <words>`
 * to search the help articles), commands in a channel.
 */
export async function onMessage(deps: TeamsDeps, context: TurnContext): Promise<void> {
  const text = typedText(context);
  if (!isPersonal(context.activity)) return onChannelMessage(deps, context, text);
  if (!text) {
    await context.sendActivity('I can only read text for now: describe the problem in words.');
    return;
  }
  const person = await deps.identities.resolve(context);
  const conversation = context.activity.conversation.id;
  const current = await person.as.currentSession(conversation);
  // A request in progress: this message is its next answer.
  if (current && !current.finished) {
    const { session } = await person.as.input(current.id, { type: 'text', text });
    await showPrompt(deps, context, person, session, { previous: current });
    return;
  }
  const words = helpRequest(text);
  if (words !== null) {
    await onHelpRequest(deps, context, person, words);
    return;
  }
  // Teams has no threads in a personal chat: with tickets open, ask where this message belongs.
  const open = await person.as.openTickets(PICK_MAX_TICKETS + 1);
  if (open.length) {
    await context.sendActivity(cardMessage(renderPickCard(text, open)));
    return;
  }
  const session = await person.as.startSession(conversation, text.slice(0, START_TEXT_MAX));
  await showPrompt(deps, context, person, session, { previous: null });
}

async function onChannelMessage(deps: TeamsDeps, context: TurnContext, text: string): Promise<void> {
  if (!TRIAGE_COMMAND.test(text)) {
    await context.sendActivity(channelHelp);
    return;
  }
  const { team, channel } = channelData(context.activity);
  const channelId = channelConversationId(context.activity);
  if (!team || !channelId) {
    await context.sendActivity('Choose the triage channel from a channel of a team.');
    return;
  }
  const person = await deps.identities.resolve(context);
  // The team may predate this Deskmate (no install event seen): remember it now.
  await deps.api.rememberTeam(team.id, team.name, referenceFor(context.activity, team.id));
  try {
    await person.as.chooseTriage({
      teamId: team.id,
      teamName: team.name ?? null,
      channelId,
      channelName: channel?.name ?? null,
      reference: referenceFor(context.activity, channelId),
    });
  } catch (err) {
    const message = peopleMessage(err);
    if (message === null) throw err;
    await context.sendActivity(
      err instanceof ApiError && err.status === 403 ? 'Only Deskmate admins can choose the triage channel.' : message,
    );
    return;
  }
  await context.sendActivity(
    'This is now the triage channel: each new ticket gets a card here, with Claim, Resolve and Priority for agents.',
  );
}
