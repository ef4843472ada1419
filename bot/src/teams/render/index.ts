/** Adaptive Card presenters: pure functions from Deskmate data to card JSON. */
export { renderWizardCard, type TWizardCardOptions } from './wizard.js';
export { renderPickCard, renderPickedCard, PICK_MAX_TICKETS } from './pick.js';
export { renderTriageCard, type TTicketViewer, type TTriageCardOptions } from './triage.js';
export { renderNotificationCard, renderRatedCard } from './notification.js';
export { renderFilesCard, renderNoticeCard } from './notice.js';
export { renderThreadEventCard } from './thread.js';
export { kbHelpUsage, renderKbArticleCard, renderKbResultsCard, type TKbFeedbackState } from './kb.js';
export { CARD_CONTENT_TYPE, MAX_CARD_BYTES, type TCard } from './card.js';
export {
  parseSubmitted,
  inputIds,
  isGroupInputId,
  type TCardAction,
  type TSubmitted,
  type TTriageOp,
} from './actions.js';
export { type TLinks } from './links.js';
export {
  adaptiveCardAnswer,
  composeMessage,
  invokeAccepted,
  invokeValueTypes,
  taskCard,
  taskMessage,
  unsupportedInvoke,
  type TInvokeResponse,
} from './invoke.js';
export { renderCreateFromMessageCard, CREATE_TEXT_MAX } from './create.js';
