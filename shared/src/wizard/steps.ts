import type { TTicketCategory } from '../domain.js';
import {
  categoryChoices,
  categorySynonyms,
  detailsChoices,
  detailsSynonyms,
  detailsValues,
  impactChoices,
  impactSynonyms,
  needHelp,
  solvedSlug,
  suggestChoices,
  suggestSynonyms,
  summaryChoices,
  summarySynonyms,
  summaryValues,
  urgencyChoices,
  urgencySynonyms,
} from './choices.js';
import { matchChoice, normalize, type TMatchOptions } from './matching.js';
import { isGreeting } from './phrases.js';
import {
  impacts,
  urgencies,
  wizardLimits,
  ZClassification,
  type TArticleSuggestion,
  type TImpact,
  type TUrgency,
  type TWizardChoice,
  type TWizardEnv,
  type TWizardInput,
  type TWizardState,
  type TWizardStep,
} from './schemas.js';
import { cleanText, cleanTitle, deriveTitle } from './text.js';

/** A step's answer to one input: the new state and what to tell the user about the input. */
export interface TOutcome {
  state: TWizardState;
  notice?: string;
  error?: string;
}

export const messages = {
  greeting: "Hi! Tell me what's going wrong and I'll take it from there.",
  tooShort: 'Could you add a bit more detail? A short sentence about what is wrong helps us route it.',
  truncated: `That was long, so I kept the first ${wizardLimits.descriptionMax.toLocaleString('en-US')} characters.`,
  detailsTruncated: `That was long, so I kept the first ${wizardLimits.detailsMax.toLocaleString('en-US')} characters.`,
  titleTruncated: `Titles are at most ${wizardLimits.titleMax} characters, so I shortened it.`,
  titleTooShort: 'Please type a title of a few words.',
  typeIt: 'Please type your answer.',
  unavailable: "That option isn't available here.",
  firstStep: 'This is the first step.',
  notUnderstood: "Sorry, I didn't catch that.",
  emptyDetails: 'Type the details, or choose Skip.',
  emptyDetailsEdit: 'Type new details, or keep or remove the current ones.',
} as const;

/** The category shown as the answer: the user's choice, else the classifier's suggestion. */
export function selectedCategory(state: TWizardState): TTicketCategory | null {
  return state.draft.category ?? state.classification?.category ?? null;
}

/** The first step whose answer is missing, or `summary` when the draft is complete. */
export function firstMissingStep(state: TWizardState): TWizardStep {
  const { draft } = state;
  if (!draft.description) return 'describe';
  if (!draft.category) return 'category';
  if (!draft.impact || !draft.urgency) return 'impact';
  return 'summary';
}

/** Where an answered step leads: the following step, or back to the summary when editing. */
function after(state: TWizardState, step: TWizardStep): TWizardState {
  if (state.editing || step === 'summary') return { ...state, step: firstMissingStep(state), editing: false };
  return { ...state, step };
}

/** `back`: one step earlier, or the summary when a field is being edited; harmless at the start. */
export function goBack(state: TWizardState): TOutcome {
  if (state.editing) return { state: { ...state, step: firstMissingStep(state), editing: false } };
  const previous: Partial<Record<TWizardStep, TWizardStep>> = {
    suggest: 'describe',
    category: state.suggestions.length > 0 ? 'suggest' : 'describe',
    impact: 'category',
    details: 'impact',
    summary: 'details',
    title: 'summary',
  };
  const step = previous[state.step];
  return step ? { state: { ...state, step } } : { state, notice: messages.firstStep };
}

/** Accept a description (typed at `describe`, or given to `start`). */
export function describe(state: TWizardState, raw: string, env: TWizardEnv): TOutcome {
  if (isGreeting(raw)) return { state, notice: messages.greeting };
  if (raw.replace(/\s+/g, ' ').trim().length < wizardLimits.descriptionMin) return { state, error: messages.tooShort };
  const { text, truncated } = cleanText(raw, wizardLimits.descriptionMax);
  const notice = truncated ? messages.truncated : undefined;
  const draft = {
    ...state.draft,
    description: text,
    descriptionTruncated: truncated,
    title: state.draft.titleEdited ? state.draft.title : deriveTitle(text),
  };
  const classification = ZClassification.safeParse(env.classify(text)).data ?? null;
  // An edited description keeps the user's other answers and does not offer articles again:
  // the user is fixing the ticket, not looking for help anymore.
  if (state.editing) return { state: after({ ...state, draft, classification }, 'summary'), notice };
  const suggestions = firstArticles(env.suggestArticles(text));
  const step = suggestions.length > 0 ? 'suggest' : 'category';
  return { state: { ...state, step, draft, classification, suggestions }, notice };
}

