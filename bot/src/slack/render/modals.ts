import type { types } from '@slack/bolt';
import { ticketPriorities, wizard, type TDirectoryAgent, type TTicket } from '@deskmate/shared';
import { ids } from './ids.js';
import { blockLimits, context, esc, plain, section } from './limits.js';

/** What a triage modal carries to its submission: the ticket, and where to answer a refusal. */
export interface TModalContext {
  key: string;
  channel: string;
}

export function modalContext(raw: string | undefined): TModalContext | null {
  try {
    const parsed = JSON.parse(raw ?? '') as Partial<TModalContext>;
    return typeof parsed.key === 'string' && typeof parsed.channel === 'string'
      ? { key: parsed.key, channel: parsed.channel }
      : null;
  } catch {
    return null;
  }
}

const ticketLine = (t: TTicket) => section(`*${esc(t.key)}* · ${esc(t.title)}`);

/**
 * "Reply to requester" from the triage card: the one way to send a public reply from the triage
 * channel (what is written in the card's thread stays an internal note).
 */
export function replyModal(t: TTicket, where: TModalContext): types.ModalView {
  return {
    type: 'modal',
    callback_id: ids.replyModal,
    private_metadata: JSON.stringify(where),
    title: plain('Reply to requester', 24),
    submit: plain('Send reply', 24),
    close: plain('Cancel', 24),
    blocks: [
      ticketLine(t),
      context(
        `:eyes: *Public:* ${esc(t.requester.name)} gets this reply (in chat or by email), and it is on the ticket.`,
      ),
      {
        type: 'input',
        block_id: ids.replyInput.block,
        label: plain('Your reply', blockLimits.header),
        element: {
          type: 'plain_text_input',
          action_id: ids.replyInput.action,
          multiline: true,
          max_length: 3000,
        },
      },
    ],
  };
}

const textInput = (
  input: { block: string; action: string },
  label: string,
  options: { optional?: boolean; hint?: string; placeholder?: string } = {},
): types.InputBlock => ({
  type: 'input',
  block_id: input.block,
  label: plain(label, blockLimits.header),
  ...(options.optional ? { optional: true } : {}),
  ...(options.hint ? { hint: plain(options.hint, 150) } : {}),
  element: {
    type: 'plain_text_input',
    action_id: input.action,
    multiline: true,
    max_length: 3000,
    ...(options.placeholder ? { placeholder: plain(options.placeholder, 150) } : {}),
  },
});

const option = (text: string, value: string) => ({ text: plain(text, blockLimits.optionText), value });

/** Resolve, with an optional message to the requester (public) and an optional internal note. */
export function resolveModal(t: TTicket, where: TModalContext): types.ModalView {
  return {
    type: 'modal',
    callback_id: ids.resolveModal,
    private_metadata: JSON.stringify(where),
    title: plain(`Resolve ${t.key}`, 24),
    submit: plain('Resolve', 24),
    close: plain('Cancel', 24),
    blocks: [
      ticketLine(t),
      textInput(ids.resolutionInput, 'Message to the requester', {
        optional: true,
        hint: `Public: ${t.requester.name} gets it with the resolution and a request to rate the help.`,
        placeholder: 'What was done, and what to do if it happens again',
      }),
      textInput(ids.resolveNoteInput, 'Internal note', {
        optional: true,
        hint: 'Agents only: never shown to the requester.',
      }),
    ],
  };
}

/** Assign to one of the agents the menu offers (the ticket group's, as in Teams). */
export function assignModal(t: TTicket, agents: readonly TDirectoryAgent[], where: TModalContext): types.ModalView {
  const options = agents.map((a) => option(a.away ? `${a.name} (away)` : a.name, a.id));
  const current = options.find((o) => o.value === t.assignee?.id);
  return {
    type: 'modal',
    callback_id: ids.assignModal,
    private_metadata: JSON.stringify(where),
    title: plain(`Assign ${t.key}`, 24),
    submit: plain('Assign', 24),
    close: plain('Cancel', 24),
    blocks: [
      ticketLine(t),
      {
        type: 'input',
        block_id: ids.assignInput.block,
        label: plain(t.group ? `An agent of ${t.group.name}` : 'An agent', blockLimits.header),
        element: {
          type: 'static_select',
          action_id: ids.assignInput.action,
          placeholder: plain('Choose an agent', blockLimits.optionText),
          options,
          ...(current ? { initial_option: current } : {}),
        },
      },
    ],
  };
}

/** Change the priority, with the reason (kept with the change, internal). */
export function priorityModal(t: TTicket, where: TModalContext): types.ModalView {
  const options = ticketPriorities.map((p) => option(wizard.priorityLabels[p], p));
  return {
    type: 'modal',
    callback_id: ids.priorityModal,
    private_metadata: JSON.stringify(where),
    title: plain(`Priority of ${t.key}`, 24),
    submit: plain('Change', 24),
    close: plain('Cancel', 24),
    blocks: [
      ticketLine(t),
      {
        type: 'input',
        block_id: ids.priorityInput.block,
        label: plain('Priority', blockLimits.header),
        element: {
          type: 'static_select',
          action_id: ids.priorityInput.action,
          options,
          initial_option: options.find((o) => o.value === t.priority)!,
        },
      },
      textInput(ids.reasonInput, 'Reason', {
        hint: 'Kept with the change on the ticket, for agents only.',
        placeholder: 'Why this priority',
      }),
    ],
  };
}
