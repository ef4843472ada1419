import { z } from 'zod';
import { ZChannel, ZTicketCategory, ZTicketKey, ZTicketPriority, type TChannel } from '../domain.js';

/**
 * Steps of the intake wizard. `title` is only reached from the summary ("Edit title");
 * `submitting` waits for the caller to create the ticket; the last three are terminal.
 */
export const wizardSteps = [
  'describe',
  'suggest',
  'category',
  'impact',
  'details',
  'summary',
  'title',
  'submitting',
  'created',
  'deflected',
  'cancelled',
] as const;
export const ZWizardStep = z.enum(wizardSteps);
export type TWizardStep = z.infer<typeof ZWizardStep>;

export const terminalSteps: readonly TWizardStep[] = ['created', 'deflected', 'cancelled'];

/** Who is affected. */
export const impacts = ['me', 'team', 'many'] as const;
export const ZImpact = z.enum(impacts);
export type TImpact = z.infer<typeof ZImpact>;

/** How much it blocks the requester. */
export const urgencies = ['can_wait', 'slowed', 'blocked'] as const;
export const ZUrgency = z.enum(urgencies);
export type TUrgency = z.infer<typeof ZUrgency>;

export const wizardLimits = {
  /** Shorter descriptions (after trimming) are sent back for more detail. */
  descriptionMin: 8,
  descriptionMax: 4000,
  detailsMax: 4000,
  titleMin: 3,
  titleMax: 120,
  suggestions: 3,
  /** Bounds one chat message; longer text is rejected by the schema, not cut. */
  inputMax: 50_000,
} as const;

/** A knowledge-base article offered before a ticket is filed. */
export const ZArticleSuggestion = z.object({
  slug: z.string().min(1).max(200),
  title: z.string().min(1).max(300),
  snippet: z.string().max(1000),
});
export type TArticleSuggestion = z.infer<typeof ZArticleSuggestion>;

/** What the classifier (kb) says about a description; its priority is a floor, never lowered. */
export const ZClassification = z.object({ priority: ZTicketPriority, category: ZTicketCategory });
export type TClassification = z.infer<typeof ZClassification>;

/** The ticket as answered so far. `null` means "not answered yet" (details: none given). */
export const ZWizardDraft = z.object({
  description: z.string().max(wizardLimits.descriptionMax),
  descriptionTruncated: z.boolean(),
  title: z.string().max(wizardLimits.titleMax),
  /** Set once the user typed a title: a later description edit no longer re-derives it. */
  titleEdited: z.boolean(),
  category: ZTicketCategory.nullable(),
  impact: ZImpact.nullable(),
  urgency: ZUrgency.nullable(),
  details: z.string().max(wizardLimits.detailsMax).nullable(),
});
export type TWizardDraft = z.infer<typeof ZWizardDraft>;

const ZIsoTime = z.iso.datetime({ offset: true });

/** The ticket the caller created, as it reports it back with a `created` input. */
export const ZCreatedTicket = z.object({
  key: ZTicketKey,
  priority: ZTicketPriority,
  firstResponseDueAt: ZIsoTime,
});
export type TCreatedTicket = z.infer<typeof ZCreatedTicket>;

/** The whole conversation state: plain JSON, stored by the caller between messages. */
export const ZWizardState = z.object({
  /** Shape version, so stored states can be migrated or discarded. */
  v: z.literal(1),
  step: ZWizardStep,
  source: ZChannel.nullable(),
  /** True while a field is edited from the summary: answering or going back returns there. */
  editing: z.boolean(),
  draft: ZWizardDraft,
  /** Articles found for the description, kept so that back/forward does not search again. */
  suggestions: z.array(ZArticleSuggestion).max(wizardLimits.suggestions),
  classification: ZClassification.nullable(),
  /** The article the user said solved the problem (step `deflected`). */
  deflectedBy: ZArticleSuggestion.pick({ slug: true, title: true }).nullable(),
  /** Set in step `created`. */
  ticket: ZCreatedTicket.nullable(),
  updatedAt: ZIsoTime,
});
export type TWizardState = z.infer<typeof ZWizardState>;

/**
 * `step` on a choice says which prompt the button belonged to: a click on a button of an older
 * message is answered with the current prompt instead of being applied to the wrong step.
 */
