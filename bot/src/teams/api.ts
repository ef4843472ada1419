import { z } from 'zod';
import { attachToEvent, attachToSession, type TChatFile, type TFileOutcome } from '../files.js';
import {
  ApiError,
  KbClient,
  ZChatSession,
  type TMessageRefTicket,
  type ApiClient,
  type TResolveIdentityWithDataResponse,
  type TTeamsTicketAudience,
  type TChatSession,
  type TTicket,
  type TTicketActionVia,
  type TTicketPriority,
  type wizard,
} from '@deskmate/shared';

/**
 * The Deskmate API calls the Teams bot makes, typed. The bot never reads the database: identities,
 * conversation references and the triage channel are stored and read through these routes.
 */

/** A Bot Framework conversation reference, as stored (the parts a proactive message needs). */
export const ZConversationReference = z
  .object({
    serviceUrl: z.url(),
    channelId: z.string().min(1),
    conversation: z.object({ id: z.string().min(1) }).catchall(z.unknown()),
    bot: z.object({ id: z.string().min(1) }).catchall(z.unknown()),
    user: z
      .object({ id: z.string().min(1) })
      .catchall(z.unknown())
      .optional(),
  })
  .catchall(z.unknown());
export type TConversationReference = z.infer<typeof ZConversationReference>;

/** What the Teams bot keeps in a Teams identity's `data`. */
export const ZTeamsIdentityData = z.object({
  /** The person's personal chat with the bot: where notifications go. */
  conversationReference: ZConversationReference.optional(),
  /** The person's Teams user id (MRI, `29:…`): whose card views refresh (`refresh.userIds`). */
  mri: z.string().optional(),
  /** The wizard card in that chat that is still current (its activity id). */
  wizardCardId: z.string().nullable().optional(),
});
export type TTeamsIdentityData = z.infer<typeof ZTeamsIdentityData>;

export type TIdentityResult = TResolveIdentityWithDataResponse;

export const ZTeamsTriage = z.object({
  teamId: z.string(),
  teamName: z.string().nullable(),
  channelId: z.string(),
  channelName: z.string().nullable(),
  reference: ZConversationReference,
});
export type TTeamsTriage = z.infer<typeof ZTeamsTriage>;

export interface TIdentityRequest {
  providerUserId: string;
  providerTeamId?: string | undefined;
  email?: string | undefined;
  name?: string | undefined;
  data?: TTeamsIdentityData | undefined;
}

export class TeamsApi {
  constructor(private readonly client: () => ApiClient) {}

  /** The same API, acting for a Teams user (by AAD object id). */
  as(providerUserId: string): UserApi {
    return new UserApi(this.client().actingAs('teams', providerUserId));
  }

  /** Record an activity id before acting on it: false when it was seen already (a redelivery). */
  async firstDelivery(eventId: string): Promise<boolean> {
    const res = await this.client().api.integrations.inboundEvent({ body: { provider: 'teams', eventId } });
    return res.first;
  }

  /** Record an activity for the inbound.process job: false when it was recorded already (a redelivery). */
  async record(key: string, payload: Record<string, unknown>): Promise<boolean> {
    const res = await this.client().api.integrations.inbox({ body: { provider: 'teams', events: [{ key, payload }] } });
    return res.first[0] ?? false;
  }

  /** Map a Teams user to a Deskmate user (by stored id, else email, else a new requester), keeping `data`. */
  async identify(request: TIdentityRequest): Promise<TIdentityResult> {
    return this.client().api.integrations.identify({
      body: {
        provider: 'teams',
        providerUserId: request.providerUserId,
        ...(request.providerTeamId ? { providerTeamId: request.providerTeamId } : {}),
        ...(request.email ? { email: request.email } : {}),
        ...(request.name ? { name: request.name } : {}),
        ...(request.data ? { data: request.data } : {}),
      },
    });
  }

  async rememberTeam(teamId: string, name: string | undefined, reference: TConversationReference): Promise<void> {
    await this.client().api.integrations.rememberTeam({
      params: { teamId },
      body: { ...(name ? { name } : {}), reference },
    });
  }

  async forgetTeam(teamId: string): Promise<void> {
    await this.client().api.integrations.forgetTeam({ params: { teamId } });
  }

  /** Whose card view of a ticket refreshes into their own, and whom its Assign menu offers. */
  async ticketAudience(key: string): Promise<TTeamsTicketAudience> {
    return this.client().api.integrations.teamsTicketAudience({ query: { ticket: key } });
  }

  /** Which ticket a message the bot sent belongs to (its triage card, say), or null. */
  async messageRef(conversation: string, message: string): Promise<TMessageRefTicket | null> {
    try {
      return await this.client().api.integrations.messageRef({ query: { channel: 'teams', conversation, message } });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }

  async triage(): Promise<TTeamsTriage | null> {
    return (await this.client().api.integrations.teamsTriage()).triage;
  }
}

/** Calls made as one Teams user: the API checks what they may do. */
export class UserApi {
  /** The knowledge base as this person reads it (search, articles, "Did this help?"). */
  readonly kb: KbClient;

