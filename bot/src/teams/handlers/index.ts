import { createHash } from 'node:crypto';
import type { Activity, TurnContext } from 'botbuilder';
import { parseSubmitted } from '../render/index.js';
import { onAction } from './actions.js';
import { onConversationUpdate } from './conversation-update.js';
import { onMessage } from './message.js';
import type { TeamsDeps } from './deps.js';

export type { TeamsDeps } from './deps.js';

/** Teams activity ids are unique within a conversation; the pair is unique everywhere. */
function eventId(activity: Activity): string {
  const id = `${activity.id}|${activity.conversation.id}`;
  return id.length <= 300 ? id : createHash('sha256').update(id).digest('hex');
}

/**
 * One turn: record the activity id first (a redelivered activity does nothing), then hand it to
 * its handler. Handlers render and forward; what happens next is decided by the API and the wizard.
 */
export function createTurnHandler(deps: TeamsDeps): (context: TurnContext) => Promise<void> {
  return async (context) => {
    const activity = context.activity;
    if (activity.type !== 'message' && activity.type !== 'conversationUpdate') return;
    if (activity.id && !(await deps.api.firstDelivery(eventId(activity)))) return;
    if (activity.type === 'conversationUpdate') return onConversationUpdate(deps, context);
    if (activity.value !== undefined) {
      const submitted = parseSubmitted(activity.value);
      // Not one of ours (another app's card, a tampered payload): ignore it.
      if (submitted) await onAction(deps, context, submitted);
      return;
    }
    await onMessage(deps, context);
  };
}
