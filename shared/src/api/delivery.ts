import { z } from 'zod';
import { ZTicket, ZTimelineEvent, ZNotification } from './tickets.js';
import { ZUser } from './users.js';
import type { TChannel } from '../domain.js';

/** Where a reply or change was made, as the chat threads that mirror a ticket say it ("from email"). */
export const channelNames: Readonly<Record<TChannel, string>> = {
  web: 'the console',
  slack: 'Slack',
  teams: 'Teams',
  email: 'email',
  api: 'the API',
  system: 'Deskmate',
};

/**
 * The contract between Deskmate's delivery jobs and the channels that send (Slack, Teams, email).
 * The API side gathers the facts about an outbox row; each channel decides what it sends for them
 * (plan) and sends one delivery at a time (send). Channels never read the database: everything
 * they need arrives here, rendered fresh when the delivery runs.
 */
export const deliveryChannels = ['slack', 'teams', 'email'] as const;
export const ZDeliveryChannel = z.enum(deliveryChannels);
export type TDeliveryChannel = z.infer<typeof ZDeliveryChannel>;

export const ZChatIdentity = z.object({
  provider: z.enum(['slack', 'teams']),
  providerUserId: z.string(),
  providerTeamId: z.string().nullable(),
  /** Provider-specific data kept with the identity (a Teams conversation reference). */
  data: z.record(z.string(), z.unknown()),
});
export type TChatIdentity = z.infer<typeof ZChatIdentity>;

export const ZRecipient = z.object({
  user: ZUser,
  identities: z.array(ZChatIdentity),
  /**
   * False when the person asked for notifications by email only or in the daily digest only: chat
   * channels then send them no notification messages (their preference, PUT /api/notifications/preferences).
   */
  wantsChat: z.boolean(),
});
export type TRecipient = z.infer<typeof ZRecipient>;

/** What happened, with what a channel may show. Internal content never appears for a requester. */
export const ZDeliveryFacts = z.object({
  /** The outbox kind: ticket.changed, notification.deliver, … (one of `outboxKinds`, outbox.ts) */
  kind: z.string(),
  ticket: ZTicket.nullable(),
  notification: ZNotification.extend({ visibility: z.enum(['public', 'internal']) }).nullable(),
  /** The public timeline event the notification is about (a reply), when there is one. */
  event: ZTimelineEvent.nullable(),
  /**
   * `ticket.event`: what one change added to the ticket's public conversation (a reply, the status
   * change it caused), in order, for the chat threads that mirror it. Public events only.
   */
  events: z.array(ZTimelineEvent).optional(),
  recipient: ZRecipient.nullable(),
  /**
   * The outbox payload as written, for kinds that carry their own data (escalations, digests).
   * Read it with `outboxPayload(facts, kind)`, which checks it against that kind's schema.
   */
  payload: z.record(z.string(), z.unknown()),
  /**
   * Whether an admin has chosen a Teams triage channel (Slack's is configuration), as the relay
   * found it when planning: no Teams triage card or thread is planned without one, so a desk that
   * does not use Teams triage runs no job per ticket change for it. Absent (facts read again at
   * send time): not known.
   */
  teamsTriageChosen: z.boolean().optional(),
});
export type TDeliveryFacts = z.infer<typeof ZDeliveryFacts>;

/**
 * What a sent message is for, and so which one it is: a ticket's triage card (one per ticket and
 * channel, updated in place; its thread is where agents talk), a person's DM thread of a ticket
 * (Slack), a person's email thread of a ticket. Stored with the message's handle in
 * `message_refs`, one row per key and channel.
 */
export const messageRefPurposes = ['triage_card', 'dm_thread', 'email_thread'] as const;
export const ZMessageRefPurpose = z.enum(messageRefPurposes);
export type TMessageRefPurpose = z.infer<typeof ZMessageRefPurpose>;

export const ZMessageRefKey = z.discriminatedUnion('purpose', [
  z.object({ purpose: z.literal('triage_card'), ticketId: z.uuid() }).strict(),
  z.object({ purpose: z.literal('dm_thread'), ticketId: z.uuid(), userId: z.uuid() }).strict(),
  z.object({ purpose: z.literal('email_thread'), ticketId: z.uuid(), userId: z.uuid() }).strict(),
]);
export type TMessageRefKey = z.infer<typeof ZMessageRefKey>;

