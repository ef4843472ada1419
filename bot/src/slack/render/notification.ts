import type { types } from '@slack/bolt';
import { channelNames, type TDeliveryFacts, type TTicket, isAgent } from '@deskmate/shared';
import { ids, ticketUrl, type Links } from './ids.js';
import { actions, button, context, esc, fields, message, section, type SlackMessage } from './limits.js';
import { priorityText, slackDate, statusLabels, ticketTitleLine } from './ticket.js';

const quote = (text: string) =>
  text
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');

const csatLabels = ['1 · Poor', '2', '3', '4', '5 · Great'];

function csatBlocks(t: TTicket): types.KnownBlock[] {
  return [
    { ...section('*How did we do?* Rate the help you got:'), block_id: `csat-ask:${t.key}` },
    ...actions(
      csatLabels.map((label, i) => button(ids.csat(i + 1), label, t.key, i === 4 ? 'primary' : undefined)),
      `csat:${t.key}`,
    ),
  ];
}

/**
 * What one notification says in a DM, or null when there is nothing this reader may see.
 * Internal notifications are rendered for agents only, whatever the caller asks: the requester
 * cannot be shown internal content by construction.
 */
export function notificationBlocks(facts: TDeliveryFacts, links: Links): types.KnownBlock[] | null {
  const { ticket: t, notification: n, recipient } = facts;
  if (!t || !n || !recipient) return null;
  const agent = isAgent(recipient.user);
  if (n.visibility !== 'public' && !agent) return null;
  const url = ticketUrl(links, t.key, agent);
  const event = facts.event?.visibility === 'public' ? facts.event : null;

  if (n.type === 'reply' && event) {
    const who = event.author?.name ?? 'Someone';
    return [section(`:speech_balloon: *${esc(who)}* replied:\n${quote(esc(event.body))}`, url)];
  }
  if (n.type === 'status_changed') {
    const blocks: types.KnownBlock[] = [
      section(`:arrows_counterclockwise: ${esc(t.key)} is now *${esc(statusLabels[t.status])}*.`),
    ];
    const rateable = t.status === 'resolved' && !t.csat && recipient.user.id === t.requester.id;
    if (rateable) blocks.push(...csatBlocks(t));
    return blocks;
  }
  const body = n.body ? `\n${n.visibility === 'internal' ? ':lock: ' : ''}${quote(esc(n.body))}` : '';
  return [section(`*${esc(n.title)}*${body}`, url)];
}

/** A notification as a message: in the ticket's DM thread, or as the thread's first message. */
export function dmNotification(facts: TDeliveryFacts, links: Links, first: boolean): SlackMessage | null {
  const blocks = notificationBlocks(facts, links);
  const t = facts.ticket;
  if (!blocks || !t || !facts.recipient || !facts.notification) return null;
  const agent = isAgent(facts.recipient.user);
  const url = ticketUrl(links, t.key, agent);
  const text = facts.notification.visibility === 'public' || agent ? facts.notification.title : t.key;
  if (!first) return message(text, blocks, url);
  return message(text, [section(ticketTitleLine(t, links, agent)), ...blocks, replyHint(agent)], url);
}

/** The requester's first DM about a new ticket: it opens the ticket's thread. */
export function dmCreated(t: TTicket, links: Links, agent: boolean): SlackMessage {
  const url = ticketUrl(links, t.key, agent);
  const due = t.sla.firstResponseDueAt ? slackDate(t.sla.firstResponseDueAt) : '—';
  return message(
    `We've opened ${t.key}: ${t.title}`,
    [
      section(ticketTitleLine(t, links, agent)),
      section("We've opened your ticket. The IT team will get back to you here."),
      fields([
        ['Priority', priorityText(t.priority)],
        ['First response by', due],
      ]),
      replyHint(agent),
    ],
    url,
  );
}

function replyHint(agent: boolean): types.ContextBlock {
  return context(
    agent
      ? ':speech_balloon: Replies in this thread are public: the requester sees them. Internal notes go in the triage card’s thread.'
      : ':speech_balloon: Reply in this thread to add a message to your ticket; updates arrive here.',
  );
}

/**
 * What one change added to a ticket's public conversation, as its triage card's thread shows it,
 * in one message: a public reply (who, from where, in full), a status change. Null when there is
 * nothing public: the facts of a `ticket.event` carry public events only, and nothing internal is
 * rendered here either.
 */
export function triageThreadMessage(facts: TDeliveryFacts, links: Links): SlackMessage | null {
  const t = facts.ticket;
  if (!t) return null;
  const url = ticketUrl(links, t.key, true);
  const blocks: types.KnownBlock[] = [];
  const texts: string[] = [];
  for (const e of facts.events ?? []) {
    if (e.visibility !== 'public') continue;
    const who = e.author?.name ?? 'Deskmate';
    if (e.kind === 'reply') {
      const role = e.author && e.author.id === t.requester.id ? ' (requester)' : '';
      texts.push(`${who} replied on ${t.key}`);
      blocks.push(
        section(
          `:speech_balloon: *${esc(who)}*${role} replied publicly, from ${channelNames[e.channel]}:\n${quote(esc(e.body))}`,
          url,
        ),
      );
      continue;
    }
    const change = e.data as { type?: unknown; from?: unknown; to?: unknown };
    if (e.kind === 'system' && change.type === 'status_changed') {
      const label = (s: unknown) =>
        typeof s === 'string' && s in statusLabels ? statusLabels[s as TTicket['status']] : '?';
      texts.push(`${t.key} is now ${label(change.to)}`);
      blocks.push(
        context(`:arrows_counterclockwise: *${esc(label(change.from))}* → *${esc(label(change.to))}*, by ${esc(who)}`),
      );
    }
  }
  return blocks.length ? message(texts.join(' · '), blocks, url) : null;
}