const ZChoiceValue = z.string().min(1).max(300);
export const ZWizardInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().max(wizardLimits.inputMax) }),
  z.object({ type: z.literal('choice'), value: ZChoiceValue, step: ZWizardStep.optional() }),
  /** Several choices submitted at once: a form with both impact and urgency (one interaction). */
  z.object({ type: z.literal('choices'), values: z.array(ZChoiceValue).min(1).max(10), step: ZWizardStep.optional() }),
  z.object({ type: z.literal('back') }),
  z.object({ type: z.literal('cancel') }),
  z.object({ type: z.literal('restart') }),
  ZCreatedTicket.extend({ type: z.literal('created') }),
  /** Ticket creation failed; `message` is shown to the user, so keep it free of internals. */
  z.object({ type: z.literal('failed'), message: z.string().min(1).max(500) }),
]);
export type TWizardInput = z.infer<typeof ZWizardInput>;

export const ZWizardChoice = z.object({
  value: z.string(),
  label: z.string(),
  style: z.enum(['primary', 'danger']).optional(),
});
export type TWizardChoice = z.infer<typeof ZWizardChoice>;

/** A group of choices shown together (the impact step shows two), with the current answer. */
export const ZWizardChoiceGroup = z.object({
  name: z.enum(['impact', 'urgency']),
  label: z.string(),
  choices: z.array(ZWizardChoice),
  selected: z.string().nullable(),
});
export type TWizardChoiceGroup = z.infer<typeof ZWizardChoiceGroup>;

export const ZWizardPromptInput = z.object({
  kind: z.enum(['text', 'textarea']),
  placeholder: z.string(),
  optional: z.boolean(),
  /** The current answer, to prefill the field when going back or editing. */
  value: z.string().optional(),
  maxLength: z.number().int().positive(),
});
export type TWizardPromptInput = z.infer<typeof ZWizardPromptInput>;

const labelled = <T extends z.ZodType>(value: T) => z.object({ value, label: z.string() });

export const ZWizardSummary = z.object({
  title: z.string(),
  description: z.string(),
  descriptionTruncated: z.boolean(),
  details: z.string().nullable(),
  category: labelled(ZTicketCategory),
  impact: labelled(ZImpact),
  urgency: labelled(ZUrgency),
  priority: labelled(ZTicketPriority),
});
export type TWizardSummary = z.infer<typeof ZWizardSummary>;

/** What a channel renders: plain data and plain text, no markup. */
export const ZWizardPrompt = z.object({
  step: ZWizardStep,
  text: z.string(),
  choices: z.array(ZWizardChoice).optional(),
  groups: z.array(ZWizardChoiceGroup).optional(),
  input: ZWizardPromptInput.optional(),
  articles: z.array(ZArticleSuggestion).optional(),
  summary: ZWizardSummary.optional(),
  ticket: ZCreatedTicket.optional(),
  deflectedBy: ZArticleSuggestion.pick({ slug: true, title: true }).optional(),
  /** Information about the last input (a long description was cut, welcome back). */
  notice: z.string().optional(),
  /** The last input was not accepted; the prompt repeats the same question. */
  error: z.string().optional(),
  progress: z.object({ current: z.number().int().positive(), total: z.number().int().positive() }),
  /** Which navigation buttons make sense here; `back`/`cancel` inputs are always safe to send. */
  nav: z.object({ back: z.boolean(), cancel: z.boolean() }),
  /** The conversation is over (created, deflected, cancelled): a new message starts a new wizard. */
  final: z.boolean(),
});
export type TWizardPrompt = z.infer<typeof ZWizardPrompt>;

/** What `createTicket` needs, read from a state in step `submitting` with `ticketDraft()`. */
export const ZWizardTicketDraft = z.object({
  title: z.string().min(1),
  description: z.string().min(1),
  details: z.string().nullable(),
  category: ZTicketCategory,
  impact: ZImpact,
  urgency: ZUrgency,
  priority: ZTicketPriority,
  classifierPriority: ZTicketPriority.nullable(),
  source: ZChannel.nullable(),
  /** Slugs of the articles shown and not chosen: useful to measure the knowledge base. */
  suggestedArticles: z.array(z.string()),
});
export type TWizardTicketDraft = z.infer<typeof ZWizardTicketDraft>;

export interface TWizardResult {
  state: TWizardState;
  prompt: TWizardPrompt;
}

export interface TWizardStartOptions {
  /** A description given up front (`/ticket my vpn is down`, a message shortcut). */
  text?: string;
  source?: TChannel;
  /**
   * False when the person already searched the knowledge base with these words and said it did
   * not help (the help centre's "Still need help?"): the wizard goes on without offering articles.
   */
  offerArticles?: boolean;
}

/**
 * Pure dependencies given by the caller. They must be deterministic for a given input so that
 * the wizard is: the wizard never reads the clock or searches on its own.
 */
export interface TWizardEnv {
  now(): Date;
  suggestArticles(text: string): readonly TArticleSuggestion[];
  classify(text: string): TClassification;
}
