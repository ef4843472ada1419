import { describe, expect, it } from 'vitest';
import { kbArticleModal, kbResultsMessage, kbSearchModal, toMrkdwn } from './render/kb.js';
import { limitProblems } from './render/limits.js';

const links = { console: 'https://desk.test' };
const long = (n: number) => 'word '.repeat(Math.ceil(n / 5)).slice(0, n);
const hit = (i: number) => ({ slug: `article-${i}`, title: `Title ${i} ${long(400)}`, snippet: long(900), score: 1 });

describe('knowledge-base presenters', () => {
  it('turn article markdown into mrkdwn, escaping what could become a mention or a link', () => {
    const md = '## If it <drops>\n\n- **Restart** the client & [read more](https://x.test/a?b=1)\n* <!channel>';
    expect(toMrkdwn(md)).toBe(
      '*If it &lt;drops&gt;*\n\n• *Restart* the client &amp; <https://x.test/a?b=1|read more>\n• &lt;!channel&gt;',
    );
  });

  it('keep a very long article within a modal’s limits, ending with a link to the rest', () => {
    const body = Array.from({ length: 300 }, (_, i) => `Paragraph ${i}. ${long(700)}`).join('\n\n');
    const view = kbArticleModal({ slug: 'long', title: long(400), body }, 'q', 'ask', links);
    expect(limitProblems(view.blocks)).toEqual([]);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(JSON.stringify(view.blocks)).toContain('<https://desk.test/portal/kb/long|Read the rest in Deskmate>');
  });

  it('keep results within Block Kit limits, with unique action ids, and escape the words', () => {
    const query = `<!here> ${long(480)}`;
    const msg = kbResultsMessage(query, [1, 2, 3, 4, 5].map(hit), links);
    expect(limitProblems(msg.blocks)).toEqual([]);
    // Shown text (mrkdwn) has the words escaped; button values are data, never rendered.
    const shown = JSON.stringify([msg.text, msg.blocks.map((b) => ('text' in b ? b.text : undefined))]);
    expect(shown).toContain('&lt;!here&gt;');
    expect(shown).not.toContain('<!here>');
    const modal = kbSearchModal(links, { query, hits: [1, 2, 3, 4, 5].map(hit) });
    expect(limitProblems(modal.blocks)).toEqual([]);
    expect(modal.private_metadata!.length).toBeLessThanOrEqual(3000);
  });
});
