import { ApiError, fromTriageCard, isAgent, refusedRole, type TTicket } from '@deskmate/shared';
import type { TurnContext } from 'botbuilder';
import type { TPerson } from '../identity.js';
import {
  adaptiveCardAnswer,
  inputIds,
  renderNoticeCard,
  renderTriageCard,
  type TCardAction,
  type TInvokeResponse,
  type TTicketViewer,
} from '../render/index.js';
import { ZPriorityField } from '../render/actions.js';
import { clickedCard, peopleMessage, replaceCard, type TeamsDeps } from './deps.js';

type TTriageAction = Extract<TCardAction, { dm: 'triage' }>;

/** What a person reads when the API refuses them a triage card's action (it is agents' work). */
export const notAnAgent = (name: string) => `Only agents can work tickets from the triage channel, ${name}.`;

/**
 * One triage action, through the API as the person who clicked, saying it comes from the triage
 * card: the API decides what they may do there (agents only; Claim is agents' anywhere). A form
 * whose field is missing or wrong does nothing (null); the API's refusals throw.
 */
async function perform(
  person: TPerson,
  action: TTriageAction,
  fields: Record<string, string>,
): Promise<TTicket | null> {
  const api = person.as;
  switch (action.op) {
    case 'claim':
      return api.claim(action.ticket);
    case 'resolve':
      return api.update(action.ticket, { status: 'resolved' }, fromTriageCard);
    case 'priority': {
      const priority = ZPriorityField.safeParse(fields[inputIds.priority]);
      return priority.success ? api.update(action.ticket, { priority: priority.data }, fromTriageCard) : null;
    }
    case 'assign': {
      const assignee = fields[inputIds.assignee]?.trim();
      return assignee ? api.update(action.ticket, { assigneeId: assignee }, fromTriageCard) : null;
    }
    case 'reply': {
      const body = fields[inputIds.triageReply]?.trim();
      return body ? api.reply(action.ticket, body, fromTriageCard) : null;
    }
  }
}

/** The card as everyone sees it (what the delivery runner posts), with its audience from the API. */
async function baseCard(deps: TeamsDeps, ticket: TTicket) {
  return renderTriageCard(ticket, deps.links(), { audience: await deps.api.ticketAudience(ticket.key) });
}

/**
 * Claim / Resolve / Assign / Priority / Reply from a Teams client without Universal Actions
 * (Action.Submit): the card shows the result at once, for everyone; the API's refusal (agents
 * only) is told in a message.
 */
export async function onTriageSubmit(
  deps: TeamsDeps,
  context: TurnContext,
  person: TPerson,
  action: TTriageAction,
  fields: Record<string, string>,
): Promise<void> {
  const card = clickedCard(context);
  try {
    const ticket = await perform(person, action, fields);
    if (ticket && card) await replaceCard(context, card, await baseCard(deps, ticket));
  } catch (err) {
    if (refusedRole(err) === 'agent') {
      await context.sendActivity(notAnAgent(person.user.name));
      return;
    }
    const message = peopleMessage(err);
    if (message === null) throw err;
    await context.sendActivity(message);
    // Show the ticket as it is now (someone else claimed it first, say).
    const current = await person.as.ticket(action.ticket).catch(() => null);
    if (card) await replaceCard(context, card, current ? await baseCard(deps, current) : renderNoticeCard(message));
  }
}

/**
 * This person's view of a ticket card: an agent's, the requester's, or null (not theirs to see).
 * Rendering, not authorisation: the role picks which buttons to draw; the API decides each action.
 */
async function viewFor(deps: TeamsDeps, person: TPerson, ticket: TTicket, notice?: string) {
  const viewer: TTicketViewer | null = isAgent(person.user.role)
    ? { kind: 'agent', userId: person.user.id }
    : ticket.requester.id === person.user.id
      ? { kind: 'requester' }
      : null;
  if (!viewer) return null;
  const audience = await deps.api.ticketAudience(ticket.key);
  return renderTriageCard(ticket, deps.links(), { audience, viewer, notice });
}

const notYours = (key: string) => `${key} is not a ticket you can see.`;

/** The `refresh` of a ticket card: the viewer's own view, or a word that there is none for them. */
export async function onViewRefresh(deps: TeamsDeps, person: TPerson, key: string): Promise<TInvokeResponse> {
  const ticket = await person.as.ticket(key).catch((err: unknown) => {
    if (err instanceof ApiError && (err.status === 404 || err.status === 403)) return null;
    throw err;
  });
  const card = ticket && (await viewFor(deps, person, ticket));
  return card ? adaptiveCardAnswer.card(card) : adaptiveCardAnswer.message(notYours(key));
}

/**
 * A triage button with Universal Actions (Action.Execute): the answer is the agent's own view of
 * the ticket after the action, shown to them at once; everyone else's card follows from the
 * delivery runner, which updates the posted card (and Teams refreshes each viewer's own view). A
 * refusal from the API is shown on top of the ticket as it is now; one by role (a non-agent) is
 * told to them alone, in place of their view.
 */
export async function onTriageExecute(
  deps: TeamsDeps,
  person: TPerson,
  action: TTriageAction,
  fields: Record<string, string>,
  options: { repeated: boolean },
): Promise<TInvokeResponse> {
  let ticket: TTicket | null;
  let notice: string | undefined;
  try {
    // A redelivered click shows where the ticket is without doing it twice.
    ticket = options.repeated ? null : await perform(person, action, fields);
  } catch (err) {
    if (refusedRole(err) === 'agent') return adaptiveCardAnswer.message(notAnAgent(person.user.name));
    const message = peopleMessage(err);
    if (message === null) throw err;
    notice = message;
    ticket = null;
  }
  if (!ticket) {
    const current = await person.as.ticket(action.ticket).catch(() => null);
    if (!current) return adaptiveCardAnswer.message(notice ?? notYours(action.ticket));
    ticket = current;
  }
  const card = await viewFor(deps, person, ticket, notice);
  return card ? adaptiveCardAnswer.card(card) : adaptiveCardAnswer.message(notYours(action.ticket));
}
