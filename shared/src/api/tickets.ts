import { z } from 'zod';
import {
  ticketCategories,
  ticketPriorities,
  ticketStatuses,
  ZChannel,
  ZTicketCategory,
  ZTicketEventKind,
  ZTicketKey,
  ZTicketPriority,
  ZTicketStatus,
  ZVisibility,
} from '../domain.js';
import { ZAttachmentIds, ZAttachmentRef } from './attachments.js';
import { ZUuid } from './common.js';

export const ZPersonRef = z.object({ id: z.string(), name: z.string(), email: z.string() });
export type TPersonRef = z.infer<typeof ZPersonRef>;

export const ZTicketSla = z.object({
  firstResponseDueAt: z.string().nullable(),
  resolutionDueAt: z.string().nullable(),
  /** When a running clock reaches its policy's warning percentage (null when stopped or none). */
  firstResponseWarnAt: z.string().nullable(),
  resolutionWarnAt: z.string().nullable(),
  firstResponseBreached: z.boolean(),
  resolutionBreached: z.boolean(),
  /** A running clock is past its warning time and not yet breached (the "at risk" queue). */
  atRisk: z.boolean(),
  paused: z.boolean(),
  escalationLevel: z.number().int(),
});

/** SLA states a ticket list can be filtered by (`?sla=at_risk,breached`). */
export const ticketSlaStates = ['at_risk', 'breached'] as const;

export const ZTicket = z.object({
  id: z.string(),
  key: z.string(),
  title: z.string(),
  description: z.string(),
  status: ZTicketStatus,
  priority: ZTicketPriority,
  category: ZTicketCategory.nullable(),
  channel: ZChannel,
  requester: ZPersonRef,
  assignee: ZPersonRef.nullable(),
  group: z.object({ id: z.string(), name: z.string() }).nullable(),
  watchers: z.array(ZPersonRef),
  mergedIntoKey: z.string().nullable(),
  csat: z.object({ rating: z.number().int(), comment: z.string().nullable() }).nullable(),
  sla: ZTicketSla,
  createdAt: z.string(),
  updatedAt: z.string(),
  firstRespondedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
});
export type TTicket = z.infer<typeof ZTicket>;

const title = z.string().trim().min(3, 'must be at least 3 characters').max(200, 'must be at most 200 characters');
const description = z.string().trim().max(20_000, 'must be at most 20,000 characters');

export const ZCreateTicketRequest = z
  .object({
    title,
    description: description.min(1, 'is required'),
    category: ZTicketCategory.optional(),
    priority: ZTicketPriority.optional(),
    /** Agents only: file for someone else. */
    requesterId: ZUuid.optional(),
    /** Agents only: the group to route to (default: the desk's default group). */
    groupId: ZUuid.optional(),
    /** Your uploads (POST /api/attachments), attached to the ticket itself. */
    attachmentIds: ZAttachmentIds.optional(),
  })
  .strict();

/**
 * Where a person acts on a ticket from, when it is not their own view of it: `triage`, a button on
 * the triage card in the desk's Slack or Teams channel. The API refuses non-agents there, even on
 * their own ticket (they reply to it or resolve it from their DM or the portal instead).
 */
export const ZTicketActionVia = z.enum(['triage']);
export type TTicketActionVia = z.infer<typeof ZTicketActionVia>;
/** What the bots add to each call they make for a triage card's button (a body field, or a query). */
export const fromTriageCard: { readonly via: TTicketActionVia } = { via: 'triage' };
/** Where the action was taken from (see ZTicketActionVia); absent: the person's own view. */
const via = ZTicketActionVia.optional();

export const ZUpdateTicketRequest = z
  .object({
    status: ZTicketStatus.optional(),
    priority: ZTicketPriority.optional(),
    category: ZTicketCategory.nullable().optional(),
    assigneeId: ZUuid.nullable().optional(),
    groupId: ZUuid.nullable().optional(),
    title: title.optional(),
    description: description.optional(),
    /** Why the priority changes: kept with the change on the timeline (internal, as the change is). */
    reason: z.string().trim().min(1, 'is required').max(2000, 'must be at most 2,000 characters').optional(),
    via,
  })
  .strict()
  .refine((v) => Object.keys(v).some((k) => k !== 'reason' && k !== 'via'), {
    message: 'must change at least one field',
  })
  .refine((v) => v.reason === undefined || v.priority !== undefined, {
    message: 'reason goes with a priority change',
    path: ['reason'],
  });

export const ticketSorts = ['-updatedAt', 'updatedAt', '-createdAt', 'createdAt', '-priority', 'priority'] as const;

/** `a,b,c` in a query string, each item checked against an enum. */
const csv = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .max(200)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)).min(1).max(10));

