import { ticketPriorities, wizard, type TTicket } from '@deskmate/shared';
import { actionData, inputIds } from './actions.js';
import { card, clip, fact, heading, openUrl, plain, submit, text, when, type TCard, type TJson } from './card.js';
import { ticketUrl, type TLinks } from './links.js';
import { agentStatusLabels } from './labels.js';

const closedStatuses: readonly TTicket['status'][] = ['resolved', 'closed'];

/**
 * A ticket's card in the triage channel: what it is, who has it, how urgent — and Claim / Resolve /
 * Priority while it is open. The same card is posted for a new ticket and updated in place on
 * every change, from the delivery job and right after a click.
 */
export function renderTriageCard(ticket: TTicket, links: TLinks): TCard {
  const body: TJson[] = [
    heading(`${ticket.key}: ${clip(ticket.title, 200)}`),
    fact('Status', agentStatusLabels[ticket.status]),
    fact('Priority', wizard.priorityLabels[ticket.priority]),
    ...(ticket.category ? [fact('Category', wizard.categoryLabels[ticket.category])] : []),
    fact('Requester', ticket.requester.name),
    fact('Assignee', ticket.assignee?.name ?? 'Nobody yet'),
    ...(ticket.group ? [fact('Group', ticket.group.name)] : []),
  ];
  if (!closedStatuses.includes(ticket.status)) {
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
  const open = openUrl('Open', ticketUrl(links, ticket.key, true));
  if (closedStatuses.includes(ticket.status)) return card(body, [open]);
  const actions: TJson[] = [];
  if (!ticket.assignee)
    actions.push(submit('Claim', actionData.triage('claim', ticket.key), { style: 'positive', inputs: false }));
  actions.push(submit('Resolve', actionData.triage('resolve', ticket.key), { inputs: false }));
  actions.push({
    type: 'Action.ShowCard',
    title: 'Priority',
    card: {
      type: 'AdaptiveCard',
      body: [
        {
          type: 'Input.ChoiceSet',
          id: inputIds.priority,
          label: 'Priority',
          style: 'compact',
          value: ticket.priority,
          choices: ticketPriorities.map((p) => ({ title: wizard.priorityLabels[p], value: p })),
        },
      ],
      actions: [submit('Set priority', actionData.triage('priority', ticket.key))],
    },
  });
  actions.push(open);
  return card(body, actions);
}
