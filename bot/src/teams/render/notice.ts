import { card, plain, text, type TCard } from './card.js';

/** A one-line card that replaces a used card (a rating given, an action refused). */
export function renderNoticeCard(title: string, detail?: string): TCard {
  return card([text(title, { weight: 'Bolder' }), ...(detail ? [plain(detail)] : [])]);
}

/** What became of the files someone shared: one line each, their names shown as typed. */
export function renderFilesCard(outcomes: readonly { kept: boolean; message: string }[]): TCard {
  return card(outcomes.map((o) => plain(`${o.kept ? '📎' : '⚠️'} ${o.message}`, o.kept ? {} : { color: 'Attention' })));
}
