import { isGreeting, textCommand } from './phrases.js';
import { ticketPriority } from './priority.js';
import { promptFor } from './prompts.js';
import {
  terminalSteps,
  ZWizardInput,
  type TWizardEnv,
  type TWizardInput,
  type TWizardResult,
  type TWizardStartOptions,
  type TWizardState,
  type TWizardTicketDraft,
} from './schemas.js';
import * as steps from './steps.js';

const texts = {
  invalidInput: "Sorry, I didn't understand that.",
  unexpected: "That isn't expected right now.",
  stale: "That button belongs to an earlier message. Here's where we are now.",
  welcomeBack: "Welcome back! Here's where we left off.",
  busy: 'Your ticket is being created, one moment.',
  finished: 'This request is finished. Say "start over" to report something else.',
  failed: (message: string) =>
    `I couldn't create the ticket: ${/[.!?]$/.test(message.trim()) ? message.trim() : `${message.trim()}.`} Try Confirm again, or Cancel.`,
} as const;

function initialState(source: TWizardStartOptions['source'], now: Date): TWizardState {
  return {
    v: 1,
    step: 'describe',
    source: source ?? null,
    editing: false,
    draft: {
      description: '',
      descriptionTruncated: false,
      title: '',
      titleEdited: false,
      category: null,
      impact: null,
      urgency: null,
      details: null,
    },
    suggestions: [],
    classification: null,
    deflectedBy: null,
    ticket: null,
    updatedAt: now.toISOString(),
  };
}

/**
 * A new wizard. With `text` (`/ticket my vpn is down`, a message shortcut) the text is taken as
 * the description, so the first prompt is the suggestions or the category (the category at once
 * with `offerArticles: false`).
 */
export function start(options: TWizardStartOptions, env: TWizardEnv): TWizardResult {
  const state = initialState(options.source, env.now());
  if (options.text === undefined || options.text.trim() === '') return { state, prompt: promptFor(state) };
  const searched: TWizardEnv = options.offerArticles === false ? { ...env, suggestArticles: () => [] } : env;
  const outcome = steps.describe(state, options.text, searched);
  return { state: outcome.state, prompt: promptFor(outcome.state, outcome) };
}

/**
 * One turn of the conversation: the state stored after the last turn and what the user (or the
 * caller, for `created`/`failed`) sent. Never throws on bad input: a wrong input gives the same
 * step again with `prompt.error`. The input is validated here too, so JSON from a request can be
 * passed as is.
 */
export function next(state: TWizardState, input: TWizardInput, env: TWizardEnv): TWizardResult {
  const parsed = ZWizardInput.safeParse(input);
  if (!parsed.success) return { state, prompt: promptFor(state, { error: texts.invalidInput }) };
  const outcome = turn(state, parsed.data, env);
  // A finished conversation stays exactly as it ended; any other turn counts as activity.
  if (outcome.state === state && isFinished(state)) return { state, prompt: promptFor(state, outcome) };
  const updated = { ...outcome.state, updatedAt: env.now().toISOString() };
  return { state: updated, prompt: promptFor(updated, outcome) };
}

const navValues = new Set(['back', 'cancel', 'restart']);

/** Typed "back"/"cancel"/"start over" and buttons with those values are the navigation inputs. */
function asCommand(input: TWizardInput): TWizardInput {
  if (input.type === 'text') {
    const command = textCommand(input.text);
    return command ? { type: command } : input;
  }
  if (input.type === 'choice' && navValues.has(input.value)) {
    return { type: input.value as 'back' | 'cancel' | 'restart' };
  }
  return input;
}

function turn(state: TWizardState, raw: TWizardInput, env: TWizardEnv): steps.TOutcome {
  const input = asCommand(raw);
  if (isFinished(state)) return input.type === 'restart' ? restart(state, env) : { state, notice: texts.finished };
  if (state.step === 'submitting') return submitting(state, input);
  if ((raw.type === 'choice' || raw.type === 'choices') && raw.step !== undefined && raw.step !== state.step) {
    return { state, error: texts.stale };
  }
  switch (input.type) {
    case 'created':
    case 'failed':
      return { state, error: texts.unexpected };
    case 'restart':
      return restart(state, env);
    case 'cancel':
      return { state: { ...state, step: 'cancelled', editing: false } };
    case 'back':
      return steps.goBack(state);
    case 'text':
      // A greeting in the middle of a conversation resumes it rather than starting over.
      if (isGreeting(input.text) && state.step !== 'describe') return { state, notice: texts.welcomeBack };
      break;
    default:
      break;
  }
  switch (state.step) {
    case 'describe':
      return input.type === 'text' ? steps.describe(state, input.text, env) : { state, error: steps.messages.typeIt };
    case 'suggest':
      return steps.suggest(state, input);
    case 'category':
      return steps.category(state, input);
    case 'impact':
      return steps.impact(state, input);
    case 'details':
      return steps.details(state, input);
    case 'summary':
      return steps.summary(state, input);
    case 'title':
      return steps.title(state, input);
    default:
      return { state, error: texts.unexpected };
  }
}

/** While the caller creates the ticket only its answer is accepted, so a double click cannot file two. */
function submitting(state: TWizardState, input: TWizardInput): steps.TOutcome {
  if (input.type === 'created') {
    const { key, priority, firstResponseDueAt } = input;
    return { state: { ...state, step: 'created', ticket: { key, priority, firstResponseDueAt } } };
  }
  if (input.type === 'failed') return { state: { ...state, step: 'summary' }, error: texts.failed(input.message) };
  return { state, notice: texts.busy };
}

function restart(state: TWizardState, env: TWizardEnv): steps.TOutcome {
  return { state: initialState(state.source ?? undefined, env.now()) };
}

/** True when the state was last updated `ttlMs` or longer before `now` (or its time is unreadable). */
export function isExpired(state: Pick<TWizardState, 'updatedAt'>, now: Date, ttlMs: number): boolean {
  const updated = Date.parse(state.updatedAt);
  return Number.isNaN(updated) || now.getTime() - updated >= ttlMs;
}

export function isFinished(state: Pick<TWizardState, 'step'>): boolean {
  return terminalSteps.includes(state.step);
}

/** The ticket to create, for a state in step `submitting`; null in any other step. */
export function ticketDraft(state: TWizardState): TWizardTicketDraft | null {
  const { draft } = state;
  const { category, impact, urgency } = draft;
  if (state.step !== 'submitting' || !draft.description || !category || !impact || !urgency) return null;
  const chosen = state.deflectedBy?.slug;
  return {
    title: draft.title,
    description: draft.description,
    details: draft.details,
    category,
    impact,
    urgency,
    priority: ticketPriority(state.classification?.priority ?? null, impact, urgency),
    classifierPriority: state.classification?.priority ?? null,
    source: state.source,
    suggestedArticles: state.suggestions.map((a) => a.slug).filter((slug) => slug !== chosen),
  };
}
