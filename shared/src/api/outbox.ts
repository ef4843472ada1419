import { z } from 'zod';
import { ticketPriorities } from '../domain.js';
import { notificationTypes } from './tickets.js';

/**
 * The outbox contract: every kind of outgoing work and the payload it carries, one zod schema per
 * kind (like the job definitions). It lives in shared/ because the channels see it: an outbox
 * row's kind and payload reach the Slack, Teams and email senders as `TDeliveryFacts`. The API
 * writes rows only through its typed writer (api/src/delivery/outbox.ts), which checks the
 * payload against `.strict()` of these schemas; readers parse with the schemas as they are
 * (unknown keys dropped), so a row written by a newer version still reads.
 */
const ZId = z.uuid();
const ZInstant = z.string();

const ZSlaAction = z.object({
  ticketId: ZId,
  key: z.string(),
  kind: z.enum(['first_response_warning', 'first_response_breach', 'resolution_warning', 'resolution_breach']),
  level: z.number().int(),
  dueAt: ZInstant.nullable(),
  /** The priority the breach raised the ticket from and to, when it did. */
  priority: z.object({ from: z.enum(ticketPriorities), to: z.enum(ticketPriorities) }).nullable(),
  assigneeId: ZId.nullable(),
  groupId: ZId.nullable(),
  /** Post to the triage channel too (the policy's escalation settings). */
  triage: z.boolean(),
});

export const outboxPayloads = {
  /** One version of a ticket, for the chat cards that show it; `action` is the audit action. */
  'ticket.changed': z.object({ ticketId: ZId, key: z.string(), action: z.string() }),
  /** What one transaction added to a ticket's public conversation, in order (chat threads mirror it). */
  'ticket.event': z.object({ ticketId: ZId, eventIds: z.array(ZId) }),
  /** One in-app notification, for the person's chat DM and email. */
  'notification.deliver': z.object({
    notificationId: ZId,
    userId: ZId,
    type: z.enum(notificationTypes),
    ticketKey: z.string().nullable(),
    visibility: z.enum(['public', 'internal']),
  }),
  'sla.warning': ZSlaAction,
  'sla.escalation': ZSlaAction,
  /** The assignee is told a running clock is due soon. */
  'sla.reminder': z.object({
    ticketId: ZId,
    key: z.string(),
    kind: z.enum(['first_response_reminder', 'resolution_reminder']),
    dueAt: ZInstant,
    userId: ZId,
  }),
  /** The requester is reminded that a pending ticket waits for their reply. */
  'ticket.pending_reminder': z.object({ ticketId: ZId, key: z.string(), userId: ZId }),
  /** One person's weekly numbers (agents: their tickets; admins: the desk's). */
  'digest.weekly': z.object({
    userId: ZId,
    scope: z.enum(['agent', 'desk']),
    from: ZInstant,
    to: ZInstant,
    opened: z.number().int(),
    resolved: z.number().int(),
    breached: z.number().int(),
    atRisk: z.number().int(),
    csat: z.object({ count: z.number().int(), average: z.number().nullable() }),
  }),
  /** The day's notification digest by email: the notifications it gathers. */
  'email.digest': z.object({ userId: ZId, from: ZInstant, to: ZInstant, notificationIds: z.array(ZId) }),
  /** A mail that is not about a ticket (sign-in code, reset, invitation): a `mail_messages` row. */
  'email.direct': z.object({ mailId: ZId, to: z.string(), userId: ZId.nullable() }),
  /**
   * An email held back past the person's quiet hours: the original row's payload (read with its
   * own kind's schema, see `deferredMessage`) plus when and for whom.
   */
  'email.deferred': z
    .object({
      deferredKind: z.string(),
      userId: ZId,
      deferredUntil: ZInstant,
    })
    .catchall(z.unknown()),
} as const;

export type TOutboxKind = keyof typeof outboxPayloads;
export const outboxKinds = Object.keys(outboxPayloads) as TOutboxKind[];
export const ZOutboxKind = z.enum(outboxKinds as [TOutboxKind, ...TOutboxKind[]]);
export type TOutboxPayload<K extends TOutboxKind> = z.infer<(typeof outboxPayloads)[K]>;
/** A row's kind and payload, told apart by kind. */
export type TOutboxMessage = { [K in TOutboxKind]: { kind: K; payload: TOutboxPayload<K> } }[TOutboxKind];

export const isOutboxKind = (kind: string): kind is TOutboxKind => Object.hasOwn(outboxPayloads, kind);

/** A stored row's kind and payload, checked: throws on an unknown kind or a payload that does not fit it. */
export function parseOutboxMessage(kind: string, payload: unknown): TOutboxMessage {
  if (!isOutboxKind(kind)) throw new Error(`unknown outbox kind ${JSON.stringify(kind)}`);
  const parsed = outboxPayloads[kind].safeParse(payload);
  if (!parsed.success) throw new Error(`invalid ${kind} outbox payload: ${z.prettifyError(parsed.error)}`);
  return { kind, payload: parsed.data } as TOutboxMessage;
}

/**
 * The payload of a delivery's outbox row when it is of `kind` (null for another kind), checked
 * against that kind's schema: how a channel reads `facts.payload`.
 */
export function outboxPayload<K extends TOutboxKind>(
  facts: { kind: string; payload: unknown },
  kind: K,
): TOutboxPayload<K> | null {
  if (facts.kind !== kind) return null;
  return parseOutboxMessage(kind, facts.payload).payload as TOutboxPayload<K>;
}

/** The message an `email.deferred` row holds back (null when it names no other valid kind). */
export function deferredMessage(payload: TOutboxPayload<'email.deferred'>): TOutboxMessage | null {
  const { deferredKind, deferredUntil: _until, ...original } = payload;
  if (deferredKind === 'email.deferred' || !isOutboxKind(deferredKind)) return null;
  const parsed = outboxPayloads[deferredKind].safeParse(original);
  return parsed.success ? ({ kind: deferredKind, payload: parsed.data } as TOutboxMessage) : null;
}
