import { card, plain, text, type TCard } from './card.js';

/** A one-line card that replaces a used card (a rating given, an action refused). */
export function renderNoticeCard(title: string, detail?: string): TCard {
  return card([text(title, { weight: 'Bolder' }), ...(detail ? [plain(detail)] : [])]);
}
