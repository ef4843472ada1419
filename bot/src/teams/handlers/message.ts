import { ApiError, helpRequest, refusedRole } from '@deskmate/shared';
import { TurnContext } from 'botbuilder';
import { sharedLine, type TFileOutcome } from '../../files.js';
import { fetchableFiles, teamsFileRefs, type TTeamsFileRef } from '../files.js';
import { PICK_MAX_TICKETS, renderFilesCard, renderPickCard } from '../render/index.js';
import {
  channelConversationId,
  channelData,
  isPersonal,
  mentionsBot,
  referenceFor,
  threadRoot,
} from '../references.js';
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

/** Tell the person what became of the files they shared (when they shared any). */
export async function tellFiles(context: TurnContext, outcomes: readonly TFileOutcome[]): Promise<void> {
  if (outcomes.length) await context.sendActivity(cardMessage(renderFilesCard(outcomes)));
}

/**
 * A typed message (with the files shared with it): the wizard in a personal chat (or, outside a
 * request in progress, `help <words>` to search the help articles), commands and notes in a
 * channel. Files go where the message goes: with the wizard's conversation (the ticket it files),
 * or with the reply the "which ticket?" card adds.
 */
export async function onMessage(deps: TeamsDeps, context: TurnContext): Promise<void> {
  const text = typedText(context);
  const { files, unreadable } = teamsFileRefs(context.activity);
  if (!isPersonal(context.activity)) return onChannelMessage(deps, context, text, files, unreadable);
  if (!text && !files.length) {
    await context.sendActivity('I can only read text and files: describe the problem in words.');
    return;
  }
  const person = await deps.identities.resolve(context);
  const conversation = context.activity.conversation.id;
  const current = await person.as.currentSession(conversation);
  // A request in progress: this message is its next answer (its files are kept for its ticket first).
  if (current && !current.finished) {
    await tellFiles(context, await person.as.attachToSession(current.id, await fetchableFiles(context, files)));
    const session = text ? (await person.as.input(current.id, { type: 'text', text })).session : current;
    await showPrompt(deps, context, person, session, { previous: current });
    return;
  }
  // With files shared, the message is a request (a help search would leave them behind).
  const words = files.length ? null : helpRequest(text);
  if (words !== null) {
    await onHelpRequest(deps, context, person, words);
    return;
  }
  // Teams has no threads in a personal chat: with tickets open, ask where this message belongs.
  const open = await person.as.openTickets(PICK_MAX_TICKETS + 1);
  if (open.length) {
    await context.sendActivity(cardMessage(renderPickCard(text || sharedLine(files), open, files)));
    return;
  }
  const session = await person.as.startSession(conversation, text ? text.slice(0, START_TEXT_MAX) : undefined);
  await tellFiles(context, await person.as.attachToSession(session.id, await fetchableFiles(context, files)));
  await showPrompt(deps, context, person, session, { previous: null });
}

/**
 * In a channel: a message in the thread of a ticket's triage card is an internal note (agents
 * only; the requester never sees it); anything else matters only when it @mentions the bot (with
 * the channel-messages permission the bot hears every message of the team's channels).
 */
async function onChannelMessage(
  deps: TeamsDeps,
  context: TurnContext,
  text: string,
  files: TTeamsFileRef[],
  unreadable: string[],
): Promise<void> {
  const root = threadRoot(context.activity);
  const channelId = channelConversationId(context.activity);
  const thread = root && channelId ? await deps.api.messageRef(channelId, root) : null;
  if (thread?.purpose === 'triage_card')
    return onTriageThread(deps, context, thread.ticketKey, text, files, unreadable);
  if (!mentionsBot(context.activity)) return;
  if (!TRIAGE_COMMAND.test(text)) {
    await context.sendActivity(channelHelp);
    return;
  }
  const { team, channel } = channelData(context.activity);
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

/**
 * Visibility by construction: what agents write under a triage card becomes an internal note, and
 * the files they share there belong to it (internal too).
 */
async function onTriageThread(
  deps: TeamsDeps,
  context: TurnContext,
  key: string,
  text: string,
  files: TTeamsFileRef[],
  unreadable: string[],
): Promise<void> {
  const notRead: TFileOutcome[] = unreadable.map((name) => ({
    name,
    kept: false,
    message: `${name} was not attached: Deskmate cannot read files shared from a channel's SharePoint; paste images, or share files in the ticket's console page.`,
  }));
  if (!text && !files.length) {
    await tellFiles(context, notRead);
    return;
  }
  const person = await deps.identities.resolve(context);
  let eventId: string;
  try {
    eventId = (await person.as.note(key, text || sharedLine(files))).eventId;
  } catch (err) {
    // Notes are for agents: the API refuses anyone else, and the bot words that refusal.
    if (refusedRole(err) === 'agent') {
      await context.sendActivity(`Only IT agents can add notes to ${key}; your message was not added to the ticket.`);
      return;
    }
    const message = peopleMessage(err);
    if (message === null) throw err;
    await context.sendActivity(message);
    return;
  }
  await context.sendActivity(`Added to ${key} as an internal note (the requester does not see it).`);
  const outcomes = await person.as.attachToEvent(key, eventId, await fetchableFiles(context, files));
  await tellFiles(context, [...outcomes, ...notRead]);
}
