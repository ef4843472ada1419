import type { WebAPIPlatformError, WebAPIRateLimitedError, WebClient, WebClientOptions } from '@slack/web-api';
import {
  PermanentDeliveryError,
  outboxPayload,
  RetryAfterError,
  type TDeliveryEnvelope,
  type TDeliveryFacts,
  type TDeliveryPlan,
  type TDeliveryResult,
  type TDeliverySender,
  type TMessageRef,
  isAgent,
} from '@deskmate/shared';
import type { Links } from './render/ids.js';
import type { SlackMessage } from './render/limits.js';
import { dmCreated, dmNotification, triageThreadMessage } from './render/notification.js';
import { triageCard } from './render/ticket.js';
import { webApi } from './sdk.js';

/** Errors after which sending again cannot help: the job is marked dead at once. */
const permanent = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'account_inactive',
  'user_not_found',
  'user_disabled',
  'cannot_dm_bot',
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'missing_scope',
  'restricted_action',
  'msg_too_long',
  'invalid_blocks',
]);

/** The message to edit is gone (deleted by someone): post a new one instead. */
const vanished = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);

const platformCode = (err: unknown): string | undefined =>
  (err as { code?: string }).code === webApi().ErrorCode.PlatformError
    ? (err as WebAPIPlatformError).data.error
    : undefined;

export interface SlackSenderOptions {
  token: string;
  triageChannel: string | undefined;
  links: () => Links;
  clientOptions?: WebClientOptions;
}

/**
 * Slack's side of deliveries. Plans: every ticket change → the ticket's card in the triage
 * channel (one message, updated in place); each public reply and status change → a message in
 * that card's thread; a new ticket → a DM to its requester opening the ticket's thread; every
 * notification → a DM to the recipient's Slack account in that thread.
 * The job retries: this client never waits on a 429 itself but reports Retry-After.
 */
export class SlackSender implements TDeliverySender {
  readonly channel = 'slack' as const;
  private readonly client: WebClient;

  constructor(private readonly options: SlackSenderOptions) {
    this.client = new (webApi().WebClient)(options.token, {
      ...options.clientOptions,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    });
  }

  plan(facts: TDeliveryFacts): TDeliveryPlan[] {
    const plans: TDeliveryPlan[] = [];
    const t = facts.ticket;
    if (!t) return plans;
    if (facts.kind === 'ticket.changed') {
      if (this.options.triageChannel) {
        plans.push({
          kind: 'triage.card',
          target: this.options.triageChannel,
          refKey: { purpose: 'triage_card', ticketId: t.id },
        });
      }
      // The requester's Slack account is found by email when sending (ticket facts name no identities).
      if (outboxPayload(facts, 'ticket.changed')?.action === 'ticket.created') {
        plans.push({
          kind: 'dm.created',
          target: t.requester.email,
          refKey: { purpose: 'dm_thread', ticketId: t.id, userId: t.requester.id },
        });
      }
    }
    // The public conversation (replies, status changes) also goes into the triage card's thread.
    if (
      facts.kind === 'ticket.event' &&
      facts.events?.some((e) => e.visibility === 'public') &&
      this.options.triageChannel
    ) {
      plans.push({
        kind: 'triage.thread',
        target: this.options.triageChannel,
        refKey: { purpose: 'triage_card', ticketId: t.id },
      });
    }
    if (facts.kind === 'notification.deliver' && facts.notification && facts.recipient) {
      const { user, identities } = facts.recipient;
      const slackId = identities.find((i) => i.provider === 'slack')?.providerUserId;
      // Internal content is never planned for a requester, whatever the notification says.
      const allowed = facts.notification.visibility === 'public' || isAgent(user);
      // People who asked for email or the digest only get no notification DMs.
      if (slackId && allowed && facts.recipient.wantsChat)
        plans.push({
          kind: 'dm.notification',
          target: slackId,
          refKey: { purpose: 'dm_thread', ticketId: t.id, userId: user.id },
        });
    }
    return plans;
  }

  async send(envelope: TDeliveryEnvelope): Promise<TDeliveryResult> {
    try {
      return await this.deliver(envelope);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === webApi().ErrorCode.RateLimitedError) {
        throw new RetryAfterError('Slack rate limit (429)', (err as WebAPIRateLimitedError).retryAfter * 1000);
      }
      const platform = platformCode(err);
      if (platform && permanent.has(platform)) throw new PermanentDeliveryError(platform);
      throw err;
    }
  }

  private async deliver({ plan, facts, ref }: TDeliveryEnvelope): Promise<TDeliveryResult> {
    const t = facts.ticket;
    if (!t) return {};
    const links = this.options.links();
    if (plan.kind === 'triage.card') return { ref: await this.postOrUpdate(plan.target, triageCard(t, links), ref) };
    if (plan.kind === 'triage.thread') {
      const msg = triageThreadMessage(facts, links);
      if (!msg) return ref ? { ref } : {};
      // The ticket has no card (it predates the triage channel): nothing to thread under.
      if (!ref) return { skipped: 'the ticket has no triage card to thread under' };
      await this.client.chat.postMessage({ channel: ref.conversation, thread_ts: ref.message, ...msg });
      return { ref };
    }
    if (plan.kind === 'dm.created') {
      if (ref) return { ref };
      const slackId = await this.lookupByEmail(plan.target);
      if (!slackId) return {};
      return { ref: await this.post(slackId, dmCreated(t, links, false)) };
    }
    if (plan.kind === 'dm.notification') {
      const msg = dmNotification(facts, links, ref === null);
      if (!msg) return ref ? { ref } : {};
      if (!ref) return { ref: await this.post(plan.target, msg) };
      await this.client.chat.postMessage({ channel: ref.conversation, thread_ts: ref.message, ...msg });
      return { ref };
    }
    throw new PermanentDeliveryError(`unknown Slack delivery kind ${plan.kind}`);
  }

  private async post(channel: string, msg: SlackMessage): Promise<TMessageRef> {
    const res = await this.client.chat.postMessage({ channel, ...msg });
    if (!res.channel || !res.ts) throw new Error('chat.postMessage answered without channel and ts');
    return { conversation: res.channel, message: res.ts };
  }

  private async postOrUpdate(channel: string, msg: SlackMessage, ref: TMessageRef | null): Promise<TMessageRef> {
    if (!ref) return this.post(channel, msg);
    try {
      await this.client.chat.update({ channel: ref.conversation, ts: ref.message, ...msg });
      return { conversation: ref.conversation, message: ref.message };
    } catch (err) {
      const platform = platformCode(err);
      if (platform && vanished.has(platform)) return this.post(channel, msg);
      throw err;
    }
  }

  private async lookupByEmail(email: string): Promise<string | undefined> {
    try {
      const res = await this.client.users.lookupByEmail({ email });
      return res.user?.id;
    } catch (err) {
      if (platformCode(err) === 'users_not_found') return undefined;
      throw err;
    }
  }
}
