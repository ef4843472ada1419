/**
 * `npm run eval:classifier`: the ticket classifier against the keyword-only baseline.
 *
 * - The shipped labelled set (kb/data/labelled.jsonl): a deterministic held-out split (every 5th
 *   example is test, the model trains on the rest) and 5-fold cross-validation; priority and
 *   category.
 * - `blind/priority-dev.jsonl` and `blind/priority-test.jsonl`: tickets written by someone who
 *   never saw the articles, the code or the training data, labelled by the priority policy of
 *   issue #21 (title + description, filed without the wizard's questions). The classifier is the
 *   shipped one (all labelled examples); priority only. The dev set may be used for tuning, the
 *   test set only for measuring; `--no-test` leaves it out.
 * - `prio2/`: a second blind priority set, tickets as emailed or posted, written by one person and
 *   labelled by the policy by another; a dev half (its misses are listed) and a test half (README).
 * - `prio3/`: a third, the same way, by two more people (README).
 *
 * The keyword-only baseline is `classifyByRules`: the keyword priority rules Deskmate used before
 * the policy signals (src/baseline.ts, frozen; medium when no rule fires) and category by keyword
 * count. Exits non-zero if the classifier does not beat it on every set.
 */
import { readFileSync } from 'node:fs';
import { ticketCategories, ticketPriorities, type TTicketPriority } from '@deskmate/shared';
import {
  classifyByRules,
  createClassifier,
  loadLabelledExamples,
  type TClassification,
  type TLabelledExample,
} from '../src/index.js';

const out = (line = '') => process.stdout.write(`${line}\n`);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const points = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
type Field = 'priority' | 'category';

function accuracy(field: Field, examples: readonly TLabelledExample[], predictions: readonly TClassification[]) {
  return predictions.filter((p, i) => p[field] === examples[i]?.[field]).length / examples.length;
}

function confusion(
  field: Field,
  labels: readonly string[],
  examples: readonly TLabelledExample[],
  predictions: readonly TClassification[],
): void {
  const width = Math.max(...labels.map((l) => l.length)) + 2;
  const pad = (s: string | number) => String(s).padStart(width);
  out(`${'actual \\ predicted'.padEnd(width + 8)}${labels.map((l) => pad(l)).join('')}`);
  for (const actual of labels) {
    const row = labels.map(
      (predicted) => examples.filter((ex, i) => ex[field] === actual && predictions[i]?.[field] === predicted).length,
    );
    out(`${actual.padEnd(width + 8)}${row.map(pad).join('')}`);
  }
}

let failed = false;

// ---- The shipped labelled set -------------------------------------------------------------------
const all = loadLabelledExamples();
const heldOut = all.filter((_, i) => i % 5 === 4);
const trainSet = all.filter((_, i) => i % 5 !== 4);
const splitModel = createClassifier({ examples: trainSet });
const splitPredictions = heldOut.map((ex) => splitModel.classify(ex.text));
const splitBaseline = heldOut.map((ex) => classifyByRules(ex.text));

const cv: TClassification[] = new Array<TClassification>(all.length);
for (let k = 0; k < 5; k++) {
  const foldModel = createClassifier({ examples: all.filter((_, i) => i % 5 !== k) });
  all.forEach((ex, i) => {
    if (i % 5 === k) cv[i] = foldModel.classify(ex.text);
  });
}
const allBaseline = all.map((ex) => classifyByRules(ex.text));

const majority = (field: Field) => {
  const counts = new Map<string, number>();
  for (const ex of trainSet) counts.set(ex[field], (counts.get(ex[field]) ?? 0) + 1);
  const label = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  return heldOut.filter((ex) => ex[field] === label).length / heldOut.length;
};

out(`== Shipped labelled set (kb/data/labelled.jsonl): ${all.length} examples`);
out(`   held-out split: train ${trainSet.length}, test ${heldOut.length} (every 5th)`);
out();
out(`${''.padEnd(34)}${'priority'.padStart(10)}${'category'.padStart(10)}`);
const row = (name: string, p: number, c: number) =>
  out(`${name.padEnd(34)}${pct(p).padStart(10)}${pct(c).padStart(10)}`);
