import type BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import type { NaturalClassification } from 'natural/lib/natural/classifiers/bayes_classifier.js';

/** The parts of natural's Bayes model (and of apparatus' underneath) that scoring reads. */
interface BayesInternals {
  /** The vocabulary: a feature's position is its place in this object's key order. */
  features: Record<string, unknown>;
  docs: unknown[];
  classifier: {
    classFeatures: Record<string, Record<number, number>>;
    classTotals: Record<string, number>;
    totalExamples: number;
    smoothing: number;
  };
}

const vocabularies = new WeakMap<object, { docs: number; position: Map<string, number> }>();

/**
 * `model.getClassifications(tokens)`, computed from the tokens instead of the whole vocabulary.
 * natural turns a text into a 0/1 vector as long as the vocabulary (an `indexOf` per known word)
 * and apparatus then walks all of it: O(vocabulary × tokens) per call, the classifier's whole cost
 * on every ticket filed. The same sums in the same order (present features, last position first)
 * give the same numbers; `classifier.test.ts` checks them against natural's own.
 */
export function classifications(model: BayesClassifier, tokens: readonly string[]): NaturalClassification[] {
  const m = model as unknown as BayesInternals;
  let vocabulary = vocabularies.get(m.features);
  if (!vocabulary || vocabulary.docs !== m.docs.length) {
    vocabulary = { docs: m.docs.length, position: new Map(Object.keys(m.features).map((f, i) => [f, i])) };
    vocabularies.set(m.features, vocabulary);
  }
  const present = [
    ...new Set(tokens.map((t) => vocabulary.position.get(t)).filter((i): i is number => i !== undefined)),
  ].sort((a, b) => b - a);
  const c = m.classifier;
  const scores: NaturalClassification[] = [];
  for (const label of Object.keys(c.classFeatures)) {
    const counts = c.classFeatures[label]!;
    const total = c.classTotals[label]!;
    let logProbability = 0;
    for (const i of present) logProbability += Math.log((counts[i] || c.smoothing) / total);
    scores.push({ label, value: (total / c.totalExamples) * Math.exp(logProbability) });
  }
  return scores.sort((x, y) => y.value - x.value);
}

/** The model's probabilities, normalised to sum to 1; empty when it has nothing to go on. */
export function distribution(model: BayesClassifier, tokens: string[]): Map<string, number> {
  if (tokens.length === 0) return new Map();
  const scores = classifications(model, tokens);
  const total = scores.reduce((sum, s) => sum + s.value, 0);
  if (!(total > 0)) return new Map();
  return new Map(scores.map((s) => [s.label, s.value / total]));
}
