import { ticketCategories, type TTicketCategory } from '../domain.js';
import { categoryLabels, impactLabels, urgencyLabels } from './labels.js';
import {
  acceptPhrases,
  categoryPhrases,
  detailsKeepPhrases,
  detailsRemovePhrases,
  detailsSkipPhrases,
  impactPhrases,
  needHelpPhrases,
  solvedPhrases,
  summaryPhrases,
  urgencyPhrases,
} from './phrases.js';
import {
  impacts,
  urgencies,
  type TArticleSuggestion,
  type TWizardChoice,
  type TWizardChoiceGroup,
  type TWizardDraft,
} from './schemas.js';

/**
 * The choices of each step and the phrases that select them. Choice values are stable API:
 * channels put them in button payloads and send them back as `{ type: 'choice', value }`.
 */

type TSynonyms = Readonly<Record<string, readonly string[]>>;

export const needHelp = 'need_help';
const solvedPrefix = 'solved:';

export function solvedValue(slug: string): string {
  return `${solvedPrefix}${slug}`;
}

export function solvedSlug(value: string): string | null {
  return value.startsWith(solvedPrefix) ? value.slice(solvedPrefix.length) : null;
}

export function suggestChoices(articles: readonly TArticleSuggestion[]): TWizardChoice[] {
  const solved = articles.map((a) => ({
    value: solvedValue(a.slug),
    label: articles.length === 1 ? 'This solved it' : `“${shorten(a.title, 40)}” solved it`,
  }));
  return [...solved, { value: needHelp, label: 'I still need help', style: 'primary' }];
}

/** With several articles "yes" names no article: every article gets the phrase, so it is ambiguous. */
export function suggestSynonyms(articles: readonly TArticleSuggestion[]): TSynonyms {
  const synonyms: Record<string, readonly string[]> = { [needHelp]: needHelpPhrases };
  for (const a of articles) synonyms[solvedValue(a.slug)] = solvedPhrases;
  return synonyms;
}

export function categoryChoices(selected: TTicketCategory | null): TWizardChoice[] {
  return ticketCategories.map((c) =>
    c === selected ? { value: c, label: categoryLabels[c], style: 'primary' } : { value: c, label: categoryLabels[c] },
  );
}

export function categorySynonyms(selected: TTicketCategory | null): TSynonyms {
  if (!selected) return categoryPhrases;
  return { ...categoryPhrases, [selected]: [...categoryPhrases[selected], ...acceptPhrases] };
}

export const impactChoices: readonly TWizardChoice[] = impacts.map((v) => ({ value: v, label: impactLabels[v] }));
export const urgencyChoices: readonly TWizardChoice[] = urgencies.map((v) => ({ value: v, label: urgencyLabels[v] }));
export const impactSynonyms: TSynonyms = impactPhrases;
export const urgencySynonyms: TSynonyms = urgencyPhrases;

export function impactGroups(draft: TWizardDraft): TWizardChoiceGroup[] {
  return [
    { name: 'impact', label: 'Who is affected?', choices: [...impactChoices], selected: draft.impact },
    { name: 'urgency', label: 'How much does it block you?', choices: [...urgencyChoices], selected: draft.urgency },
  ];
}

export const detailsValues = { skip: 'skip', keep: 'keep', remove: 'remove' } as const;

/** With details already given (back, edit), "skip" keeps them; removing them is explicit. */
export function detailsChoices(draft: TWizardDraft): TWizardChoice[] {
  if (draft.details === null) return [{ value: detailsValues.skip, label: 'Skip' }];
  return [
    { value: detailsValues.keep, label: 'Keep as is', style: 'primary' },
    { value: detailsValues.remove, label: 'Remove details' },
  ];
}

export function detailsSynonyms(draft: TWizardDraft): TSynonyms {
  if (draft.details === null) return { [detailsValues.skip]: detailsSkipPhrases };
  return { [detailsValues.keep]: detailsKeepPhrases, [detailsValues.remove]: detailsRemovePhrases };
}

export const summaryValues = {
  confirm: 'confirm',
  editTitle: 'edit_title',
  editDescription: 'edit_description',
  editCategory: 'edit_category',
  editImpact: 'edit_impact',
  editDetails: 'edit_details',
} as const;

/**
 * Confirm and the edits. Cancel is not among them: every prompt that can be cancelled says so in
 * `nav.cancel`, and each channel draws that one Cancel (a second one here showed two).
 */
export const summaryChoices: readonly TWizardChoice[] = [
  { value: summaryValues.confirm, label: 'Confirm', style: 'primary' },
  { value: summaryValues.editTitle, label: 'Edit title' },
  { value: summaryValues.editDescription, label: 'Edit description' },
  { value: summaryValues.editCategory, label: 'Edit category' },
  { value: summaryValues.editImpact, label: 'Edit impact and urgency' },
  { value: summaryValues.editDetails, label: 'Edit details' },
];

export const summarySynonyms: TSynonyms = summaryPhrases;

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}
