import { describe, expect, it } from 'vitest';
import { MAX_CARD_BYTES, renderKbArticleCard, renderKbResultsCard } from '../render/index.js';
import { toCardMarkdown } from '../render/kb.js';
import { checkCard } from './adaptive.js';

const links = { console: 'https://desk.example.com' };
const long = (n: number) => 'word '.repeat(Math.ceil(n / 5)).slice(0, n);

describe('knowledge-base cards', () => {
  it('turn headings into bold lines, keeping lists and links for the card to render', () => {
    expect(toCardMarkdown('## Connect\n\n1. Open it\n2. Sign in with **MFA**\n\n[More](https://x.test)')).toEqual([
      '**Connect**',
      '1. Open it\n2. Sign in with **MFA**',
      '[More](https://x.test)',
    ]);
  });

  it('keep a very long article within Teams’ size, ending with a link to the rest', () => {
    const body = Array.from({ length: 200 }, (_, i) => `Paragraph ${i}. ${long(600)}`).join('\n\n');
    for (const state of ['ask', 'helped', 'not_helped', 'ticket'] as const) {
      const card = renderKbArticleCard({ slug: 'long', title: long(500), body }, long(500), state, links);
      expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThanOrEqual(MAX_CARD_BYTES);
      expect(checkCard(card)).toEqual({ problems: [], rendered: true });
      expect(JSON.stringify(card)).toContain('Read the rest in Deskmate');
    }
  });

  it('show people’s words as typed: a query cannot become markdown in the card', () => {
    const card = renderKbResultsCard('**bold** [x](https://evil.test)', [], links);
    expect(checkCard(card)).toEqual({ problems: [], rendered: true });
    const runs = JSON.stringify(card);
    expect(runs).toContain('"type":"TextRun","text":"**bold** [x](https://evil.test)"');
  });
});