/**
 * What a message written in the thread of a stored message becomes: in a triage card's thread an
 * internal note (agents only), in a person's DM thread a public reply. Email threads have none:
 * each mail carries its own scope (its signed reply address).
 */
export const messageRefVisibility = {
  triage_card: 'internal',
  dm_thread: 'public',
  email_thread: null,
} as const satisfies Record<TMessageRefPurpose, 'public' | 'internal' | null>;

/** One message to send, as a channel plans it. */
export const ZDeliveryPlan = z.object({
  /** What the channel sends: triage.card, dm.notification, email.notification, … */
  kind: z.string().min(1).max(100),
  /** Where: a Slack channel or user id, a Teams conversation id, an email address. */
  target: z.string().min(1).max(500),
  /**
   * Messages with the same ref key on one channel are one message, updated in place or threaded
   * under (a triage card per ticket, a DM thread per ticket and person); deliveries with one ref
   * key never run at the same time. Null: a message of its own.
   */
  refKey: ZMessageRefKey.nullable(),
});
export type TDeliveryPlan = z.infer<typeof ZDeliveryPlan>;

/**
 * A sent message's handle, kept per ref key. `conversation` (Slack channel id, Teams conversation
 * id, email thread root) and `message` (Slack ts, Teams activity id, email Message-ID) are
 * required so that a reply in the message's thread can be traced back to its ticket
 * (GET /api/integrations/message-refs); anything else a channel needs (a Teams service URL, an
 * email References chain) may ride along.
 */
export const ZMessageRef = z.object({ conversation: z.string(), message: z.string() }).catchall(z.unknown());
export type TMessageRef = z.infer<typeof ZMessageRef>;

/** GET /api/integrations/message-refs: which chat message Deskmate sent is this? */
export const ZMessageRefLookupQuery = z
  .object({
    channel: z.enum(['slack', 'teams']),
    conversation: z.string().min(1).max(300),
    message: z.string().min(1).max(300),
  })
  .strict();
export type TMessageRefLookupQuery = z.infer<typeof ZMessageRefLookupQuery>;

/** The ticket a chat message belongs to, and what a message in its thread becomes. */
export const ZMessageRefTicket = z.discriminatedUnion('purpose', [
  z.object({
    purpose: z.literal('triage_card'),
    visibility: z.literal(messageRefVisibility.triage_card),
    ticketKey: z.string(),
  }),
  z.object({
    purpose: z.literal('dm_thread'),
    visibility: z.literal(messageRefVisibility.dm_thread),
    ticketKey: z.string(),
    userId: z.uuid(),
  }),
]);
export type TMessageRefTicket = z.infer<typeof ZMessageRefTicket>;

export interface TDeliveryEnvelope {
  id: string;
  plan: TDeliveryPlan;
  facts: TDeliveryFacts;
  /** The message this one updates or threads under, from an earlier delivery with the same ref key. */
  ref: TMessageRef | null;
  attempt: number;
}

export interface TDeliveryResult {
  /** Store this as the message for the plan's ref key. */
  ref?: TMessageRef;
  /**
   * The channel chose not to send (an email address paused after a bounce): the delivery is
   * recorded as skipped with this reason, not as sent.
   */
  skipped?: string;
}

/** A channel that can send: Slack and Teams (bot/), email (api/). */
export interface TDeliverySender {
  channel: TDeliveryChannel;
  plan(facts: TDeliveryFacts): TDeliveryPlan[];
  send(envelope: TDeliveryEnvelope): Promise<TDeliveryResult>;
}

/** Throw from `send` when the service said "slow down": the job retries after this many ms. */
export class RetryAfterError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'RetryAfterError';
  }
}

/** Throw from `send` when retrying cannot help (a deleted channel, an invalid address). */
export class PermanentDeliveryError extends Error {
  override name = 'PermanentDeliveryError';
}
