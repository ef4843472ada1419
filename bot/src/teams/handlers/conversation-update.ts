import type { TurnContext } from 'botbuilder';
import { channelData, isPersonal, referenceFor } from '../references.js';
import { channelHelp } from './message.js';
import type { TeamsDeps } from './deps.js';
import { showPrompt } from './wizard.js';

export const greeting =
  "Hi, I'm Deskmate, your IT help desk. Tell me what's wrong and I'll find an answer or open a ticket.";

/**
 * The bot joined or left a conversation. Added to a team: remember the team (its conversation
 * reference) and say how to choose the triage channel. Removed, or the team deleted: forget it.
 * Installed for a person: greet them with the wizard's first question.
 */
export async function onConversationUpdate(deps: TeamsDeps, context: TurnContext): Promise<void> {
  const activity = context.activity;
  const botId = activity.recipient.id;
  const added = activity.membersAdded?.some((m) => m.id === botId) ?? false;
  const removed = activity.membersRemoved?.some((m) => m.id === botId) ?? false;
  const { team, eventType } = channelData(activity);
  if (team) {
    if (removed || eventType === 'teamDeleted') {
      await deps.api.forgetTeam(team.id);
    } else if (added) {
      await deps.api.rememberTeam(team.id, team.name, referenceFor(activity, team.id));
      await context.sendActivity(channelHelp);
    }
    return;
  }
  if (!added || !isPersonal(activity)) return;
  const person = await deps.identities.resolve(context);
  const session = await person.as.startSession(activity.conversation.id);
  await showPrompt(deps, context, person, session, { previous: null, greeting });
}
