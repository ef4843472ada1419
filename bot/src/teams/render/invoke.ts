import { card, text, type TCard } from './card.js';

/**
 * What the bot answers an `invoke` activity with: the HTTP status and body the Bot Connector
 * hands back to the Teams client. Every invoke gets one (botbuilder answers 501 when a turn sets
 * none), in the shape its name calls for.
 */
export interface TInvokeResponse {
  status: number;
  body?: unknown;
}

/** The `type` of an `adaptiveCard/action` answer (Universal Actions), by what its `value` is. */
export const invokeValueTypes = {
  card: 'application/vnd.microsoft.card.adaptive',
  message: 'application/vnd.microsoft.activity.message',
  error: 'application/vnd.microsoft.error',
} as const;

/**
 * `adaptiveCard/action` answers: HTTP 200 whenever the bot took the request, and the outcome in
 * the body (`statusCode`, `type`, `value`), as the Universal Action Model specifies.
 */
export const adaptiveCardAnswer = {
  /** Show this card in place of the one that was clicked (or refreshed), for this person. */
  card: (value: TCard): TInvokeResponse => ({
    status: 200,
    body: { statusCode: 200, type: invokeValueTypes.card, value },
  }),
  /** Show this message to the person who clicked. */
  message: (value: string): TInvokeResponse => ({
    status: 200,
    body: { statusCode: 200, type: invokeValueTypes.message, value },
  }),
  /** The request could not be done: 400 (it was not valid), 500 (our failure), 501 (not supported). */
  error: (statusCode: 400 | 500 | 501, code: string, message: string): TInvokeResponse => ({
    status: 200,
    body: { statusCode, type: invokeValueTypes.error, value: { code, message } },
  }),
};

/** A dialog (task module) that only says something: `task/*`, `composeExtension/fetchTask|submitAction`. */
export const taskMessage = (value: string): TInvokeResponse => ({
  status: 200,
  body: { task: { type: 'message', value } },
});

/** A dialog showing a card: `task/fetch`, `composeExtension/fetchTask`. */
export const taskCard = (title: string, value: TCard): TInvokeResponse => ({
  status: 200,
  body: {
    task: {
      type: 'continue',
      value: { title, card: { contentType: invokeValueTypes.card, content: value } },
    },
  },
});

/** A message extension result that only says something (`composeExtension/query` and the like). */
export const composeMessage = (message: string): TInvokeResponse => ({
  status: 200,
  body: { composeExtension: { type: 'message', text: message } },
});

/** Taken, nothing to say: invokes whose protocol wants an empty 200. */
export const invokeAccepted: TInvokeResponse = { status: 200 };

const notHere = 'Deskmate does not offer this in Teams. Message Deskmate in a personal chat to ask IT for help.';

/**
 * The answer to an invoke Deskmate has no feature for, in the shape its protocol expects, so the
 * Teams client shows a clear message rather than an error; an unknown name gets the Universal
 * Actions error body with 501 (not implemented) inside a 200.
 */
export function unsupportedInvoke(name: string, value: unknown): TInvokeResponse {
  const [family] = name.split('/');
  switch (family) {
    case 'composeExtension':
      return name === 'composeExtension/fetchTask' || name === 'composeExtension/submitAction'
        ? taskMessage(notHere)
        : name === 'composeExtension/setting' || name === 'composeExtension/onCardButtonClicked'
          ? invokeAccepted
          : composeMessage(notHere);
    case 'task':
      return taskMessage(notHere);
    case 'config':
      return { status: 200, body: { responseType: 'config', config: { type: 'message', value: notHere } } };
    case 'tab':
      return {
        status: 200,
        body: { tab: { type: 'continue', value: { cards: [{ card: card([text(notHere, { wrap: true })]) }] } } },
      };
    case 'signin':
      // Deskmate signs nobody in through Teams: a token exchange is refused as the protocol says
      // (412, so the client falls back), the other sign-in notices are taken.
      if (name === 'signin/tokenExchange') {
        const v = (value ?? {}) as { id?: unknown; connectionName?: unknown };
        return {
          status: 412,
          body: {
            ...(typeof v.id === 'string' ? { id: v.id } : {}),
            ...(typeof v.connectionName === 'string' ? { connectionName: v.connectionName } : {}),
            failureDetail: 'Deskmate does not use single sign-on in Teams',
          },
        };
      }
      return invokeAccepted;
    case 'healthCheck':
      return { status: 200, body: { healthResults: { success: true, messages: ['Deskmate is running'] } } };
    case 'actionableMessage':
    case 'fileConsent':
    case 'handoff':
      return invokeAccepted;
    default:
      return adaptiveCardAnswer.error(501, 'NotSupported', `Deskmate does not handle "${name.slice(0, 100)}" requests`);
  }
}
