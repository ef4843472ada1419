/**
 * The intake wizard: a pure, deterministic state machine shared by every channel (Slack, Teams,
 * the web portal, a terminal). `start()` and `next()` take plain data and return the new state
 * (store it as JSON) and a prompt (render it). Exported from `@deskmate/shared` as `wizard`.
 */
export { start, next, isExpired, isFinished, ticketDraft } from './machine.js';
export { promptFor, summarize } from './prompts.js';
export { matchChoice, normalize, type TChoiceMatch, type TMatchOptions } from './matching.js';
export { matrixPriority, maxPriority, priorityMatrix, ticketPriority } from './priority.js';
export { categoryLabels, impactLabels, priorityLabels, urgencyLabels } from './labels.js';
export { deriveTitle } from './text.js';
export { needHelp, solvedValue, summaryValues, detailsValues } from './choices.js';
export * from './schemas.js';
