import type { Activity, ConversationReference } from 'botbuilder';
import { z } from 'zod';
import { ZConversationReference, type TConversationReference } from './api.js';

/** Teams' `channelData`, the parts we read. */
const ZChannelData = z
  .object({
    eventType: z.string().optional(),
    team: z.object({ id: z.string().min(1), name: z.string().optional() }).optional(),
    channel: z.object({ id: z.string().min(1), name: z.string().optional() }).optional(),
    tenant: z.object({ id: z.string().min(1) }).optional(),
  })
  .catchall(z.unknown());
export type TChannelData = z.infer<typeof ZChannelData>;

export function channelData(activity: Partial<Activity>): TChannelData {
  const parsed = ZChannelData.safeParse(activity.channelData ?? {});
  return parsed.success ? parsed.data : {};
}

/** A channel post or a group chat (Teams), as opposed to someone's personal chat with the bot. */
export function isPersonal(activity: Partial<Activity>): boolean {
  const type = activity.conversation?.conversationType;
  return type !== 'channel' && type !== 'groupChat' && !activity.conversation?.isGroup;
}

export function tenantOf(activity: Partial<Activity>): string | undefined {
  return activity.conversation?.tenantId ?? channelData(activity).tenant?.id;
}

/**
 * Where to post later, as the bot: the conversation of this activity (or, for a channel, the
 * channel itself rather than the thread the activity was in). No activity id, so a proactive
 * message is a new message rather than a reply to something.
 */
export function referenceFor(activity: Partial<Activity>, conversationId?: string): TConversationReference {
  const conversation = activity.conversation;
  const tenantId = tenantOf(activity);
  const reference: Partial<ConversationReference> = {
    serviceUrl: activity.serviceUrl,
    channelId: activity.channelId,
    conversation: {
      id: conversationId ?? conversation?.id ?? '',
      ...(conversation?.conversationType ? { conversationType: conversation.conversationType } : {}),
      ...(tenantId ? { tenantId } : {}),
    } as ConversationReference['conversation'],
    bot: { id: activity.recipient?.id ?? '', name: activity.recipient?.name ?? '' },
    ...(isPersonal(activity) && activity.from
      ? {
          user: {
            id: activity.from.id,
            name: activity.from.name,
            ...(activity.from.aadObjectId ? { aadObjectId: activity.from.aadObjectId } : {}),
          },
        }
      : {}),
  };
  return ZConversationReference.parse(reference);
}

/** The root of a channel thread: `19:…@thread.tacv2;messageid=…` → `19:…@thread.tacv2`. */
export function channelConversationId(activity: Partial<Activity>): string | undefined {
  return channelData(activity).channel?.id ?? activity.conversation?.id?.split(';')[0];
}

/** The message a channel thread hangs under (`19:…@thread.tacv2;messageid=<id>` → `<id>`), if any. */
export function threadRoot(activity: Partial<Activity>): string | undefined {
  return /;messageid=([^;]+)$/.exec(activity.conversation?.id ?? '')?.[1];
}

/** Whether the bot was @mentioned (in a channel it otherwise only overhears, through RSC). */
export function mentionsBot(activity: Partial<Activity>): boolean {
  const bot = activity.recipient?.id;
  return (activity.entities ?? []).some(
    (e) => e.type === 'mention' && (e as { mentioned?: { id?: string } }).mentioned?.id === bot,
  );
}