export const ZTicketListQuery = z
  .object({
    status: csv(ticketStatuses).optional(),
    priority: csv(ticketPriorities).optional(),
    category: csv(ticketCategories).optional(),
    /** me, none, or a user id. */
    assignee: z.union([z.literal('me'), z.literal('none'), ZUuid]).optional(),
    group: z.union([z.literal('mine'), ZUuid]).optional(),
    requester: z.union([z.literal('me'), ZUuid]).optional(),
    watching: z.literal('me').optional(),
    /** at_risk, breached, or both (either state): as in the ticket's `sla` block. */
    sla: csv(ticketSlaStates).optional(),
    q: z.string().trim().max(200).optional(),
    sort: z.enum(ticketSorts).default('-updatedAt'),
    limit: z
      .string()
      .regex(/^\d+$/, 'must be a number')
      .transform(Number)
      .pipe(z.number().int().min(1).max(100))
      .default(25),
    cursor: z.string().max(500).optional(),
  })
  .strict();
export type TTicketListQuery = z.infer<typeof ZTicketListQuery>;
/** The list query as a caller writes it (strings, as in an address). */
export type TTicketListQueryInput = z.input<typeof ZTicketListQuery>;

export const ZTicketList = z.object({ items: z.array(ZTicket), nextCursor: z.string().nullable() });

export const ZTicketKeyParams = z.object({ key: ZTicketKey }).strict();

export const ZTimelineEvent = z.object({
  id: z.string(),
  kind: ZTicketEventKind,
  visibility: ZVisibility,
  author: ZPersonRef.nullable(),
  body: z.string(),
  data: z.record(z.string(), z.unknown()),
  channel: ZChannel,
  createdAt: z.string(),
  /** The files that came with it (those the viewer may see: the same rule as the event). */
  attachments: z.array(ZAttachmentRef),
});
export type TTimelineEvent = z.infer<typeof ZTimelineEvent>;

export const ZTimeline = z.object({ items: z.array(ZTimelineEvent) });

/**
 * The `data` of an internal note holding a mail whose sender Deskmate could not authenticate (it
 * matched the ticket by its thread or subject only): an agent who works the ticket accepts it as
 * the sender's public reply or discards it.
 */
export const ZUnverifiedEmailData = z.object({
  type: z.literal('unverified_email'),
  state: z.enum(['pending', 'accepted', 'discarded']),
  sender: z.object({ address: z.string(), name: z.string().nullable(), userId: z.string().nullable() }),
  subject: z.string().nullable(),
  /** Why the sender is not authenticated, in a few words (the checks' results). */
  why: z.string(),
  decidedBy: z.object({ id: z.string(), name: z.string() }).nullable().optional(),
  decidedAt: z.string().nullable().optional(),
  /** The public reply an accepted mail became. */
  replyEventId: z.string().nullable().optional(),
});
export type TUnverifiedEmailData = z.infer<typeof ZUnverifiedEmailData>;

/** The event id is checked after the ticket: someone who may not see the ticket learns nothing from it. */
export const ZUnverifiedEmailParams = z.object({ key: ZTicketKey, eventId: z.string().max(100) }).strict();

export const ZUnverifiedEmailDecision = z.object({
  ticket: ZTicket,
  note: ZTimelineEvent,
  /** The public reply, when the mail was accepted. */
  reply: ZTimelineEvent.nullable(),
});

/** A reply or note: words, files (your uploads, which become as visible as it is), or both. */
const message = {
  body: z.string().trim().max(20_000, 'must be at most 20,000 characters'),
  attachmentIds: ZAttachmentIds.optional(),
};
const wordsOrFiles = (v: { body: string; attachmentIds?: string[] | undefined }, ctx: z.RefinementCtx) => {
  if (!v.body && !v.attachmentIds?.length) ctx.addIssue({ code: 'custom', path: ['body'], message: 'is required' });
};
/** A public reply; `via: 'triage'` when it is sent from the triage card (agents only there). */
export const ZReplyRequest = z
  .object({ ...message, via })
  .strict()
  .superRefine(wordsOrFiles);
export const ZNoteRequest = z.object(message).strict().superRefine(wordsOrFiles);
/** Reading one ticket; `via: 'triage'` before a triage card's form opens (agents only there). */
export const ZTicketReadQuery = z.object({ via }).strict();
export const ZMergeRequest = z.object({ intoKey: ZTicketKey }).strict();
export const ZWatcherRequest = z.object({ userId: ZUuid.optional() }).strict();
export const ZWatcherParams = z.object({ key: ZTicketKey, userId: ZUuid }).strict();
export const ZCsatRequest = z
  .object({ rating: z.number().int().min(1).max(5), comment: z.string().trim().max(2000).optional() })
  .strict();

