import { adaptiveCardAnswer, parseSubmitted, type TInvokeResponse } from '../render/index.js';
import { isPersonal } from '../references.js';
import { eventId, type TeamsDeps } from './deps.js';
import type { TInvokeHandler } from './invoke.js';
import { onTriageExecute, onViewRefresh } from './triage.js';

/** Teams waits a few seconds for an invoke's answer; ours comes before this, whatever happens. */
export const INVOKE_DEADLINE_MS = 4_000;

/**
 * `adaptiveCard/action`: an Action.Execute click, or a card's refresh, on a ticket card. The data
 * is the same as the Action.Submit fallback's (one schema); the answer is a card for the person
 * who acted, a message, or the Universal Actions error body.
 */
export const onCardAction: TInvokeHandler = async (deps, context) => {
  const activity = context.activity;
  const value = activity.value as { action?: { data?: unknown } } | undefined;
  const submitted = parseSubmitted(value?.action?.data);
  if (!submitted)
    return adaptiveCardAnswer.error(400, 'BadRequest', 'This is not a card Deskmate sent, or its data was changed');
  const { action, fields } = submitted;
  if ((action.dm !== 'triage' && action.dm !== 'view') || isPersonal(activity))
    return adaptiveCardAnswer.error(400, 'BadRequest', 'Deskmate answers this button only where its card was sent');
  const key = action.ticket;
  return withDeadline(
    deps,
    async () => {
      const person = await deps.identities.resolve(context);
      if (action.dm === 'view') return onViewRefresh(deps, person, key);
      const repeated = activity.id ? !(await deps.api.firstDelivery(`execute:${eventId(activity)}`)) : false;
      return onTriageExecute(deps, person, action, fields, { repeated });
    },
    adaptiveCardAnswer.message(`Still working on ${key}: the card updates as soon as it is done.`),
  );
};

/**
 * The work's answer, or `late` once the deadline has passed: Teams shows an error for an invoke it
 * waited too long for. The work goes on; its failure is then logged, since nobody is waiting.
 */
async function withDeadline(
  deps: TeamsDeps,
  work: () => Promise<TInvokeResponse>,
  late: TInvokeResponse,
): Promise<TInvokeResponse> {
  let timer: NodeJS.Timeout | undefined;
  let answered = false;
  const running = work();
  const deadline = new Promise<TInvokeResponse>((resolve) => {
    timer = setTimeout(() => {
      answered = true;
      deps.logger.warn(
        { deadlineMs: deps.invokeDeadlineMs ?? INVOKE_DEADLINE_MS },
        'Teams invoke answered before its work was done',
      );
      resolve(late);
    }, deps.invokeDeadlineMs ?? INVOKE_DEADLINE_MS);
    timer.unref();
  });
  running.catch((err: unknown) => {
    if (answered) deps.logger.error({ err: (err as Error).message }, 'Teams invoke failed after it was answered');
  });
  try {
    return await Promise.race([running, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
