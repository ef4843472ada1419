import { z } from 'zod';
import {
  CREATE_TEXT_MAX,
  inputIds,
  parseSubmitted,
  renderCreateFromMessageCard,
  renderWizardCard,
  taskCard,
  taskMessage,
  unsupportedInvoke,
} from '../render/index.js';
import { htmlToText } from '../text.js';
import { cardMessage } from './deps.js';
import type { TInvokeHandler } from './invoke.js';

/** The manifest's message action (composeExtensions[0].commands): "Create ticket" on a message. */
export const CREATE_TICKET_COMMAND = 'createTicket';

/** The message an action was used on, as Teams sends it (`value.messagePayload`). */
const ZMessagePayload = z.looseObject({
  body: z.looseObject({ content: z.string().optional(), contentType: z.string().optional() }).optional(),
  from: z
    .looseObject({ user: z.looseObject({ displayName: z.string().optional() }).nullable().optional() })
    .nullable()
    .optional(),
  linkToMessage: z.string().optional(),
});
const ZActionValue = z.looseObject({
  commandId: z.string(),
  messagePayload: ZMessagePayload.optional(),
  data: z.unknown().optional(),
});

const noChat =
  'To create tickets from messages, first open Deskmate in Teams (Apps → Deskmate → Open) and say hello: ' +
  'the questions about the ticket come to that chat.';

/** A link Deskmate keeps with the ticket: only a web address. */
const webLink = (link: string | null | undefined): string | undefined =>
  link &&
  z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .safeParse(link).success
    ? link
    : undefined;

/**
 * `composeExtension/fetchTask` for "Create ticket": a dialog with the message's text (editable)
 * and its author. The person needs a personal chat with the bot, where the wizard continues.
 */
export const onFetchTask: TInvokeHandler = async (deps, context) => {
  const value = ZActionValue.safeParse(context.activity.value);
  if (!value.success || value.data.commandId !== CREATE_TICKET_COMMAND)
    return unsupportedInvoke('composeExtension/fetchTask', context.activity.value);
  const person = await deps.identities.resolve(context);
  if (!person.data.conversationReference) return taskMessage(noChat);
  const payload = value.data.messagePayload;
  const text = htmlToText(payload?.body?.content ?? '');
  if (!text) return taskMessage('This message has no text to make a ticket from.');
  const author = payload?.from?.user?.displayName?.slice(0, 200) || null;
  const link = webLink(payload?.linkToMessage) ?? null;
  return taskCard('Create ticket', renderCreateFromMessageCard({ text, author, link }));
};

/**
 * `composeExtension/submitAction` for "Create ticket": the wizard starts in the person's chat with
 * Deskmate from the (edited) text, with the message's author and link, as the Slack shortcut does.
 */
export const onSubmitAction: TInvokeHandler = async (deps, context) => {
  const value = ZActionValue.safeParse(context.activity.value);
  if (!value.success || value.data.commandId !== CREATE_TICKET_COMMAND)
    return unsupportedInvoke('composeExtension/submitAction', context.activity.value);
  const submitted = parseSubmitted(value.data.data);
  if (!submitted || submitted.action.dm !== 'create') return taskMessage('This form is not one Deskmate sent.');
  const text = submitted.fields[inputIds.description]?.trim() ?? '';
  if (!text) return taskMessage('Describe the problem first.');
  const person = await deps.identities.resolve(context);
  const reference = person.data.conversationReference;
  if (!reference) return taskMessage(noChat);
  const session = await person.as.startSession(reference.conversation.id, text.slice(0, CREATE_TEXT_MAX), {
    url: webLink(submitted.action.link),
    author: submitted.action.author ?? undefined,
  });
  const id = await deps.post(reference, cardMessage(renderWizardCard(session, deps.links())));
  await person.remember({ wizardCardId: id });
  return taskMessage('Your request continues in your chat with Deskmate: answer a few quick questions there.');
};
