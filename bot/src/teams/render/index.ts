/** Adaptive Card presenters: pure functions from Deskmate data to card JSON. */
export { renderWizardCard, type TWizardCardOptions } from './wizard.js';
export { renderPickCard, renderPickedCard, PICK_MAX_TICKETS } from './pick.js';
export { renderTriageCard } from './triage.js';
export { renderNotificationCard, renderRatedCard } from './notification.js';
export { renderNoticeCard } from './notice.js';
export { kbHelpUsage, renderKbArticleCard, renderKbResultsCard, type TKbFeedbackState } from './kb.js';
export { CARD_CONTENT_TYPE, MAX_CARD_BYTES, type TCard } from './card.js';
export { parseSubmitted, inputIds, isGroupInputId, type TCardAction, type TSubmitted } from './actions.js';
export { type TLinks } from './links.js';
