import { createHash } from 'node:crypto';
import { ApiError } from '@deskmate/shared';
import { type Activity, type TurnContext } from 'botbuilder';
import type { TConversationReference, TeamsApi } from '../api.js';
import type { Identities, TeamsLogger } from '../identity.js';
import { CARD_CONTENT_TYPE, type TCard, type TLinks } from '../render/index.js';

/** What every handler works with. */
export interface TeamsDeps {
  api: TeamsApi;
  identities: Identities;
  links(): TLinks;
  logger: TeamsLogger;
  /** Post a new message in a stored conversation (a person's personal chat), as the bot; its id. */
  post(reference: TConversationReference, activity: Partial<Activity>): Promise<string>;
  /**
   * How long an invoke may work before it is answered anyway (Teams gives up on an invoke after a
   * few seconds); the work then goes on, and the card follows from the delivery runner.
   */
  invokeDeadlineMs?: number;
}

/** Teams activity ids are unique within a conversation; the pair is unique everywhere. */
export function eventId(activity: Activity): string {
  const id = `${activity.id}|${activity.conversation.id}`;
  return id.length <= 300 ? id : createHash('sha256').update(id).digest('hex');
}

export function cardMessage(card: TCard, summary?: string): Partial<Activity> {
  return {
    type: 'message',
    ...(summary ? { summary } : {}),
    attachments: [{ contentType: CARD_CONTENT_TYPE, content: card }],
  };
}

/** Replace the card the person clicked (the message the action came from). */
export async function replaceCard(context: TurnContext, id: string, card: TCard): Promise<void> {
  await context.updateActivity({ ...cardMessage(card), id });
}

/** The card a click came from (Teams sets replyToId to it). */
export const clickedCard = (context: TurnContext): string | undefined => context.activity.replyToId || undefined;

/** A refusal the API words for people (4xx): tell them; anything else is a bug and is thrown. */
export function peopleMessage(err: unknown): string | null {
  return err instanceof ApiError && err.status < 500 ? err.message : null;
}

/** The chat API takes a description of up to this many characters to start a request from. */
export const START_TEXT_MAX = 8000;