  constructor(private readonly client: ApiClient) {
    this.kb = new KbClient(client);
  }

  async currentSession(conversation: string): Promise<TChatSession | null> {
    try {
      return (await this.client.api.chat.current({ query: { channel: 'teams', conversation } })).session;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  }

  /**
   * Resume the conversation's wizard, or start one (afresh from `text` when given, with the
   * message it came from: its link and author; with `offerArticles: false` when the text was just
   * searched in the knowledge base).
   */
  async startSession(
    conversation: string,
    text?: string,
    options: { url?: string | undefined; author?: string | undefined; offerArticles?: false } = {},
  ): Promise<TChatSession> {
    const body = {
      channel: 'teams' as const,
      conversation,
      ...(text !== undefined ? { text } : {}),
      ...(text !== undefined && options.url ? { sourceUrl: options.url } : {}),
      ...(text !== undefined && options.author ? { sourceAuthor: options.author.slice(0, 200) } : {}),
      ...(text !== undefined && options.offerArticles === false ? { offerArticles: false } : {}),
    };
    return (await this.client.api.chat.start({ body })).session;
  }

  /**
   * Answer the wizard. With `version`, a click on a card the conversation has moved past is
   * refused by the API; the answer is then the session as it is now, marked stale.
   */
  async input(
    sessionId: string,
    input: wizard.TWizardInput,
    version?: number,
  ): Promise<{ session: TChatSession; stale: boolean }> {
    const body = { input, ...(version !== undefined ? { version } : {}) };
    try {
      const res = await this.client.api.chat.input({ params: { id: sessionId }, body });
      return { session: res.session, stale: false };
    } catch (err) {
      const current = err instanceof ApiError && err.status === 409 ? staleSession(err.details) : null;
      if (current) return { session: current, stale: true };
      throw err;
    }
  }

  /** The person's own tickets that are still open, most recently updated first. */
  async openTickets(limit: number): Promise<TTicket[]> {
    const query = {
      requester: 'me',
      status: 'new,open,pending,on_hold',
      sort: '-updatedAt',
      limit: String(limit),
    } as const;
    return (await this.client.api.tickets.list({ query })).items;
  }

  /** A public reply; `from` says it is sent from the triage card (the API refuses non-agents there). */
  async reply(key: string, body: string, from?: { via: TTicketActionVia }): Promise<TTicket> {
    return (await this.client.api.tickets.reply({ params: { key }, body: { body, ...from } })).ticket;
  }

  /** An internal note (the API lets only the ticket's agents write one); the ticket and the note's id. */
  async note(key: string, body: string): Promise<{ ticket: TTicket; eventId: string }> {
    const res = await this.client.api.tickets.note({ params: { key }, body: { body } });
    return { ticket: res.ticket, eventId: res.event.id };
  }

  /** A public reply; the ticket and the reply's id (files shared with it are attached to it). */
  async replyWithId(key: string, body: string): Promise<{ ticket: TTicket; eventId: string }> {
    const res = await this.client.api.tickets.reply({ params: { key }, body: { body } });
    return { ticket: res.ticket, eventId: res.event.id };
  }

  /** Attach shared files to the reply or note this person just wrote (as visible as it). */
  attachToEvent(key: string, eventId: string, files: readonly TChatFile[]): Promise<TFileOutcome[]> {
    return attachToEvent(this.client, key, eventId, files);
  }

  /** Keep shared files with the wizard's conversation: they go with the ticket it files. */
  attachToSession(sessionId: string, files: readonly TChatFile[]): Promise<TFileOutcome[]> {
    return attachToSession(this.client, sessionId, files);
  }

  async claim(key: string): Promise<TTicket> {
    return (await this.client.api.tickets.claim({ params: { key } })).ticket;
  }

  /** Change a ticket; `from` says it is done from the triage card (the API refuses non-agents there). */
  async update(
    key: string,
    change: { status?: 'resolved'; priority?: TTicketPriority; assigneeId?: string },
    from?: { via: TTicketActionVia },
  ): Promise<TTicket> {
    return (await this.client.api.tickets.update({ params: { key }, body: { ...change, ...from } })).ticket;
  }

  async ticket(key: string): Promise<TTicket> {
    return (await this.client.api.tickets.get({ params: { key } })).ticket;
  }

  async rate(key: string, rating: number): Promise<void> {
    await this.client.api.tickets.csat({ params: { key }, body: { rating } });
  }

  /** Make a channel the triage channel; the API allows it for admins only. */
  async chooseTriage(triage: TTeamsTriage): Promise<void> {
    await this.client.api.integrations.setTeamsTriage({
      body: {
        teamId: triage.teamId,
        ...(triage.teamName ? { teamName: triage.teamName } : {}),
        channelId: triage.channelId,
        ...(triage.channelName ? { channelName: triage.channelName } : {}),
        reference: triage.reference,
      },
    });
  }
}

function staleSession(details: unknown): TChatSession | null {
  const parsed = z.object({ session: ZChatSession }).safeParse(details);
  return parsed.success ? parsed.data.session : null;
}
