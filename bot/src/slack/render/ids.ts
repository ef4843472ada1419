import { articleUrl as articleUrlFor, ticketUrl as ticketUrlFor, wizard } from '@deskmate/shared';

type TWizardStep = wizard.TWizardStep;

/**
 * Action, block and callback ids: the contract between what the presenters render and what the
 * listeners match. Wizard buttons carry the step and the choice value in their action id and the
 * conversation (session id) in their value, so a click needs no lookup.
 */
export const ids = {
  wizardChoice: (step: TWizardStep, value: string) => `wizard:${step}:${value}`,
  wizardBack: 'wizard:nav:back',
  wizardCancel: 'wizard:nav:cancel',
  wizardPattern: /^wizard:([a-z]+):(.+)$/,
  triageClaim: 'triage:claim',
  triageAssign: 'triage:assign',
  triagePriority: 'triage:priority',
  triageResolve: 'triage:resolve',
  triageReply: 'triage:reply',
  triagePattern: /^triage:(claim|assign|priority|resolve|reply)$/,
  triageBlock: (key: string) => `triage:${key}`,
  csat: (rating: number) => `csat:${rating}`,
  csatPattern: /^csat:([1-5])$/,
  homeNewTicket: 'home:new_ticket',
  homeKbSearch: 'home:kb_search',
  homePattern: /^home:(new_ticket|kb_search)$/,
  /** The knowledge-base search modal (App Home): Enter in its field searches, submit opens a ticket. */
  kbSearchModal: 'kb_search',
  kbQuery: { block: 'kb_query', action: 'kb:search' },
  /** "View" on a search result (one per result, numbered so that a view's action ids stay unique). */
  kbView: (i: number) => `kb:view:${i}`,
  kbHelpful: (helpful: boolean) => `kb:helpful:${helpful ? 'yes' : 'no'}`,
  kbTicket: 'kb:ticket',
  kbPattern: /^kb:(search|view:\d+|helpful:(yes|no)|ticket)$/,
  kbArticleModal: 'kb_article',
  /** Links (open in the console) still send an action; it is acknowledged and ignored. */
  openLink: 'link:open',
  newTicketModal: 'new_ticket',
  newTicketInput: { block: 'description', action: 'text' },
  createTicketShortcut: 'create_ticket',
  /** The modals of the triage card's actions: their callback ids and their one input each. */
  replyModal: 'triage_reply',
  replyInput: { block: 'reply', action: 'text' },
  assignModal: 'triage_assign',
  assignInput: { block: 'assignee', action: 'agent' },
  priorityModal: 'triage_priority',
  priorityInput: { block: 'priority', action: 'level' },
  reasonInput: { block: 'reason', action: 'text' },
  resolveModal: 'triage_resolve',
  resolutionInput: { block: 'resolution', action: 'text' },
  resolveNoteInput: { block: 'note', action: 'text' },
} as const;

/** The wizard input a button stands for, from its action id. */
export function parseWizardAction(
  actionId: string,
): { kind: 'choice'; step: TWizardStep; value: string } | { kind: 'back' | 'cancel' } | null {
  const match = ids.wizardPattern.exec(actionId);
  if (!match) return null;
  const [, step, value] = match as unknown as [string, string, string];
  if (step === 'nav') return value === 'back' || value === 'cancel' ? { kind: value } : null;
  const parsed = wizard.ZWizardStep.safeParse(step);
  return parsed.success ? { kind: 'choice', step: parsed.data, value } : null;
}

export interface Links {
  /** The console's base URL, without a trailing slash. */
  console: string;
}

export const ticketUrl = (links: Links, key: string, agent: boolean) => ticketUrlFor(links.console, key, agent);

export const articleUrl = (links: Links, slug: string) => articleUrlFor(links.console, slug);
