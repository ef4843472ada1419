import {
  PermanentDeliveryError,
  outboxPayload,
  RetryAfterError,
  type TDeliveryEnvelope,
  type TDeliveryFacts,
  type TDeliveryPlan,
  type TDeliveryResult,
  type TDeliverySender,
} from '@deskmate/shared';
import type { Activity, ConversationReference, TurnContext } from 'botbuilder';
import type { TeamsAdapter } from './adapter.js';
import { allowedServiceUrl } from './guard.js';
import type { TConversationReference, TeamsApi } from './api.js';
import { personalReference, planTeamsDeliveries } from './plan.js';
import { cardMessage } from './handlers/deps.js';
import { renderNotificationCard, renderThreadEventCard, renderTriageCard, type TLinks } from './render/index.js';

const DEFAULT_RETRY_AFTER_MS = 5_000;

interface SenderDeps {
  teams: TeamsAdapter;
  api: TeamsApi;
  links(): TLinks;
}

/**
 * Teams deliveries, sent by the worker's delivery runner from stored conversation references:
 * - ticket.changed → the ticket's card in the triage channel (posted for a new ticket, then
 *   updated in place: its `triage_card` ref key);
 * - notification.deliver → a card in the recipient's personal chat, when they have one with the
 *   bot (no threads in Teams personal chats, so no ref key: each notification is a new message).
 * 429 becomes RetryAfterError; a conversation that is gone (403, 404) a PermanentDeliveryError.
 */
export class TeamsSender implements TDeliverySender {
  readonly channel = 'teams' as const;

  constructor(private readonly deps: SenderDeps) {}

  plan(facts: TDeliveryFacts): TDeliveryPlan[] {
    return planTeamsDeliveries(facts);
  }

  async send(envelope: TDeliveryEnvelope): Promise<TDeliveryResult> {
    switch (envelope.plan.kind) {
      case 'triage.card':
        return this.sendTriageCard(envelope);
      case 'dm.notification':
        return this.sendNotification(envelope);
      case 'triage.thread':
        return this.sendThreadEvent(envelope);
      default:
        throw new PermanentDeliveryError(`Teams does not send ${envelope.plan.kind}`);
    }
  }

  private async sendTriageCard({ facts, ref }: TDeliveryEnvelope): Promise<TDeliveryResult> {
    const ticket = facts.ticket;
    const triage = await this.deps.api.triage();
    // No triage channel chosen yet (or the ticket is gone): nothing to show.
    if (!ticket || !triage) return {};
    // Cards are for new tickets: one that predates the triage channel does not get one now.
    if (!ref && outboxPayload(facts, 'ticket.changed')?.action !== 'ticket.created') return {};
    const audience = await this.deps.api.ticketAudience(ticket.key);
    const message = cardMessage(
      renderTriageCard(ticket, this.deps.links(), { audience }),
      `${ticket.key}: ${ticket.title}`,
    );
    if (ref) {
      const serviceUrl = typeof ref.serviceUrl === 'string' ? ref.serviceUrl : triage.reference.serviceUrl;
      const where = {
        ...triage.reference,
        serviceUrl,
        conversation: { ...triage.reference.conversation, id: ref.conversation },
      };
      try {
        await this.update(where, ref.message, message);
        return { ref };
      } catch (err) {
        // The card was deleted: post a new one below. Anything else is the delivery's failure.
        if (!(err instanceof PermanentDeliveryError)) throw err;
      }
    }
    const id = await this.post(triage.reference, message);
    return {
      ref: { conversation: triage.reference.conversation.id, message: id, serviceUrl: triage.reference.serviceUrl },
    };
  }

