import type { TChatSession, wizard } from '@deskmate/shared';
import { actionData, groupInputId, inputIds } from './actions.js';
import {
  buttonRows,
  card,
  clip,
  fact,
  heading,
  openUrl,
  plain,
  submit,
  text,
  when,
  type TCard,
  type TJson,
} from './card.js';
import { articleUrl, ticketUrl, type TLinks } from './links.js';

type TPrompt = wizard.TWizardPrompt;

export interface TWizardCardOptions {
  /** A first line above the prompt (the welcome when the app is installed). */
  greeting?: string;
  /**
   * The card as a record of what was asked, with no inputs or buttons: the conversation went on
   * in a newer card below (the person typed their answer instead of using this card).
   */
  answered?: boolean;
}

const choiceStyle = { primary: 'positive', danger: 'destructive' } as const;

/**
 * The wizard's prompt as an Adaptive Card. It renders what the prompt says — text, articles,
 * summary, an input, choices, navigation — and decides nothing about the conversation: every
 * button sends back an input for the wizard, as the prompt describes it.
 */
export function renderWizardCard(session: TChatSession, links: TLinks, options: TWizardCardOptions = {}): TCard {
  const prompt = session.prompt;
  const body: TJson[] = [];
  if (options.greeting) body.push(text(options.greeting, { weight: 'Bolder' }));
  if (!prompt.final) {
    body.push(text(`Step ${prompt.progress.current} of ${prompt.progress.total}`, { isSubtle: true, size: 'Small' }));
  }
  if (prompt.notice) body.push(plain(prompt.notice, { isSubtle: true, italic: true }));
  if (prompt.error && !options.answered) body.push(plain(prompt.error, { color: 'Attention' }));
  body.push(plain(prompt.text, { weight: 'Bolder' }));
  body.push(...articles(prompt, links));
  body.push(...summary(prompt));
  body.push(...created(prompt, links));
  if (options.answered) {
    body.push(text('Answered below.', { isSubtle: true, size: 'Small' }));
    return card(body);
  }
  body.push(...inputs(prompt));
  body.push(...buttonRows(buttons(session)));
  return card(body, navigation(session));
}

function articles(prompt: TPrompt, links: TLinks): TJson[] {
  return (prompt.articles ?? []).map((a) => ({
    type: 'Container',
    style: 'emphasis',
    spacing: 'Medium',
    items: [
      plain(a.title, { weight: 'Bolder' }),
      plain(clip(a.snippet, 500), { isSubtle: true }),
      { type: 'ActionSet', actions: [openUrl('Read the article', articleUrl(links, a.slug))] },
    ],
  }));
}

function summary(prompt: TPrompt): TJson[] {
  const s = prompt.summary;
  if (!s) return [];
  return [
    fact('Title', s.title),
    fact('Description', clip(s.description, 2000) + (s.descriptionTruncated ? ' (shortened)' : '')),
    ...(s.details ? [fact('Details', clip(s.details, 2000))] : []),
    fact('Category', s.category.label),
    fact('Impact', `${s.impact.label}, ${s.urgency.label.toLowerCase()}`),
    fact('Priority', s.priority.label),
  ];
}

function created(prompt: TPrompt, links: TLinks): TJson[] {
  const t = prompt.ticket;
  if (!t) return [];
  return [
    heading(t.key),
    text(`First response by ${when(t.firstResponseDueAt)}`, { isSubtle: true }),
    { type: 'ActionSet', actions: [openUrl('Open in Deskmate', ticketUrl(links, t.key, false))] },
  ];
}

function inputs(prompt: TPrompt): TJson[] {
  const out: TJson[] = [];
  const input = prompt.input;
  if (input) {
    out.push({
      type: 'Input.Text',
      id: inputIds.wizardText,
      label: input.optional ? 'Your answer (optional)' : 'Your answer',
      isMultiline: input.kind === 'textarea',
      placeholder: input.placeholder,
      maxLength: input.maxLength,
      ...(input.value ? { value: clip(input.value, input.maxLength) } : {}),
      ...(input.optional ? {} : { isRequired: true, errorMessage: 'Please type an answer' }),
    });
  }
  for (const group of prompt.groups ?? []) {
    out.push({
      type: 'Input.ChoiceSet',
      id: groupInputId(group.name),
      label: group.label,
      style: 'expanded',
      isRequired: true,
      errorMessage: 'Please pick one',
      choices: group.choices.map((c) => ({ title: c.label, value: c.value })),
      ...(group.selected ? { value: group.selected } : {}),
    });
  }
  return out;
}

/** The prompt's own buttons: "Next" for a form, then each choice. */
function buttons(session: TChatSession): TJson[] {
  const prompt = session.prompt;
  const out: TJson[] = [];
  if (prompt.input) out.push(submit('Next', actionData.wizard(session, { type: 'text' }), { style: 'positive' }));
  if (prompt.groups?.length) {
    out.push(submit('Next', actionData.wizard(session, { type: 'choices', step: prompt.step }), { style: 'positive' }));
  }
  for (const c of prompt.choices ?? []) {
    const data = actionData.wizard(session, { type: 'choice', value: c.value, step: prompt.step });
    out.push(submit(c.label, data, { style: c.style ? choiceStyle[c.style] : undefined, inputs: false }));
  }
  return out;
}

/** Back, Cancel, or — when the conversation is over — a way to start another request. */
function navigation(session: TChatSession): TJson[] {
  const { nav, final } = session.prompt;
  const out: TJson[] = [];
  const plainButton = { inputs: false };
  if (nav.back) out.push(submit('Back', actionData.wizard(session, { type: 'back' }), plainButton));
  if (nav.cancel) out.push(submit('Cancel', actionData.wizard(session, { type: 'cancel' }), plainButton));
  if (final) out.push(submit('New request', actionData.wizard(session, { type: 'restart' }), plainButton));
  return out;
}