row(
  'classifier, held-out split',
  accuracy('priority', heldOut, splitPredictions),
  accuracy('category', heldOut, splitPredictions),
);
row(
  'keyword baseline, held-out split',
  accuracy('priority', heldOut, splitBaseline),
  accuracy('category', heldOut, splitBaseline),
);
row('majority class, held-out split', majority('priority'), majority('category'));
row('classifier, 5-fold CV', accuracy('priority', all, cv), accuracy('category', all, cv));
row('keyword baseline, all examples', accuracy('priority', all, allBaseline), accuracy('category', all, allBaseline));
for (const field of ['priority', 'category'] as const) {
  if (!(accuracy(field, heldOut, splitPredictions) > accuracy(field, heldOut, splitBaseline))) {
    out(`FAIL: the classifier does not beat the keyword baseline on ${field} (labelled set)`);
    failed = true;
  }
}

// ---- The blind priority sets ---------------------------------------------------------------------
/** A blind ticket: a title and description (blind/), or the text as sent (prio2/: an email or a chat post). */
type BlindTicket = ({ title: string; description: string } | { text: string }) & { priority: TTicketPriority };

function blindSet(file: string): TLabelledExample[] {
  return readFileSync(new URL(file, import.meta.url), 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const t = JSON.parse(line) as BlindTicket;
      // The same text the API classifies for a ticket filed without a priority (tickets/service.ts).
      const text = 'text' in t ? t.text : `${t.title}\n${t.description}`;
      return { text, priority: t.priority, category: 'other' };
    });
}

const shipped = createClassifier();
const withTest = !process.argv.includes('--no-test');
const blind: [string, TLabelledExample[]][] = [
  ['blind dev', blindSet('./blind/priority-dev.jsonl')],
  ...(withTest ? [['blind test', blindSet('./blind/priority-test.jsonl')] as [string, TLabelledExample[]]] : []),
  ['prio2 dev', blindSet('./prio2/priority-dev.jsonl')],
  ...(withTest ? [['prio2 test', blindSet('./prio2/priority-test.jsonl')] as [string, TLabelledExample[]]] : []),
  ['prio3 dev', blindSet('./prio3/priority-dev.jsonl')],
  ...(withTest ? [['prio3 test', blindSet('./prio3/priority-test.jsonl')] as [string, TLabelledExample[]]] : []),
];

out();
out('== Blind priority sets (policy of issue #21; the shipped classifier)');
out();
out(
  `${'set'.padEnd(14)}${'tickets'.padStart(8)}${'classifier'.padStart(12)}${'keyword baseline'.padStart(18)}${'difference'.padStart(12)}`,
);
const details: [string, TLabelledExample[], TClassification[], TClassification[]][] = [];
for (const [name, examples] of blind) {
  const predictions = examples.map((ex) => shipped.classify(ex.text));
  const baseline = examples.map((ex) => classifyByRules(ex.text));
  const model = accuracy('priority', examples, predictions);
  const base = accuracy('priority', examples, baseline);
  out(
    `${name.padEnd(14)}${String(examples.length).padStart(8)}${pct(model).padStart(12)}${pct(base).padStart(18)}${points(model - base).padStart(12)}`,
  );
  if (!(model > base)) {
    out(`FAIL: the classifier does not beat the keyword baseline on ${name}`);
    failed = true;
  }
  details.push([name, examples, predictions, baseline]);
}

for (const [name, examples, predictions, baseline] of details) {
  out();
  out(`== ${name}: classifier, priority`);
  confusion('priority', ticketPriorities, examples, predictions);
  out();
  out(`== ${name}: keyword baseline, priority`);
  confusion('priority', ticketPriorities, examples, baseline);
}

// The dev halves' misses, to tune on; test halves are only counted.
for (const [name, examples, predictions] of details.filter(([n]) => n.endsWith(' dev'))) {
  const misses = examples.flatMap((ex, i) =>
    predictions[i]!.priority === ex.priority
      ? []
      : [`  want ${ex.priority}, got ${predictions[i]!.priority}: ${ex.text.replace(/\s+/g, ' ')}`],
  );
  if (misses.length > 0) out(`\n== ${name}: misses\n${misses.join('\n')}`);
}

out();
out('== Shipped labelled set, held-out split: classifier');
confusion('priority', ticketPriorities, heldOut, splitPredictions);
out();
confusion('category', ticketCategories, heldOut, splitPredictions);

if (failed) process.exitCode = 1;
