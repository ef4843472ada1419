import type { types } from '@slack/bolt';
import { wizard, type TTicket, type TTicketPriority, type TTicketStatus } from '@deskmate/shared';
import { ids, ticketUrl, type Links } from './ids.js';
import { actions, button, context, cut, esc, fields, link, message, section, type SlackMessage } from './limits.js';

export const statusLabels: Readonly<Record<TTicketStatus, string>> = {
  new: 'New',
  open: 'Open',
  pending: 'Waiting on requester',
  on_hold: 'On hold',
  resolved: 'Resolved',
  closed: 'Closed',
};

const priorityEmoji: Readonly<Record<TTicketPriority, string>> = {
  low: ':white_circle:',
  medium: ':large_blue_circle:',
  high: ':large_orange_circle:',
  urgent: ':red_circle:',
};

export const priorityText = (p: TTicketPriority) => `${priorityEmoji[p]} ${wizard.priorityLabels[p]}`;

/** A time Slack shows in each reader's own time zone (with the ISO time as the fallback). */
export function slackDate(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  if (!Number.isFinite(seconds)) return esc(iso);
  return `<!date^${seconds}^{date_short_pretty} at {time}|${iso}>`;
}

const done = (t: TTicket) => t.status === 'resolved' || t.status === 'closed';

function slaText(t: TTicket): string {
  if (done(t)) return '—';
  if (!t.firstRespondedAt && t.sla.firstResponseDueAt) {
    return `First response ${slackDate(t.sla.firstResponseDueAt)}${t.sla.firstResponseBreached ? ' :rotating_light: breached' : ''}`;
  }
  if (t.sla.resolutionDueAt) {
    return `Resolution ${slackDate(t.sla.resolutionDueAt)}${t.sla.resolutionBreached ? ' :rotating_light: breached' : ''}`;
  }
  return t.sla.paused ? 'Paused' : '—';
}

/**
 * The triage card: key, title, requester, priority, SLA due time, and Claim / Assign / Priority /
 * Resolve. Posted once per ticket and updated in place; its thread takes internal notes.
 */
export function triageCard(t: TTicket, links: Links): SlackMessage {
  const url = ticketUrl(links, t.key, true);
  const blocks: types.KnownBlock[] = [
    section(`*${link(url, `${t.key} · ${t.title}`)}*`),
    fields([
      ['Requester', esc(t.requester.name)],
      ['Priority', priorityText(t.priority)],
      ['Status', esc(statusLabels[t.status])],
      ['Assignee', t.assignee ? esc(t.assignee.name) : '_Unassigned_'],
      ['SLA due', slaText(t)],
      ['Category', t.category ? esc(wizard.categoryLabels[t.category]) : '—'],
    ]),
  ];
  if (t.description) blocks.push(section(esc(cut(t.description, 600)), url));
  if (!done(t)) {
    // Claim acts at once; the others open a form (a modal) for what they need to know.
    const elements: types.ActionsBlockElement[] = [];
    if (!t.assignee) elements.push(button(ids.triageClaim, 'Claim', t.key, 'primary'));
    elements.push(button(ids.triageAssign, 'Assign…', t.key));
    elements.push(button(ids.triagePriority, 'Priority…', t.key));
    elements.push(button(ids.triageResolve, 'Resolve…', t.key));
    elements.push(button(ids.triageReply, 'Reply to requester', t.key));
    blocks.push(...actions(elements, ids.triageBlock(t.key)));
  }
  blocks.push(
    context(
      ':lock: Messages in this thread are internal notes: the requester never sees them. To answer the requester, use *Reply to requester*.',
    ),
  );
  return message(`${t.key}: ${t.title} (${wizard.priorityLabels[t.priority]}, ${statusLabels[t.status]})`, blocks, url);
}

/** The first line of a person's DM thread for one ticket. */
export function ticketTitleLine(t: TTicket, links: Links, agent: boolean): string {
  return `:ticket: *${link(ticketUrl(links, t.key, agent), `${t.key} · ${t.title}`)}*`;
}
