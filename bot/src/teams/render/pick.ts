import type { TTicket } from '@deskmate/shared';
import { actionData, inputIds } from './actions.js';
import { buttonRows, card, clip, plain, submit, text, type TCard } from './card.js';
import { statusLabels } from './labels.js';
import type { TTeamsFileRef } from '../files.js';

/** Tickets offered as buttons; older ones are in the portal. */
export const PICK_MAX_TICKETS = 5;
/** The message rides in the card, which must stay within Teams' message size. */
export const PICK_MESSAGE_MAX = 10_000;

/**
 * Teams has no threads in a personal chat, so a message typed while tickets are open could be
 * meant for any of them: ask. The message rides along in an (editable) field of the card, so
 * nothing has to be kept between the question and the answer.
 */
export function renderPickCard(
  message: string,
  openTickets: readonly TTicket[],
  files: readonly TTeamsFileRef[] = [],
): TCard {
  const shown = openTickets.slice(0, PICK_MAX_TICKETS);
  const value = clip(message, PICK_MESSAGE_MAX);
  return card([
    text('Add this message to one of your open tickets, or start a new request?', { weight: 'Bolder' }),
    {
      type: 'Input.Text',
      id: inputIds.message,
      label: 'Your message',
      isMultiline: true,
      value,
      maxLength: PICK_MESSAGE_MAX,
      isRequired: true,
      errorMessage: 'The message is empty',
    },
    ...(value.length < message.length
      ? [
          text(`Long message: only its first ${PICK_MESSAGE_MAX.toLocaleString('en-US')} characters are kept.`, {
            isSubtle: true,
          }),
        ]
      : []),
    ...buttonRows(
      shown.map((t) =>
        submit(`${t.key}: ${clip(t.title, 40)} (${statusLabels[t.status]})`, actionData.pick(t.key, files)),
      ),
      1,
    ),
    ...(openTickets.length > shown.length
      ? [text('Older open tickets are in the Deskmate portal.', { isSubtle: true })]
      : []),
    ...(files.length
      ? [
          plain(
            `With ${files.length === 1 ? 'the file' : `${files.length} files`}: ${files.map((f) => f.name).join(', ')}`,
            { isSubtle: true },
          ),
        ]
      : []),
    ...buttonRows([submit('New request', actionData.pick(null, files), { style: 'positive' })]),
  ]);
}

/** The question, answered: what was added where (buttons gone, so it cannot be sent twice). */
export function renderPickedCard(message: string, ticket: Pick<TTicket, 'key' | 'title'>): TCard {
  return card([
    text(`Added to ${ticket.key}`, { weight: 'Bolder' }),
    plain(ticket.title, { isSubtle: true }),
    plain(clip(message, 2000)),
  ]);
}
