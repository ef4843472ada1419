import type { TurnContext } from 'botbuilder';
import { adaptiveCardAnswer, parseSubmitted } from '../render/index.js';
import { onAction } from './actions.js';
import { onConversationUpdate } from './conversation-update.js';
import { answerInvoke, onInvoke, type TInvokeHandler } from './invoke.js';
import { onMessage } from './message.js';
import { eventId, type TeamsDeps } from './deps.js';
import { onCardAction } from './card-action.js';
import { onFetchTask, onSubmitAction } from './message-extension.js';

export type { TeamsDeps } from './deps.js';

/** The invokes Deskmate acts on; every other name is answered as not supported (see invoke.ts). */
const invokeHandlers: Record<string, TInvokeHandler> = {
  'adaptiveCard/action': onCardAction,
  'composeExtension/fetchTask': onFetchTask,
  'composeExtension/submitAction': onSubmitAction,
};

/**
 * One turn. An invoke is answered whatever happens (a failure is a 500 in the body, logged).
 * Messages and conversation updates record the activity id first (a redelivered activity does
 * nothing), then go to their handler. Handlers render and forward; what happens next is decided
 * by the API and the wizard.
 */
export function createTurnHandler(
  deps: TeamsDeps,
  /** The activity came from the inbox, which recorded its id already (a redelivery never gets here). */
  options: { recorded?: boolean } = {},
): (context: TurnContext) => Promise<void> {
  return async (context) => {
    const activity = context.activity;
    if (activity.type === 'invoke') {
      try {
        await answerInvoke(context, await onInvoke(deps, context, invokeHandlers));
      } catch (err) {
        deps.logger.error({ err: (err as Error).message, invoke: activity.name }, 'Teams invoke failed');
        await answerInvoke(context, adaptiveCardAnswer.error(500, 'InternalError', 'Something went wrong on our side'));
      }
      return;
    }
    if (activity.type !== 'message' && activity.type !== 'conversationUpdate') return;
    if (!options.recorded && activity.id && !(await deps.api.firstDelivery(eventId(activity)))) return;
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
