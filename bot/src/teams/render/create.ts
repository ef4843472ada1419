import { actionData, inputIds } from './actions.js';
import { card, clip, fact, submit, text, type TCard } from './card.js';

/** The chat API takes a description of up to this many characters to start a request from. */
export const CREATE_TEXT_MAX = 8000;

/**
 * The dialog of "Create ticket" on a Teams message: the message (editable) and who wrote it. It
 * continues in the person's chat with Deskmate, where the wizard takes it from there, as the
 * Slack shortcut does.
 */
export function renderCreateFromMessageCard(message: {
  text: string;
  author: string | null;
  link: string | null;
}): TCard {
  return card([
    text('Create a ticket from this message', { weight: 'Bolder', size: 'Medium' }),
    ...(message.author ? [fact('From', message.author)] : []),
    {
      type: 'Input.Text',
      id: inputIds.description,
      label: 'What is wrong',
      isMultiline: true,
      value: clip(message.text, CREATE_TEXT_MAX),
      maxLength: CREATE_TEXT_MAX,
      isRequired: true,
      errorMessage: 'Describe the problem',
    },
    text('I will ask a few quick questions in your chat with Deskmate.', { isSubtle: true, size: 'Small' }),
    {
      type: 'ActionSet',
      actions: [submit('Continue in chat', actionData.create(message.author, message.link), { style: 'positive' })],
    },
  ]);
}
