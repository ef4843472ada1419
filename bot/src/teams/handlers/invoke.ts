import type { TurnContext } from 'botbuilder';
import { unsupportedInvoke, type TInvokeResponse } from '../render/index.js';
import type { TeamsDeps } from './deps.js';

/** An invoke Deskmate acts on, by its name. */
export type TInvokeHandler = (deps: TeamsDeps, context: TurnContext) => Promise<TInvokeResponse>;

/**
 * Every `invoke` activity gets an answer: the ones Deskmate acts on through their handler, any
 * other in the shape its protocol expects (a clear "not offered here"), logged as information.
 */
export async function onInvoke(
  deps: TeamsDeps,
  context: TurnContext,
  handlers: Readonly<Record<string, TInvokeHandler>>,
): Promise<TInvokeResponse> {
  const name = context.activity.name ?? '';
  const handler = Object.hasOwn(handlers, name) ? handlers[name] : undefined;
  if (handler) return handler(deps, context);
  deps.logger.info({ invoke: name.slice(0, 100) }, 'Teams invoke not offered by Deskmate: answered as not supported');
  return unsupportedInvoke(name, context.activity.value);
}

/** Sets the turn's invoke response (what botbuilder answers the Bot Connector's POST with). */
export async function answerInvoke(context: TurnContext, response: TInvokeResponse): Promise<void> {
  await context.sendActivity({ type: 'invokeResponse', value: response });
}
