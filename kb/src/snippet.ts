import type { TArticle } from './articles.js';
import { analyzeForSearch } from './text.js';

interface Passage {
  text: string;
  terms: Set<string>;
}

const maxLength = 200;
// Keyed by the article object: a replaced article is a new object, so stale passages just age out.
const passageCache = new WeakMap<TArticle, Passage[]>();

/** Markdown to plain text for a one-line chat preview. */
function plain(line: string): string {
  return line
    .replace(/^\s*(?:[-*+]|\d+\.)\s+/, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`]/g, '')
    .trim();
}

function passagesOf(article: TArticle): Passage[] {
  let passages = passageCache.get(article);
  if (!passages) {
    passages = article.body
      .split(/\r?\n/)
      .filter((line) => line.trim() !== '' && !/^\s*#/.test(line))
      .map((line) => plain(line))
      .filter((text) => text.length > 0)
      .map((text) => ({ text, terms: new Set(analyzeForSearch(text)) }));
    passageCache.set(article, passages);
  }
  return passages;
}

function truncate(text: string): string {
  if (text.length <= maxLength) return text;
  const cut = text.slice(0, maxLength);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), maxLength / 2))}…`;
}

/** The passage (paragraph or list item) sharing the most terms with the query; the first on a tie. */
export function bestSnippet(article: TArticle, queryTerms: ReadonlySet<string>): string {
  const passages = passagesOf(article);
  let best: Passage | undefined;
  let bestCount = 0;
  for (const p of passages) {
    let count = 0;
    for (const t of p.terms) if (queryTerms.has(t)) count++;
    if (count > bestCount) {
      best = p;
      bestCount = count;
    }
  }
  return truncate((best ?? passages[0])?.text ?? article.title);
}
