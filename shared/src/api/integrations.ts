import { z } from 'zod';
import { ZTicketKey } from '../domain.js';
import { ZDirectoryAgent } from './directory.js';
import { ZResolveIdentityRequest, ZResolveIdentityResponse } from './auth.js';

/**
 * What the composition root knows of the chat channels from the bot's configuration, handed to
 * the API (which may not read the bot's settings) for the status page. Never a credential.
 */
export const ZChatIntegrations = z.object({
  slack: z.object({
    configured: z.boolean(),
    /** http: Slack calls POST /slack/events; socket: Socket Mode (SLACK_APP_TOKEN). Null when off. */
    mode: z.enum(['http', 'socket']).nullable(),
  }),
  teams: z.object({
    configured: z.boolean(),
    /** Without credentials, POST /api/messages accepts only the Bot Framework Emulator on this machine. */
    emulatorOnly: z.boolean(),
  }),
});
export type TChatIntegrations = z.infer<typeof ZChatIntegrations>;

/** What a process without the bots (tests, or nothing said) reports: neither chat channel is on. */
export const chatIntegrationsOff: TChatIntegrations = {
  slack: { configured: false, mode: null },
  teams: { configured: false, emulatorOnly: false },
};

/** The most recent delivery of a channel that failed at least once. */
export const ZDeliveryFailure = z.object({
  /** The channel's error, with anything like a credential masked. */
  error: z.string(),
  kind: z.string(),
  /** pending: it will be retried; dead: retries gave up; sent: a retry got through. */
  status: z.enum(['pending', 'sent', 'dead']),
  attempts: z.number().int(),
  /** When the last attempt failed (deliveries from before that was recorded: when it was queued). */
  failedAt: z.string(),
});
export type TDeliveryFailure = z.infer<typeof ZDeliveryFailure>;

/** A channel's traffic, from the database. */
const channelActivity = {
  /** The last event received from the provider (a Slack event, a Teams activity, an email). */
  lastInboundAt: z.string().nullable(),
  /** The last message this channel delivered. */
  lastSentAt: z.string().nullable(),
  /** Deliveries waiting to be sent (or retried). */
  pending: z.number().int(),
  lastFailure: ZDeliveryFailure.nullable(),
};

/**
 * The chat requests a bot recorded and answered (the inbox, below) and what became of them. A
 * failed request is one whose work failed (its listener tells the person so) or found no handler
 * in the worker; it is kept, with its error, until the purge.
 */
export const ZInboxActivity = z.object({
  /** Answered and not yet acted on: the inbound.process job is on its way. */
  waiting: z.number().int(),
  /** Acted on and failed, since the last purge. */
  failed: z.number().int(),
  lastFailure: z
    .object({
      /** What was asked: a slash command, an event type or an interaction type (`/ticket`, `reaction_added`). */
      request: z.string().nullable(),
      /** The error, with anything like a credential masked. */
      error: z.string(),
      failedAt: z.string(),
    })
    .nullable(),
});
export type TInboxActivity = z.infer<typeof ZInboxActivity>;

export const ZIntegrationsStatus = z.object({
  slack: z.object({ ...ZChatIntegrations.shape.slack.shape, ...channelActivity, inbox: ZInboxActivity }),
  teams: z.object({ ...ZChatIntegrations.shape.teams.shape, ...channelActivity, inbox: ZInboxActivity }),
  email: z.object({
    /** SMTP_URL is set; otherwise mail goes to the dev outbox (GET /api/admin/mail). */
    configured: z.boolean(),
    outbound: z.enum(['smtp', 'dev_outbox']),
    /** IMAP_URL (polled mailbox) and EMAIL_INBOUND_SECRET (webhook) turn inbound email on. */
    inbound: z.object({ imap: z.boolean(), webhook: z.boolean() }),
    ...channelActivity,
  }),
});
export type TIntegrationsStatus = z.infer<typeof ZIntegrationsStatus>;

/**
 * The chat inbox: provider requests (a Slack event, command or click) recorded before the bot
 * answers the provider, and acted on afterwards by the `inbound.process` job. Each key (Slack
 * `event_id`, a command's `trigger_id`) is recorded once: a redelivery is not first.
 */
export const ZInboxEvent = z
  .object({
    key: z.string().min(1).max(300),
    /** The provider's request as received (verified by the bot); kept until it has been acted on. */
    payload: z.record(z.string(), z.unknown()),
    /** Higher runs first: clicks whose trigger_id expires in 3 s go before events. */
    priority: z.number().int().min(-20).max(20).optional(),
  })
  .strict();
