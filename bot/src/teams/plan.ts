import type { TDeliveryFacts, TDeliveryPlan, TRecipient } from '@deskmate/shared';
import { ZTeamsIdentityData, type TConversationReference } from './api.js';
import { isAgent } from '@deskmate/shared';

/** The triage card's target: the channel an admin chose, looked up when the card is sent. */
export const TRIAGE_TARGET = 'teams-triage-channel';

/** A person's personal-chat reference, from their Teams identity. */
export function personalReference(recipient: TRecipient | null): TConversationReference | null {
  for (const identity of recipient?.identities ?? []) {
    if (identity.provider !== 'teams') continue;
    const data = ZTeamsIdentityData.safeParse(identity.data);
    if (data.success && data.data.conversationReference) return data.data.conversationReference;
  }
  return null;
}

/**
 * What Teams sends for a delivery fact (no SDK needed, so the worker plans without loading it):
 * - ticket.changed → the ticket's card in the triage channel (ref key: its triage card);
 * - ticket.event (a public reply, a status change) → a message in that card's thread;
 * - notification.deliver → a card in the recipient's personal chat, when they have one with the
 *   bot (no threads in Teams personal chats, so no ref key: each notification is a new message).
 */
export function planTeamsDeliveries(facts: TDeliveryFacts): TDeliveryPlan[] {
  // No triage channel chosen: no card to post, no thread to mirror into.
  const triage = facts.teamsTriageChosen !== false;
  if (facts.kind === 'ticket.changed' && facts.ticket && triage) {
    return [
      { kind: 'triage.card', target: TRIAGE_TARGET, refKey: { purpose: 'triage_card', ticketId: facts.ticket.id } },
    ];
  }
  if (facts.kind === 'ticket.event' && facts.ticket && triage && facts.events?.some((e) => e.visibility === 'public')) {
    // Into the thread of the ticket's triage card (the same ref key: the card's message).
    return [
      { kind: 'triage.thread', target: TRIAGE_TARGET, refKey: { purpose: 'triage_card', ticketId: facts.ticket.id } },
    ];
  }
  if (facts.kind === 'notification.deliver' && facts.notification) {
    // Internal content is never planned for a requester, whatever the notification says.
    const role = facts.recipient?.user.role;
    if (facts.notification.visibility !== 'public' && !(role && isAgent(role))) return [];
    // People who asked for email or the digest only get no notification messages in chat.
    const reference = facts.recipient?.wantsChat ? personalReference(facts.recipient) : null;
    if (reference) return [{ kind: 'dm.notification', target: reference.conversation.id, refKey: null }];
  }
  return [];
}
