import { channelNames, type TDeliveryFacts, type TTicketStatus } from '@deskmate/shared';
import { card, clip, plain, type TCard, type TJson } from './card.js';
import { agentStatusLabels } from './labels.js';

/**
 * What one change added to a ticket's public conversation, as its triage card's thread shows it,
 * in one card: a public reply (who, from where, in full), a status change. Null when there is
 * nothing public: the facts of a `ticket.event` carry public events only, and nothing internal is
 * rendered here either.
 */
export function renderThreadEventCard(facts: TDeliveryFacts): TCard | null {
  const t = facts.ticket;
  if (!t) return null;
  const body: TJson[] = [];
  for (const e of facts.events ?? []) {
    if (e.visibility !== 'public') continue;
    const who = e.author?.name ?? 'Deskmate';
    if (e.kind === 'reply') {
      const role = e.author && e.author.id === t.requester.id ? ' (requester)' : '';
      body.push(
        plain(`${who}${role} replied publicly, from ${channelNames[e.channel]}:`, { weight: 'Bolder' }),
        plain(clip(e.body, 4000)),
      );
      continue;
    }
    const change = e.data as { type?: unknown; from?: unknown; to?: unknown };
    if (e.kind === 'system' && change.type === 'status_changed') {
      const label = (s: unknown) =>
        typeof s === 'string' && s in agentStatusLabels ? agentStatusLabels[s as TTicketStatus] : '?';
      body.push(plain(`${label(change.from)} → ${label(change.to)}, by ${who}`, { isSubtle: true }));
    }
  }
  return body.length ? card(body) : null;
}