/**
 * The articles to offer: distinct, at most three, and cut to the sizes the state schema allows,
 * so that a long snippet from the knowledge base cannot make the stored state invalid.
 */
function firstArticles(found: readonly TArticleSuggestion[]): TArticleSuggestion[] {
  const seen = new Set<string>();
  const offered: TArticleSuggestion[] = [];
  for (const a of found) {
    if (offered.length === wizardLimits.suggestions) break;
    if (!a.slug || a.slug.length > 200 || !a.title.trim() || seen.has(a.slug)) continue;
    seen.add(a.slug);
    offered.push({ slug: a.slug, title: clip(a.title.trim(), 300), snippet: clip(a.snippet, 1000) });
  }
  return offered;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

type TResolved = { ok: true; value: string } | { ok: false; error: string };

/** Read a choice from a button, a form with one value, or typed text. */
function resolve(
  input: TWizardInput,
  choices: readonly TWizardChoice[],
  hint: string,
  options: TMatchOptions,
): TResolved {
  const known = (value: string): TResolved =>
    choices.some((c) => c.value === value)
      ? { ok: true, value }
      : { ok: false, error: `${messages.unavailable} ${hint}` };
  switch (input.type) {
    case 'choice':
      return known(input.value);
    case 'choices':
      return input.values.length === 1 ? known(input.values[0] as string) : { ok: false, error: hint };
    case 'text': {
      const match = matchChoice(input.text, choices, options);
      if (match.kind === 'match') return { ok: true, value: match.value };
      if (match.kind === 'ambiguous') return { ok: false, error: didYouMean(match.values, choices) };
      return { ok: false, error: `${messages.notUnderstood} ${hint}` };
    }
    default:
      return { ok: false, error: hint };
  }
}

function didYouMean(values: readonly string[], choices: readonly TWizardChoice[]): string {
  const quote = (label: string) => (label.includes('“') ? label : `“${label}”`);
  const labels = values.map((v) => quote(choices.find((c) => c.value === v)?.label ?? v));
  const list = labels.length > 2 ? `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}` : labels.join(' or ');
  return `Did you mean ${list}? Choose one, or type its number.`;
}

export function suggest(state: TWizardState, input: TWizardInput): TOutcome {
  const articles = state.suggestions;
  const hint =
    articles.length === 1
      ? 'Reply "yes" if the article solved it, or "no" if you still need help.'
      : 'Reply with the number of the article that solved it, or "no" if you still need help.';
  const r = resolve(input, suggestChoices(articles), hint, { synonyms: suggestSynonyms(articles) });
  if (!r.ok) return { state, error: r.error };
  if (r.value === needHelp) return { state: after(state, 'category') };
  const article = articles.find((a) => a.slug === solvedSlug(r.value));
  if (!article) return { state, error: hint };
  return {
    state: { ...state, step: 'deflected', editing: false, deflectedBy: { slug: article.slug, title: article.title } },
  };
}

export function category(state: TWizardState, input: TWizardInput): TOutcome {
  const selected = selectedCategory(state);
  const choices = categoryChoices(selected);
  const hint = 'Pick the area that fits best, or type its name or number.';
  const r = resolve(input, choices, hint, { synonyms: categorySynonyms(selected) });
  if (!r.ok) return { state, error: r.error };
  const draft = { ...state.draft, category: r.value as TTicketCategory };
  return { state: after({ ...state, draft }, 'impact') };
}

const impactHint =
  'Who is affected (just me, my team, many people), and how much does it block you (it can wait, slowing me down, I can\'t work)? You can also reply with two numbers, like "1 3".';

/**
 * Impact and urgency are one prompt. Buttons answer one group at a time; a form (`choices`) or a
 * sentence ("the whole office can't work") answers both in one interaction. The step is done once
 * both have an answer, so when both were answered before (back, edit) one change is enough.
 */
export function impact(state: TWizardState, input: TWizardInput): TOutcome {
  let answer: { impact?: TImpact; urgency?: TUrgency } | { error: string };
  switch (input.type) {
    case 'choice':
      answer = impactValues([input.value]);
      break;
    case 'choices':
      answer = impactValues(input.values);
      break;
    case 'text':
      answer = impactText(input.text, state);
      break;
    default:
      answer = { error: impactHint };
  }
  if ('error' in answer) return { state, error: answer.error };
  const draft = {
    ...state.draft,
    impact: answer.impact ?? state.draft.impact,
    urgency: answer.urgency ?? state.draft.urgency,
  };
  const next = { ...state, draft };
  return { state: draft.impact && draft.urgency ? after(next, 'details') : next };
}

function isImpact(value: string): value is TImpact {
  return (impacts as readonly string[]).includes(value);
}

function isUrgency(value: string): value is TUrgency {
  return (urgencies as readonly string[]).includes(value);
}

function impactValues(values: readonly string[]): { impact?: TImpact; urgency?: TUrgency } | { error: string } {
  const impact = values.filter(isImpact);
  const urgency = values.filter(isUrgency);
  if (impact.length + urgency.length !== values.length) return { error: `${messages.unavailable} ${impactHint}` };
  if (impact.length > 1 || urgency.length > 1) return { error: impactHint };
  return { impact: impact[0], urgency: urgency[0] };
}

function impactText(text: string, state: TWizardState): { impact?: TImpact; urgency?: TUrgency } | { error: string } {
  const typed = normalize(text);
  const pair = /^(\d)(?: and)? (\d)$/.exec(typed);
  if (pair) {
    const i = impacts[Number(pair[1]) - 1];
    const u = urgencies[Number(pair[2]) - 1];
    return i && u ? { impact: i, urgency: u } : { error: `${messages.notUnderstood} ${impactHint}` };
  }
  const single = /^\d$/.exec(typed);
  if (single) {
    // One number names a choice only when exactly one of the two questions is still open.
    const n = Number(typed) - 1;
    if (state.draft.impact && !state.draft.urgency && urgencies[n]) return { urgency: urgencies[n] };
    if (!state.draft.impact && state.draft.urgency && impacts[n]) return { impact: impacts[n] };
    return { error: impactHint };
  }
  const i = matchChoice(text, impactChoices, { synonyms: impactSynonyms, numbers: false });
  const u = matchChoice(text, urgencyChoices, { synonyms: urgencySynonyms, numbers: false });
  if (i.kind === 'ambiguous') return { error: didYouMean(i.values, impactChoices) };
  if (u.kind === 'ambiguous') return { error: didYouMean(u.values, urgencyChoices) };
  if (i.kind === 'none' && u.kind === 'none') return { error: `${messages.notUnderstood} ${impactHint}` };
  return {
    impact: i.kind === 'match' ? (i.value as TImpact) : undefined,
    urgency: u.kind === 'match' ? (u.value as TUrgency) : undefined,
  };
}

/** Details are free text; only a whole message such as "skip" or "no" is read as a choice. */
export function details(state: TWizardState, input: TWizardInput): TOutcome {
  const choices = detailsChoices(state.draft);
  const hint = state.draft.details === null ? messages.emptyDetails : messages.emptyDetailsEdit;
  let value: string | null = null;
  if (input.type === 'text') {
    const match = matchChoice(input.text, choices, { synonyms: detailsSynonyms(state.draft), partial: false });
    if (match.kind === 'match') value = match.value;
    else {
      const { text, truncated } = cleanText(input.text, wizardLimits.detailsMax);
      if (!text) return { state, error: hint };
      const draft = { ...state.draft, details: text };
      return {
        state: after({ ...state, draft }, 'summary'),
        notice: truncated ? messages.detailsTruncated : undefined,
      };
    }
  } else {
    const r = resolve(input, choices, hint, {});
    if (!r.ok) return { state, error: r.error };
    value = r.value;
  }
  const keep = value === detailsValues.keep;
  const draft = { ...state.draft, details: keep ? state.draft.details : null };
  return { state: after({ ...state, draft }, 'summary') };
}

export function summary(state: TWizardState, input: TWizardInput): TOutcome {
  const hint = 'Reply "confirm" to create the ticket, "edit" and a field (like "edit title"), or "cancel".';
  const r = resolve(input, summaryChoices, hint, { synonyms: summarySynonyms });
  if (!r.ok) return { state, error: r.error };
  const edit = (step: TWizardStep): TOutcome => ({ state: { ...state, step, editing: true } });
  switch (r.value) {
    case summaryValues.confirm: {
      const missing = firstMissingStep(state);
      return { state: { ...state, step: missing === 'summary' ? 'submitting' : missing, editing: false } };
    }
    case summaryValues.editTitle:
      return edit('title');
    case summaryValues.editDescription:
      return edit('describe');
    case summaryValues.editCategory:
      return edit('category');
    case summaryValues.editImpact:
      return edit('impact');
    case summaryValues.editDetails:
    default: // resolve() returned one of summaryChoices: this is the last of them
      return edit('details');
  }
}

export function title(state: TWizardState, input: TWizardInput): TOutcome {
  if (input.type !== 'text') return { state, error: messages.typeIt };
  const { text, truncated } = cleanTitle(input.text);
  if (text.length < wizardLimits.titleMin) return { state, error: messages.titleTooShort };
  const draft = { ...state.draft, title: text, titleEdited: true };
  return { state: after({ ...state, draft }, 'summary'), notice: truncated ? messages.titleTruncated : undefined };
}
