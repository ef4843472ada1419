import type { types } from '@slack/bolt';
import type { TTicket } from '@deskmate/shared';
import { ids, ticketUrl, type Links } from './ids.js';
import { actions, blockLimits, button, clampBlocks, context, cut, esc, link, plain, section } from './limits.js';
import { priorityText, statusLabels } from './ticket.js';

export interface HomeData {
  name: string;
  agent: boolean;
  open: TTicket[];
  recent: TTicket[];
  /** Agents: tickets assigned to them. */
  assigned: TTicket[];
  announcements: { title: string; body: string }[];
}

function ticketLine(t: TTicket, links: Links, agent: boolean): types.SectionBlock {
  return section(
    `${link(ticketUrl(links, t.key, agent), `${t.key} · ${t.title}`)}\n${esc(statusLabels[t.status])} · ${priorityText(t.priority)}`,
  );
}

function list(title: string, tickets: TTicket[], empty: string, links: Links, agent: boolean): types.KnownBlock[] {
  return [
    { type: 'header', text: plain(title, blockLimits.header) },
    ...(tickets.length ? tickets.map((t) => ticketLine(t, links, agent)) : [context(empty)]),
  ];
}

/**
 * App Home: New ticket and Search help articles buttons, announcements, my open and recent tickets
 * (and, for agents, theirs).
 */
export function homeView(data: HomeData, links: Links): types.HomeView & { blocks: types.KnownBlock[] } {
  const blocks: types.KnownBlock[] = [
    section(
      `Hi ${esc(data.name)}! Search the help articles for an answer, or tell me what's wrong and I'll open a ticket. You can DM me any time.`,
    ),
    ...actions([
      button(ids.homeNewTicket, 'New ticket', 'new', 'primary'),
      button(ids.homeKbSearch, 'Search help articles', 'search'),
    ]),
  ];
  for (const a of data.announcements.slice(0, 3)) {
    blocks.push(section(`:mega: *${esc(a.title)}*\n${esc(cut(a.body, 1000))}`));
  }
  if (data.agent) {
    blocks.push(
      { type: 'divider' },
      ...list('Assigned to you', data.assigned, 'Nothing assigned to you.', links, true),
    );
  }
  blocks.push(
    { type: 'divider' },
    ...list('Your open tickets', data.open, 'No open tickets. :tada:', links, data.agent),
    { type: 'divider' },
    ...list('Recently resolved', data.recent, 'Nothing resolved lately.', links, data.agent),
    context(`${link(`${links.console}/portal/tickets`, 'All your tickets in Deskmate')}`),
  );
  return { type: 'home', blocks: clampBlocks(blocks, `${links.console}/portal/tickets`) };
}

/** The New ticket modal (from App Home): the description starts the wizard in the DM. */
export function newTicketModal(): types.ModalView {
  return {
    type: 'modal',
    callback_id: ids.newTicketModal,
    title: plain('New ticket', 24),
    submit: plain('Continue', 24),
    close: plain('Cancel', 24),
    blocks: [
      {
        type: 'input',
        block_id: ids.newTicketInput.block,
        label: plain("What's going wrong?", 2000),
        element: {
          type: 'plain_text_input',
          action_id: ids.newTicketInput.action,
          multiline: true,
          max_length: 3000,
          placeholder: plain("e.g. My laptop won't connect to the office Wi-Fi since this morning", 150),
        },
      },
      context('I’ll continue in our direct messages with a few quick questions.'),
    ],
  };
}