export const ZTicketResponse = z.object({ ticket: ZTicket });
/** One ticket with the files of the ticket itself (its opening mail, the files it was opened with). */
export const ZTicketDetailResponse = ZTicketResponse.extend({ attachments: z.array(ZAttachmentRef) });
export type TTicketDetail = z.infer<typeof ZTicketDetailResponse>;
export const ZTicketEventResponse = z.object({ ticket: ZTicket, event: ZTimelineEvent });

export const notificationTypes = [
  'assigned',
  'unassigned',
  'status_changed',
  'reply',
  'note',
  'mention',
  'escalation',
  'created',
  'reminder',
] as const;
export const ZNotification = z.object({
  id: z.string(),
  type: z.enum(notificationTypes),
  ticketKey: z.string().nullable(),
  title: z.string(),
  body: z.string(),
  read: z.boolean(),
  createdAt: z.string(),
});
export type TNotification = z.infer<typeof ZNotification>;
export const ZNotificationResponse = z.object({ notification: ZNotification });
export const ZNotificationList = z.object({ items: z.array(ZNotification), nextCursor: z.string().nullable() });
export const ZNotificationListQuery = z
  .object({ unread: z.enum(['true', 'false']).optional(), cursor: z.string().max(500).optional() })
  .strict();

export const ZAuditEvent = z.object({
  id: z.number(),
  actorId: z.string().nullable(),
  actorType: z.string(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  /** What people call the entity: a ticket's key (IT-1042), a user's or group's name; null for others and the deleted. */
  entityLabel: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  channel: z.string().nullable(),
  createdAt: z.string(),
});
const isoDate = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });
export const ZAuditQuery = z
  .object({
    actor: ZUuid.optional(),
    action: z.string().max(100).optional(),
    entity: z.string().max(50).optional(),
    /** An entity's id, or a ticket's key (IT-1042). */
    entityId: z.string().max(100).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    cursor: z.string().max(100).optional(),
  })
  .strict();
/** The audit log's filters as a caller writes them (strings, as in an address). */
export type TAuditQueryInput = z.input<typeof ZAuditQuery>;
export const ZAuditList = z.object({ items: z.array(ZAuditEvent), nextCursor: z.string().nullable() });

export const ZCannedResponse = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string(),
  shared: z.boolean(),
  createdBy: z.string().nullable(),
  updatedAt: z.string(),
});
export const ZCannedResponseRequest = z
  .object({
    title: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(20_000),
    shared: z.boolean().optional(),
  })
  .strict();
export const ZRenderCannedQuery = z.object({ ticket: ZTicketKey }).strict();

/** An agent's saved reply, as answered when one is written. */
export const ZCannedResponseResponse = z.object({ cannedResponse: ZCannedResponse });

export const ZAnnouncement = z.object({
  id: z.string(),
  title: z.string(),
  body: z.string(),
  audience: z.enum(['everyone', 'agents']),
  startsAt: z.string(),
  endsAt: z.string().nullable(),
});
export const ZAnnouncementRequest = z
  .object({
    title: z.string().trim().min(1).max(200),
    body: z.string().trim().min(1).max(5000),
    audience: z.enum(['everyone', 'agents']).default('everyone'),
    startsAt: isoDate,
    endsAt: isoDate.nullable().optional(),
  })
  .strict()
  .refine((a) => !a.endsAt || Date.parse(a.endsAt) > Date.parse(a.startsAt), {
    message: 'endsAt must be after startsAt',
    path: ['endsAt'],
  });
export const ZAnnouncementList = z.object({ items: z.array(ZAnnouncement) });

/**
 * A file sent to the API (a chat file share): the body is its bytes (application/octet-stream),
 * the query names it and the type its sender declared. It is judged by its bytes like an upload
 * (ATTACHMENT_TYPES, ATTACHMENT_MAX_BYTES); a refused one is a 415 (or 413) that says why.
 */
const fileQuery = {
  filename: z.string().trim().min(1, 'is required').max(255, 'must be at most 255 characters'),
  type: z.string().trim().max(255).optional(),
};
/** POST /api/tickets/:key/attachments: a file for your own reply or note (as visible as it). */
export const ZTicketFileQuery = z.object({ event: ZUuid, ...fileQuery }).strict();
/** POST /api/chat/sessions/:id/files: a file for the ticket the conversation is about to file. */
export const ZChatFileQuery = z.object(fileQuery).strict();

export const ZStoredFile = z.object({ filename: z.string(), contentType: z.string(), size: z.number().int() });
export type TStoredFile = z.infer<typeof ZStoredFile>;
export const ZTicketFileResponse = z.object({ attachment: ZStoredFile.extend({ id: z.string() }) });
export const ZChatFileResponse = z.object({ file: ZStoredFile });
