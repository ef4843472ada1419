import { ticketPriorities, wizard, type TTeamsTicketAudience, type TTicket } from '@deskmate/shared';
import { actionData, inputIds, type TTriageOp } from './actions.js';
import {
  buttonRows,
  card,
  clip,
  execute,
  fact,
  heading,
  openUrl,
  plain,
  refresh,
  text,
  when,
  type TCard,
  type TJson,
} from './card.js';
import { ticketUrl, type TLinks } from './links.js';
import { agentStatusLabels, statusLabels } from './labels.js';

const closedStatuses: readonly TTicket['status'][] = ['resolved', 'closed'];

/** Whose view of a ticket card this is. Absent: the card as posted, which everyone sees first. */
export type TTicketViewer = { kind: 'agent'; userId: string } | { kind: 'requester' };

export interface TTriageCardOptions {
  /** Who gets their own view when the card is shown, and whom Assign offers (from the API). */
  audience?: TTeamsTicketAudience | undefined;
  viewer?: TTicketViewer | undefined;
  /** A line for the person who acted, above the ticket (an action that was refused). */
  notice?: string | undefined;
}

/** A triage button: Action.Execute (a new card comes back), Action.Submit on older clients. */
const triageButton = (title: string, op: TTriageOp, key: string, options: Parameters<typeof execute>[3] = {}) =>
  execute(title, `triage.${op}`, actionData.triage(op, key), options);

/** A form under a button (Action.ShowCard): its fields and the one button that sends them. */
const form = (title: string, body: TJson[], send: TJson): TJson => ({
  type: 'Action.ShowCard',
  title,
  card: { type: 'AdaptiveCard', body, actions: [send] },
});

/**
 * A ticket's card in the triage channel: what it is, who has it, how urgent, and — while it is
 * open — Claim / Resolve / Assign / Priority / Reply to requester. Posted once per ticket and
 * updated in place on every change (by the delivery runner), it names the people (`refresh.userIds`)
 * whose Teams shows them their own view, asked of the bot when the card is displayed: an agent's
 * (the actions, "you" as assignee), the requester's (the ticket, no agent actions). Everyone else,
 * and Teams clients without Universal Actions, see the card as posted, whose buttons fall back to
 * Action.Submit; the bot refuses them to anyone who is not an agent.
 */
export function renderTriageCard(ticket: TTicket, links: TLinks, options: TTriageCardOptions = {}): TCard {
  const { viewer, audience } = options;
  const requester = viewer?.kind === 'requester';
  const mine = viewer?.kind === 'agent' && ticket.assignee?.id === viewer.userId;
  const open = !closedStatuses.includes(ticket.status);
  const body: TJson[] = [];
  if (options.notice) body.push(plain(options.notice, { color: 'Attention', weight: 'Bolder' }));
  body.push(
    heading(`${ticket.key}: ${clip(ticket.title, 200)}`),
    fact('Status', (requester ? statusLabels : agentStatusLabels)[ticket.status]),
    fact('Priority', wizard.priorityLabels[ticket.priority]),
    ...(ticket.category ? [fact('Category', wizard.categoryLabels[ticket.category])] : []),
    fact('Requester', ticket.requester.name),
    fact('Assignee', mine ? `You (${ticket.assignee!.name})` : (ticket.assignee?.name ?? 'Nobody yet')),
    ...(ticket.group ? [fact('Group', ticket.group.name)] : []),
  );
  if (open && !requester) {
    const sla = ticket.firstRespondedAt ? ticket.sla.resolutionDueAt : ticket.sla.firstResponseDueAt;
    const what = ticket.firstRespondedAt ? 'Resolution' : 'First response';
    const breached = ticket.firstRespondedAt ? ticket.sla.resolutionBreached : ticket.sla.firstResponseBreached;
    if (sla) {
      body.push(
        text(`${what} ${breached ? 'was due' : 'due'} ${when(sla)}`, {
          isSubtle: !breached,
          ...(breached ? { color: 'Attention' } : {}),
          size: 'Small',
        }),
      );
    }
  }
  body.push(plain(clip(ticket.description, 600), { isSubtle: true }));
  const openLink = openUrl('Open', ticketUrl(links, ticket.key, !requester));
  const refreshing = open && audience?.userIds.length ? { refresh: refreshFor(ticket, audience) } : {};
  if (requester) {
    body.push(
      text('This is your ticket: replies and updates come to your chat with Deskmate.', {
        isSubtle: true,
        size: 'Small',
      }),
    );
    return { ...card(body, [openLink]), ...refreshing };
  }
  if (!open) return card(body, [openLink]);
  const actions: TJson[] = [];
  if (!ticket.assignee) actions.push(triageButton('Claim', 'claim', ticket.key, { style: 'positive', inputs: false }));
  actions.push(triageButton('Resolve', 'resolve', ticket.key, { inputs: false }));
  const agents = audience?.agents ?? [];
  if (agents.length) {
    actions.push(
      form(
        'Assign',
        [
          {
            type: 'Input.ChoiceSet',
            id: inputIds.assignee,
            label: ticket.group ? `Assign to an agent of ${ticket.group.name}` : 'Assign to',
            style: 'compact',
            isRequired: true,
            errorMessage: 'Pick an agent',
            ...(ticket.assignee ? { value: ticket.assignee.id } : {}),
            choices: agents.map((a) => ({ title: clip(a.away ? `${a.name} (away)` : a.name, 80), value: a.id })),
          },
        ],
        triageButton('Assign', 'assign', ticket.key),
      ),
    );
  }
  actions.push(
    form(
      'Priority',
      [
        {
          type: 'Input.ChoiceSet',
          id: inputIds.priority,
          label: 'Priority',
          style: 'compact',
          value: ticket.priority,
          choices: ticketPriorities.map((p) => ({ title: wizard.priorityLabels[p], value: p })),
        },
      ],
      triageButton('Set priority', 'priority', ticket.key),
    ),
  );
  actions.push(
    form(
      'Reply to requester',
      [
        {
          type: 'Input.Text',
          id: inputIds.triageReply,
          label: `Public reply: ${clip(ticket.requester.name, 80)} gets it`,
          isMultiline: true,
          maxLength: 20_000,
          isRequired: true,
          errorMessage: 'Type the reply first',
        },
      ],
      triageButton('Send to requester', 'reply', ticket.key, { style: 'positive' }),
    ),
  );
  actions.push(openLink);
  body.push(...buttonRows(actions));
  body.push(
    text('Messages in this card’s thread are internal notes: the requester never sees them.', {
      isSubtle: true,
      size: 'Small',
    }),
  );
  return { ...card(body), ...refreshing };
}

function refreshFor(ticket: TTicket, audience: TTeamsTicketAudience): TJson {
  return refresh('triage.view', actionData.view(ticket.key), audience.userIds);
}
