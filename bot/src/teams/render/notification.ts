import type { TDeliveryFacts, TTicket } from '@deskmate/shared';
import { actionData, inputIds } from './actions.js';
import { buttonRows, card, clip, fact, heading, openUrl, plain, submit, text, type TCard, type TJson } from './card.js';
import { ticketUrl, type TLinks } from './links.js';
import { agentStatusLabels, statusLabels } from './labels.js';

export const csatRatings = [1, 2, 3, 4, 5] as const;
const ratingTitles: Record<(typeof csatRatings)[number], string> = { 1: '1 😞', 2: '2', 3: '3', 4: '4', 5: '5 😀' };

/** Whether this person is the ticket's requester (they see requester wording and may rate). */
const isTicketRequester = (facts: TDeliveryFacts, ticket: TTicket | null) =>
  Boolean(ticket && facts.recipient && facts.recipient.user.id === ticket.requester.id);

/**
 * A notification in someone's personal chat: what happened (a reply shown in full, a status
 * change, an escalation), the ticket's status, and what they can do about it from the card —
 * rate a resolved ticket, or answer. Facts never carry internal content for a requester.
 */
export function renderNotificationCard(facts: TDeliveryFacts, links: TLinks): TCard | null {
  const n = facts.notification;
  if (!n) return null;
  const ticket = facts.ticket;
  const requester = isTicketRequester(facts, ticket);
  const body: TJson[] = [heading(n.title)];
  if (facts.event) {
    body.push(text(`${facts.event.author?.name ?? 'The help desk'} wrote:`, { isSubtle: true, size: 'Small' }));
    body.push(plain(clip(facts.event.body, 4000)));
  } else if (n.body) {
    body.push(plain(clip(n.body, 4000)));
  }
  if (ticket) {
    body.push(fact(ticket.key, `${ticket.title} (${(requester ? statusLabels : agentStatusLabels)[ticket.status]})`));
  }
  const actions: TJson[] = [];
  if (ticket && requester && ticket.status === 'resolved' && !ticket.csat) {
    body.push(text('How did we do? Rate this ticket:', { weight: 'Bolder' }));
    body.push(
      ...buttonRows(
        csatRatings.map((r) => submit(ratingTitles[r], actionData.csat(ticket.key, r), { inputs: false })),
        5,
      ),
    );
  }
  if (ticket && requester && ticket.status !== 'closed') {
    actions.push(replyAction(ticket.key));
  }
  if (ticket) actions.push(openUrl('Open', ticketUrl(links, ticket.key, !requester)));
  return card(body, actions);
}

function replyAction(key: string): TJson {
  return {
    type: 'Action.ShowCard',
    title: 'Reply',
    card: {
      type: 'AdaptiveCard',
      body: [
        {
          type: 'Input.Text',
          id: inputIds.reply,
          label: 'Your reply',
          isMultiline: true,
          placeholder: `Your reply to ${key}`,
          maxLength: 20_000,
          isRequired: true,
          errorMessage: 'Type a reply first',
        },
      ],
      actions: [submit('Send', actionData.reply(key), { style: 'positive' })],
    },
  };
}

/** After a rating: the card keeps the ticket line and says thanks, without buttons. */
export function renderRatedCard(key: string, rating: number): TCard {
  return card([text(`Thanks for rating ${key}: ${'★'.repeat(rating)}${'☆'.repeat(5 - rating)}`, { weight: 'Bolder' })]);
}
