import { z } from 'zod';
import { KB_QUERY_MAX, ZTicketPriority, wizard } from '@deskmate/shared';
import type { TTeamsFileRef } from '../files.js';

/**
 * What our Action.Submit buttons send back (`activity.value`): the button's `data`, merged by
 * Teams with the card's input fields. One schema for the cards that write it and the handlers
 * that read it; anything else (a card from another app, a tampered payload) is ignored.
 */

/** Input ids on our cards. */
export const inputIds = {
  /** The wizard's text answer. */
  wizardText: 'wizardText',
  /** The message a person typed, carried by the "which ticket?" card. */
  message: 'message',
  /** A reply typed on a notification card. */
  reply: 'reply',
  priority: 'priority',
  /** The agent a triage card's Assign menu picked (a Deskmate user id). */
  assignee: 'assignee',
  /** An agent's public reply to the requester, typed on the triage card. */
  triageReply: 'triageReply',
  /** The description of a ticket made from a message (the message extension's dialog). */
  description: 'description',
} as const;

/** Choice groups (several answers in one form) use one input each: `group:<name>`. */
export const groupInputId = (name: string) => `group:${name}`;
export const isGroupInputId = (id: string) => id.startsWith('group:');

/**
 * A wizard button: the input it sends, except that `text` and `choices` take their value from the
 * card's fields. `version` lets the API refuse a click on a card the conversation has moved past.
 */
const ZWizardButtonInput = z.union([
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('choices'), step: wizard.ZWizardStep.optional() }),
  wizard.ZWizardInput,
]);

const kbSlug = z.string().min(1).max(100);
const kbQuery = z.string().max(KB_QUERY_MAX);

export const ZCardAction = z.discriminatedUnion('dm', [
  z.object({
    dm: z.literal('wizard'),
    session: z.string().min(1).max(100),
    version: z.number().int().min(0),
    input: ZWizardButtonInput,
  }),
  /**
   * "Which ticket should this message go to?": a ticket key, or null for a new request; the files
   * shared with the message ride along (fetched when the choice is made, from allowed places only).
   */
  z.object({
    dm: z.literal('pick'),
    ticket: z.string().max(50).nullable(),
    files: z
      .array(z.object({ name: z.string().max(255), type: z.string().max(255), url: z.string().max(4000) }))
      .max(10)
      .optional(),
  }),
  z.object({
    dm: z.literal('triage'),
    op: z.enum(['claim', 'resolve', 'priority', 'assign', 'reply']),
    ticket: z.string().max(50),
  }),
  /** "Create ticket" on a message: its author and link ride along with the (editable) text. */
  z.object({
    dm: z.literal('create'),
    author: z.string().max(200).nullable(),
    link: z.string().max(2000).nullable(),
  }),
  /** A ticket card asking for the viewer's own view of it (Universal Actions `refresh`). */
  z.object({ dm: z.literal('view'), ticket: z.string().max(50) }),
  z.object({ dm: z.literal('csat'), ticket: z.string().max(50), rating: z.number().int().min(1).max(5) }),
  z.object({ dm: z.literal('reply'), ticket: z.string().max(50) }),
  /** Knowledge base: show an article found for `q`; answer "Did this help?"; open a ticket with `q`. */
  z.object({ dm: z.literal('kb-view'), slug: kbSlug, q: kbQuery }),
  z.object({ dm: z.literal('kb-helpful'), slug: kbSlug, q: kbQuery, helpful: z.boolean() }),
  z.object({ dm: z.literal('kb-ticket'), q: kbQuery.min(1), slug: kbSlug.optional() }),
]);
export type TCardAction = z.infer<typeof ZCardAction>;
export type TTriageOp = Extract<TCardAction, { dm: 'triage' }>['op'];

/** The submitted value: our data plus the card's input fields (strings). */
export interface TSubmitted {
  action: TCardAction;
  fields: Record<string, string>;
}

export function parseSubmitted(value: unknown): TSubmitted | null {
  if (!value || typeof value !== 'object') return null;
  const parsed = ZCardAction.safeParse(value);
  if (!parsed.success) return null;
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (typeof v === 'string') fields[k] = v;
  return { action: parsed.data, fields };
}

export const ZPriorityField = ZTicketPriority;

/** Helpers to write the data of each button, typed by the schema above. */
export const actionData = {
  wizard: (session: { id: string; version: number }, input: z.infer<typeof ZWizardButtonInput>): TCardAction => ({
    dm: 'wizard',
    session: session.id,
    version: session.version,
    input,
  }),
  pick: (ticket: string | null, files: readonly TTeamsFileRef[] = []): TCardAction => ({
    dm: 'pick',
    ticket,
    ...(files.length ? { files: [...files] } : {}),
  }),
  triage: (op: TTriageOp, ticket: string): TCardAction => ({ dm: 'triage', op, ticket }),
  view: (ticket: string): TCardAction => ({ dm: 'view', ticket }),
  create: (author: string | null, link: string | null): TCardAction => ({ dm: 'create', author, link }),
  csat: (ticket: string, rating: number): TCardAction => ({ dm: 'csat', ticket, rating }),
  reply: (ticket: string): TCardAction => ({ dm: 'reply', ticket }),
  kbView: (slug: string, q: string): TCardAction => ({ dm: 'kb-view', slug, q }),
  kbHelpful: (slug: string, q: string, helpful: boolean): TCardAction => ({ dm: 'kb-helpful', slug, q, helpful }),
  kbTicket: (q: string, slug?: string): TCardAction => ({ dm: 'kb-ticket', q, ...(slug ? { slug } : {}) }),
};
