/**
 * `npm run eval:classifier`: deterministic held-out split (every 5th labelled example is test),
 * trains on the rest, and prints accuracy and confusion matrices for the model and for the
 * keyword-only baseline. Exits non-zero if the model does not beat the baseline.
 */
import { ticketCategories, ticketPriorities } from '@deskmate/shared';
import {
  classifyByRules,
  createClassifier,
  loadLabelledExamples,
  type TClassification,
  type TLabelledExample,
} from '../src/index.js';

const out = (line = '') => process.stdout.write(`${line}\n`);

const all = loadLabelledExamples();
const test = all.filter((_, i) => i % 5 === 4);
const trainSet = all.filter((_, i) => i % 5 !== 4);
const model = createClassifier({ examples: trainSet });

type Field = 'priority' | 'category';

function evaluate(name: string, classify: (text: string) => TClassification, examples: TLabelledExample[]) {
  const predictions = examples.map((ex) => classify(ex.text));
  const accuracy = (field: Field) =>
    predictions.filter((p, i) => p[field] === examples[i]?.[field]).length / examples.length;
  return { name, predictions, priority: accuracy('priority'), category: accuracy('category') };
}

function confusion(field: Field, labels: readonly string[], predictions: TClassification[]): void {
  const width = Math.max(...labels.map((l) => l.length)) + 2;
  const pad = (s: string | number) => String(s).padStart(width);
  out(`${'actual \\ predicted'.padEnd(width + 8)}${labels.map((l) => pad(l)).join('')}`);
  for (const actual of labels) {
    const row = labels.map(
      (predicted) => test.filter((ex, i) => ex[field] === actual && predictions[i]?.[field] === predicted).length,
    );
    out(`${actual.padEnd(width + 8)}${row.map(pad).join('')}`);
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const majority = (field: Field) => {
  const counts = new Map<string, number>();
  for (const ex of trainSet) counts.set(ex[field], (counts.get(ex[field]) ?? 0) + 1);
  const label = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  return test.filter((ex) => ex[field] === label).length / test.length;
};

const m = evaluate('model + rules', (t) => model.classify(t), test);
const b = evaluate('rules only (baseline)', classifyByRules, test);

out(`labelled examples: ${all.length} (train ${trainSet.length}, held-out ${test.length}: every 5th)`);
out();
out(`${''.padEnd(24)}${'priority'.padStart(10)}${'category'.padStart(10)}`);
for (const r of [m, b]) out(`${r.name.padEnd(24)}${pct(r.priority).padStart(10)}${pct(r.category).padStart(10)}`);
out(`${'majority class'.padEnd(24)}${pct(majority('priority')).padStart(10)}${pct(majority('category')).padStart(10)}`);
// The fixed split is small (73 examples), so also report 5-fold cross-validation on the same folds.
let cvPriority = 0;
let cvCategory = 0;
for (let k = 0; k < 5; k++) {
  const fold = all.filter((_, i) => i % 5 === k);
  const foldModel = createClassifier({ examples: all.filter((_, i) => i % 5 !== k) });
  for (const ex of fold) {
    const p = foldModel.classify(ex.text);
    if (p.priority === ex.priority) cvPriority++;
    if (p.category === ex.category) cvCategory++;
  }
}
const rulesAll = all.map((ex) => classifyByRules(ex.text));
const rulesAcc = (field: Field) => rulesAll.filter((p, i) => p[field] === all[i]?.[field]).length / all.length;
out(
  `${'model, 5-fold CV'.padEnd(24)}${pct(cvPriority / all.length).padStart(10)}${pct(cvCategory / all.length).padStart(10)}`,
);
out(
  `${'rules, all examples'.padEnd(24)}${pct(rulesAcc('priority')).padStart(10)}${pct(rulesAcc('category')).padStart(10)}`,
);

for (const r of [m, b]) {
  out();
  out(`== ${r.name}: priority`);
  confusion('priority', ticketPriorities, r.predictions);
  out();
  out(`== ${r.name}: category`);
  confusion('category', ticketCategories, r.predictions);
}

if (!(m.priority > b.priority && m.category > b.category)) {
  out('\nFAIL: the model does not beat the keyword baseline');
  process.exitCode = 1;
}