  /** A public reply or status change, in the thread of the ticket's triage card. */
  private async sendThreadEvent({ facts, ref }: TDeliveryEnvelope): Promise<TDeliveryResult> {
    const card = renderThreadEventCard(facts);
    if (!card) return ref ? { ref } : {};
    if (!ref) return { skipped: 'the ticket has no triage card to thread under' };
    const triage = await this.deps.api.triage();
    if (!triage) return { skipped: 'no triage channel is chosen' };
    const serviceUrl = typeof ref.serviceUrl === 'string' ? ref.serviceUrl : triage.reference.serviceUrl;
    const thread = {
      ...triage.reference,
      serviceUrl,
      conversation: { ...triage.reference.conversation, id: `${ref.conversation};messageid=${ref.message}` },
    };
    await this.post(thread, cardMessage(card, facts.ticket ? facts.ticket.key : undefined));
    return { ref };
  }

  private async sendNotification({ facts }: TDeliveryEnvelope): Promise<TDeliveryResult> {
    const reference = personalReference(facts.recipient);
    if (!reference) throw new PermanentDeliveryError('the recipient has no Teams personal chat with the bot');
    const card = renderNotificationCard(facts, this.deps.links());
    if (!card) return {};
    const id = await this.post(reference, cardMessage(card, facts.notification?.title));
    return { ref: { conversation: reference.conversation.id, message: id, serviceUrl: reference.serviceUrl } };
  }

  /** A new message in a stored conversation (not a reply: Teams would thread it under nothing). */
  async post(reference: TConversationReference, activity: Partial<Activity>): Promise<string> {
    let id = '';
    await this.proactive(reference, async (context) => {
      context.onSendActivities(async (_ctx, activities, next) => {
        for (const a of activities) delete a.replyToId;
        return next();
      });
      id = (await context.sendActivity(activity))?.id ?? '';
    });
    if (!id) throw new Error('the Bot Connector returned no activity id');
    return id;
  }

  private async update(reference: TConversationReference, id: string, activity: Partial<Activity>): Promise<void> {
    await this.proactive(reference, async (context) => {
      await context.updateActivity({ ...activity, id });
    });
  }

  private async proactive(
    reference: TConversationReference,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const { adapter, appId, authenticated } = this.deps.teams;
    if (!allowedServiceUrl(reference.serviceUrl, authenticated)) {
      throw new PermanentDeliveryError(`refusing to send to ${reference.serviceUrl}`);
    }
    let failure: unknown;
    // Stored references are checked by zod (ZConversationReference): the fields the SDK needs.
    const stored = reference as unknown as ConversationReference;
    await adapter.continueConversationAsync(appId, stored, async (context) => {
      withoutClientRetries(context);
      try {
        await logic(context);
      } catch (err) {
        failure = err;
      }
    });
    if (failure) throw deliveryError(failure);
  }
}

interface TPipelineHolder {
  client?: { pipeline?: { removePolicy(options: { phase: string }): unknown } };
}

/**
 * The delivery runner owns retries (backoff, Retry-After, a dead state): the SDK's HTTP client must
 * not also wait and retry inside a job (it sleeps through Retry-After, up to three times). Its
 * pipeline is internal, hence the defensive access; if it changes, only double retries come back.
 */
function withoutClientRetries(context: TurnContext): void {
  const connector = context.turnState.get(context.adapter.ConnectorClientKey) as TPipelineHolder | undefined;
  connector?.client?.pipeline?.removePolicy({ phase: 'Retry' });
}

/** The Bot Connector's answer, as the delivery runner understands it. */
function deliveryError(err: unknown): Error {
  const e = err as {
    statusCode?: number;
    code?: string;
    message?: string;
    response?: { headers?: { get?(name: string): string | undefined } };
  };
  const status = e.statusCode;
  if (status === 429)
    return new RetryAfterError(
      'Teams asked us to slow down (429)',
      retryAfterMs(e.response?.headers?.get?.('retry-after')),
    );
  if (status === 403 || status === 404) {
    return new PermanentDeliveryError(
      `Teams refused the message (${status}${e.code ? ` ${e.code}` : ''}): the conversation is gone or the bot was removed`,
    );
  }
  return err instanceof Error ? err : new Error(String(err));
}

function retryAfterMs(header: string | undefined): number {
  if (!header) return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.max(1_000, seconds * 1_000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(1_000, at - Date.now()) : DEFAULT_RETRY_AFTER_MS;
}