export type TInboxEvent = z.infer<typeof ZInboxEvent>;

export const INBOX_BATCH_MAX = 500;

export const ZInboxRequest = z
  .object({
    provider: z.enum(['slack', 'teams']),
    events: z.array(ZInboxEvent).min(1).max(INBOX_BATCH_MAX),
  })
  .strict();
export type TInboxRequest = z.infer<typeof ZInboxRequest>;

/** For each event in the request's order: whether it was recorded now (false: seen before). */
export const ZInboxResponse = z.object({ first: z.array(z.boolean()) });
export type TInboxResponse = z.infer<typeof ZInboxResponse>;

/** A channel that acts on what its provider sent (Slack, from bot/), given to the worker like senders. */
export interface TInboundHandler {
  provider: TInboxRequest['provider'];
  handle(payload: Record<string, unknown>, meta: { attempt: number }): Promise<void>;
}

/** Teams keeps user-specific card views for at most this many people per card (`refresh.userIds`). */
export const TEAMS_REFRESH_USERS_MAX = 60;

/**
 * Who a ticket's Teams card is for (GET /api/integrations/teams/ticket-audience): the Teams user
 * ids (MRIs, `29:…`) whose card refreshes into their own view — the requester, the assignee and
 * the agents who work it, at most 60 — and the agents its Assign menu offers.
 */
export const ZTeamsTicketAudience = z.object({
  userIds: z.array(z.string()).max(TEAMS_REFRESH_USERS_MAX),
  agents: z.array(ZDirectoryAgent),
});
export type TTeamsTicketAudience = z.infer<typeof ZTeamsTicketAudience>;
export const ZTeamsTicketAudienceQuery = z.object({ ticket: ZTicketKey }).strict();

/** Record a provider event id before acting on it (a redelivery is then a no-op). */
export const ZInboundEvent = z
  .object({ provider: z.string().min(1).max(50), eventId: z.string().min(1).max(300) })
  .strict();

export const ZIdentityData = z
  .record(z.string().min(1).max(64), z.unknown())
  .refine(
    (d) => Object.keys(d).length <= 16 && JSON.stringify(d).length <= 16_384,
    'must be at most 16 keys and 16 KB of JSON',
  );
export const ZResolveIdentityWithData = ZResolveIdentityRequest.extend({
  /** Provider data to keep with the identity (merged into what is stored). */
  data: ZIdentityData.optional(),
});
/** An identity with the provider data kept with it (what POST /integrations/identities answers). */
export const ZResolveIdentityWithDataResponse = ZResolveIdentityResponse.extend({
  // An answer without it (an older server) reads as no data kept.
  data: z.record(z.string(), z.unknown()).default({}),
});
export type TResolveIdentityWithDataResponse = z.infer<typeof ZResolveIdentityWithDataResponse>;

/** A Bot Framework conversation reference: where and as whom the bot posts. */
export const ZTeamsReference = z
  .object({
    serviceUrl: z.url({ protocol: /^https?$/ }).max(500),
    channelId: z.string().min(1).max(50),
    conversation: z.object({ id: z.string().min(1).max(500) }).catchall(z.unknown()),
    bot: z.object({ id: z.string().min(1).max(300) }).catchall(z.unknown()),
  })
  .catchall(z.unknown())
  .refine((r) => JSON.stringify(r).length <= 4096, 'must be at most 4 KB of JSON');
export const ZTeamParams = z.object({ teamId: z.string().min(1).max(300) }).strict();
export const ZTeamsTeamBody = z.object({ name: z.string().max(300).optional(), reference: ZTeamsReference }).strict();
export const ZTeamsTeam = z.object({
  teamId: z.string(),
  name: z.string().nullable(),
  reference: ZTeamsReference,
  updatedAt: z.string(),
});
export const ZTeamsTriageBody = z
  .object({
    teamId: z.string().min(1).max(300),
    teamName: z.string().max(300).optional(),
    channelId: z.string().min(1).max(300),
    channelName: z.string().max(300).optional(),
    reference: ZTeamsReference,
  })
  .strict();
export const ZTeamsTriage = z.object({
  teamId: z.string(),
  teamName: z.string().nullable(),
  channelId: z.string(),
  channelName: z.string().nullable(),
  reference: ZTeamsReference,
  setBy: z.string().nullable(),
  setAt: z.string(),
});
