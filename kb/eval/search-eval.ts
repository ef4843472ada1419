/**
 * `npm run eval:kb`: runs the realistic phrasings in queries.json against the shipped articles
 * and prints recall@1, recall@3 and MRR. Exits non-zero when recall@3 < 0.90.
 * It also reports the same figures at 5,000 synthetic articles (copies of the shipped ones, see
 * src/bench.ts), counting a copy as its source article: large indexes prune common words, and
 * this shows what that costs in ranking quality.
 */
import { readFileSync } from 'node:fs';
import { createSearchIndex, loadArticles, type TSearchIndex } from '../src/index.js';
import { synthesizeArticles } from '../src/bench.js';

interface EvalQuery {
  query: string;
  slug: string;
}

const out = (line = '') => process.stdout.write(`${line}\n`);
const queries = JSON.parse(readFileSync(new URL('./queries.json', import.meta.url), 'utf8')) as EvalQuery[];
const articles = loadArticles();
const known = new Set(articles.map((a) => a.slug));
for (const q of queries) if (!known.has(q.slug)) throw new Error(`queries.json names an unknown article: ${q.slug}`);

function measure(index: TSearchIndex, sourceOf: (slug: string) => string) {
  let hits1 = 0;
  let hits3 = 0;
  let reciprocal = 0;
  const misses: string[] = [];
  for (const q of queries) {
    const results = index.search(q.query, { limit: 10 }).map((r) => sourceOf(r.slug));
    const rank = results.indexOf(q.slug);
    if (rank === 0) hits1++;
    if (rank >= 0 && rank < 3) hits3++;
    if (rank >= 0) reciprocal += 1 / (rank + 1);
    if (rank !== 0) {
      const got = results.slice(0, 3).join(', ') || 'nothing';
      misses.push(`  #${rank < 0 ? '-' : rank + 1}  "${q.query}"  want ${q.slug}, got ${got}`);
    }
  }
  const n = queries.length;
  return { recall1: hits1 / n, recall3: hits3 / n, mrr: reciprocal / n, misses };
}

const shipped = measure(createSearchIndex(articles), (slug) => slug);
const large = measure(createSearchIndex(synthesizeArticles(5000)), (slug) => slug.replace(/-\d+$/, ''));

out(`${queries.length} queries`);
out(`${''.padEnd(10)}${`shipped (${articles.length})`.padStart(14)}${'5,000 synthetic'.padStart(18)}`);
for (const [label, key] of [
  ['recall@1', 'recall1'],
  ['recall@3', 'recall3'],
  ['MRR', 'mrr'],
] as const) {
  out(`${label.padEnd(10)}${shipped[key].toFixed(3).padStart(14)}${large[key].toFixed(3).padStart(18)}`);
}
if (shipped.misses.length > 0) out(`\nnot ranked first (shipped articles):\n${shipped.misses.join('\n')}`);
if (shipped.recall3 < 0.9) {
  out('\nFAIL: recall@3 is below 0.90');
  process.exitCode = 1;
}
