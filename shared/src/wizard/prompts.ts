import { categoryChoices, detailsChoices, impactGroups, suggestChoices, summaryChoices } from './choices.js';
import { categoryLabels, impactLabels, priorityLabels, urgencyLabels } from './labels.js';
import { ticketPriority } from './priority.js';
import {
  terminalSteps,
  wizardLimits,
  type TWizardPrompt,
  type TWizardState,
  type TWizardStep,
  type TWizardSummary,
} from './schemas.js';
import { selectedCategory } from './steps.js';

/** Progress as the user sees it: six questions; `title` is part of the summary. */
const stepNumber: Readonly<Record<TWizardStep, number>> = {
  describe: 1,
  suggest: 2,
  category: 3,
  impact: 4,
  details: 5,
  summary: 6,
  title: 6,
  submitting: 6,
  created: 6,
  deflected: 6,
  cancelled: 6,
};
const totalSteps = 6;

export interface TPromptExtras {
  notice?: string | undefined;
  error?: string | undefined;
}

/** The prompt for a state. Pure: the same state always gives the same prompt. */
export function promptFor(state: TWizardState, extras: TPromptExtras = {}): TWizardPrompt {
  const final = terminalSteps.includes(state.step);
  const prompt: TWizardPrompt = {
    step: state.step,
    text: '',
    progress: { current: stepNumber[state.step], total: totalSteps },
    nav: {
      back: state.editing || !['describe', 'submitting', ...terminalSteps].includes(state.step),
      cancel: !final && state.step !== 'submitting',
    },
    final,
  };
  if (extras.notice) prompt.notice = extras.notice;
  if (extras.error) prompt.error = extras.error;
  return { ...prompt, ...stepContent(state) };
}

type TContent = Omit<Partial<TWizardPrompt>, 'step' | 'progress' | 'nav' | 'final'> & { text: string };

function stepContent(state: TWizardState): TContent {
  const { draft } = state;
  switch (state.step) {
    case 'describe':
      return {
        text: state.editing
          ? 'Update the description of the problem.'
          : "What's going wrong? Describe the problem in a sentence or two.",
        input: {
          kind: 'textarea',
          placeholder: "e.g. My laptop won't connect to the office Wi-Fi since this morning",
          optional: false,
          maxLength: wizardLimits.descriptionMax,
          ...(draft.description ? { value: draft.description } : {}),
        },
      };
    case 'suggest':
      return {
        text:
          state.suggestions.length === 1
            ? 'This article might help. Did it solve the problem?'
            : 'These articles might help. Did one of them solve the problem?',
        articles: state.suggestions,
        choices: suggestChoices(state.suggestions),
      };
    case 'category': {
      const selected = selectedCategory(state);
      return {
        text: selected ? `Which area is it? I think it's ${categoryLabels[selected]}.` : 'Which area is it?',
        choices: categoryChoices(selected),
      };
    }
    case 'impact':
      return { text: impactText(state), groups: impactGroups(draft) };
    case 'details':
      return {
        text: 'Anything else we should know? Error messages, device, when it started.',
        input: {
          kind: 'textarea',
          placeholder: 'Optional details',
          optional: true,
          maxLength: wizardLimits.detailsMax,
          ...(draft.details ? { value: draft.details } : {}),
        },
        choices: detailsChoices(draft),
      };
    case 'summary':
    case 'submitting': {
      const summary = summarize(state);
      if (state.step === 'submitting') return { text: 'Creating your ticket…', ...(summary ? { summary } : {}) };
      return {
        text: 'Here is your ticket. Shall I create it?',
        ...(summary ? { summary } : {}),
        choices: [...summaryChoices],
      };
    }
    case 'title':
      return {
        text: 'What should the title be?',
        input: {
          kind: 'text',
          placeholder: 'A short title',
          optional: false,
          maxLength: wizardLimits.titleMax,
          value: draft.title,
        },
      };
    case 'created': {
      const ticket = state.ticket;
      if (!ticket) return { text: 'Your ticket has been created.' };
      return {
        text: `Done! Your ticket is ${ticket.key} (${priorityLabels[ticket.priority]} priority). We'll get back to you soon.`,
        ticket,
      };
    }
    case 'deflected': {
      const article = state.deflectedBy;
      const what = article ? `“${article.title}”` : 'the article';
      return {
        text: `Glad ${what} sorted it! Message me any time if you need more help.`,
        ...(article ? { deflectedBy: article } : {}),
      };
    }
    case 'cancelled':
      return { text: "Okay, I've cancelled that. Message me any time if you need help." };
  }
}

function impactText(state: TWizardState): string {
  const { impact, urgency } = state.draft;
  if (impact && !urgency) return `Got it: ${impactLabels[impact].toLowerCase()}. How much does it block you?`;
  if (!impact && urgency) return `Got it: ${urgencyLabels[urgency].toLowerCase()}. Who is affected?`;
  return 'How bad is it? Who is affected, and how much does it block you?';
}

/** The summary of a complete draft; null while answers are missing. */
export function summarize(state: TWizardState): TWizardSummary | null {
  const { draft } = state;
  const { category, impact, urgency } = draft;
  if (!draft.description || !category || !impact || !urgency) return null;
  const priority = ticketPriority(state.classification?.priority ?? null, impact, urgency);
  return {
    title: draft.title,
    description: draft.description,
    descriptionTruncated: draft.descriptionTruncated,
    details: draft.details,
    category: { value: category, label: categoryLabels[category] },
    impact: { value: impact, label: impactLabels[impact] },
    urgency: { value: urgency, label: urgencyLabels[urgency] },
    priority: { value: priority, label: priorityLabels[priority] },
  };
}
