import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier.js';
import { distribution } from './bayes.js';
import {
  ZTicketCategory,
  ZTicketPriority,
  ticketCategories,
  type TTicketCategory,
  type TTicketPriority,
} from '@deskmate/shared';
import { analyzeForClassifier } from './text.js';
import { loadArticles, type TArticle } from './articles.js';
import { categoryByKeywords, isSecurityIncident, maxPriority, priorityFloor, ruleFeatures } from './rules.js';
import { keywordPriority } from './baseline.js';
import { readSignals, type TSignals } from './signals.js';
import { decidePriority } from './policy.js';

export const ZLabelledExample = z.object({
  text: z.string().min(1),
  priority: ZTicketPriority,
  category: ZTicketCategory,
});
export type TLabelledExample = z.infer<typeof ZLabelledExample>;

/**
 * An example from a desk's own tickets (an agent's correction): it labels the priority, the
 * category or both, and teaches only the model(s) of the labels it carries.
 */
export const ZExtraExample = z.object({
  text: z.string().min(1),
  priority: ZTicketPriority.optional(),
  category: ZTicketCategory.optional(),
});
export type TExtraExample = z.infer<typeof ZExtraExample>;

export interface TClassification {
  priority: TTicketPriority;
  category: TTicketCategory;
  /** 0..1: the lower of the priority and category confidences (a rule-set priority counts as 1). */
  confidence: number;
  /** Why, in order: rules that fired, then what the model said. For agents and the audit log. */
  reasons: string[];
}

export interface TClassifier {
  classify(text: string): TClassification;
}

const labelledFile = fileURLToPath(new URL('../data/labelled.jsonl', import.meta.url));

/** Reads the shipped training set; a bad line fails with its line number. */
export function loadLabelledExamples(file: string = labelledFile): TLabelledExample[] {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .flatMap((line, i) => {
      if (line.trim() === '') return [];
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new Error(`${file}:${i + 1}: not valid JSON`);
      }
      const parsed = ZLabelledExample.safeParse(json);
      if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return [parsed.data];
    });
}

// natural's Bayes multiplies one probability per known feature and returns exp() of the sum,
// which underflows to 0 for very long texts. The opening of a ticket describes the problem;
// keeping the first features keeps the numbers representable.
const maxFeatures = 100;

// Bare numbers ("10 minutes", "floor 2") are noise for both labels.
function words(text: string): string[] {
  return analyzeForClassifier(text).filter((w) => !/^\d+$/.test(w));
}

function categoryFeatures(text: string): string[] {
  return [...new Set([...ruleFeatures(text), ...words(text)])].slice(0, maxFeatures);
}

// How loud a ticket is says nothing about its impact ("URGENT!!! need visio installed" is a request),
// so the priority model never sees tone words and cannot learn them from the examples.
const toneWords = new Set(
  [
    'urgent',
    'urgently',
    'asap',
    'emergency',
    'critical',
    'priority',
    'immediately',
    'quickly',
    'rush',
    'help',
    'pleas',
    'pls',
    'sorry',
    'fyi',
    'chill',
    'calm',
    'worst',
    'honestly',
    'crazy',
    'fed',
    'unacceptable',
    'annoy',
    'frustrat',
    'seriously',
    'again',
  ].map((w) => analyzeForClassifier(w)[0] ?? w),
);

function priorityFeatures(text: string): string[] {
  return [...new Set(words(text).filter((w) => !toneWords.has(w)))].slice(0, maxFeatures);
}

interface Prediction<T extends string> {
  label: T;
  confidence: number;
}

function mostLikely<T extends string>(probs: Map<string, number>, labels: readonly T[], fallback: T): Prediction<T> {
  let best: Prediction<T> = { label: fallback, confidence: 0 };
  for (const label of labels) {
    const p = probs.get(label) ?? 0;
    if (p > best.confidence) best = { label, confidence: p };
  }
  return best;
}

interface Models {
  priority: BayesClassifier;
  category: BayesClassifier;
}

interface Doc<L extends string> {
  tokens: string[];
  label: L;
}

/**
 * natural's Bayes scores a word a class has never seen as `smoothing / examples in the class`, so
 * small classes (urgent) win on any unfamiliar wording. Repeating each class's examples in turn
 * until all classes are the same size removes that skew; it is deterministic.
 */
function balanced<L extends string>(docs: Doc<L>[]): Doc<L>[] {
  const byLabel = new Map<L, Doc<L>[]>();
  for (const d of docs) {
    const group = byLabel.get(d.label);
    if (group) group.push(d);
    else byLabel.set(d.label, [d]);
  }
  const size = Math.max(...[...byLabel.values()].map((g) => g.length));
  return [...byLabel.values()].flatMap((group) =>
    Array.from({ length: size }, (_, i) => group[i % group.length] as Doc<L>),
  );
}

function fit<L extends string>(docs: Doc<L>[], smoothing: number): BayesClassifier {
  const model = new BayesClassifier(undefined, smoothing);
  for (const d of balanced(docs)) model.addDocument(d.tokens, d.label);
  model.train();
  return model;
}

/**
 * Trains both models; the same inputs in the same order always give the same models. Articles
 * teach the category model the KB's vocabulary (a title, its tags and each synonym phrase are
 * short documents labelled with the article's category). Smoothing values were chosen by 5-fold
 * cross-validation on the labelled set.
 */
function train(
  examples: readonly TLabelledExample[],
  articles: readonly TArticle[],
  extra: readonly TExtraExample[] = [],
): Models {
  const all: readonly Partial<TLabelledExample>[] = [...examples, ...extra];
  const fromArticles = articles.flatMap((a) =>
    [a.title, a.tags.join(' '), ...a.synonyms].map((text) => ({ tokens: categoryFeatures(text), label: a.category })),
  );
  return {
    // The model decides only what the policy leaves open (see policy.ts), so it learns from those.
    priority: fit(
      all.flatMap((ex) =>
        ex.priority !== undefined &&
        ex.text !== undefined &&
        decidePriority(readSignals(ex.text)).priority === undefined
          ? [{ tokens: priorityFeatures(ex.text), label: ex.priority }]
          : [],
      ),
      0.3,
    ),
    category: fit(
      [
        ...all.flatMap((ex) =>
          ex.category !== undefined && ex.text !== undefined
            ? [{ tokens: categoryFeatures(ex.text), label: ex.category }]
            : [],
        ),
        ...fromArticles,
      ],
      1,
    ),
  };
}

const percent = (x: number) => `${Math.round(x * 100)}%`;

/**
 * Priority: the policy applied to the signals in the text when they settle it; otherwise the
 * model's choice among the priorities the signals leave open (a message that only says something
 * is broken is medium or high, never low or urgent). The floor (rules.ts) is applied last.
 */
function priorityOf(models: Models, text: string, signals: TSignals, reasons: string[]): Prediction<TTicketPriority> {
  for (const [signal, whys] of signals.fired) reasons.push(`signal: ${signal} (${whys.join(', ')})`);
  const decision = decidePriority(signals);
  reasons.push(...decision.reasons);
  let result: Prediction<TTicketPriority>;
  if (decision.priority) {
    result = { label: decision.priority, confidence: 1 };
  } else {
    const probs = distribution(models.priority, priorityFeatures(text));
    const open = decision.candidates;
    const total = open.reduce((sum, p) => sum + (probs.get(p) ?? 0), 0);
    const restricted = new Map(open.map((p) => [p, total > 0 ? (probs.get(p) ?? 0) / total : 0]));
    result = total > 0 ? mostLikely(restricted, open, open[0]!) : { label: open[0]!, confidence: 0 };
    reasons.push(`model: priority ${result.label} (${percent(result.confidence)}) among ${open.join(', ')}`);
  }
  const floor = priorityFloor(text, signals);
  if (floor.floor && maxPriority(floor.floor, result.label) !== result.label) {
    reasons.push(...floor.reasons);
    result = { label: floor.floor, confidence: 1 };
  }
  return result;
}

function classifyWith(models: Models, text: string): TClassification {
  const reasons: string[] = [];
  const signals = readSignals(text);
  const priority = priorityOf(models, text, signals, reasons);

  const modelCategory = mostLikely(distribution(models.category, categoryFeatures(text)), ticketCategories, 'other');
  reasons.push(`model: category ${modelCategory.label} (${percent(modelCategory.confidence)})`);
  let category = modelCategory.label;
  let categoryConfidence = modelCategory.confidence;
  if ((isSecurityIncident(text) || signals.has('incident')) && category !== 'security') {
    category = 'security';
    categoryConfidence = 1;
    reasons.push('rule: security incident wording (category security)');
  }

  const confidence = Math.round(Math.min(priority.confidence, categoryConfidence) * 1000) / 1000;
  return { priority: priority.label, category, confidence, reasons };
}

/**
 * The keyword-only baseline the classifier has to beat: the keyword priority rules Deskmate used
 * before the policy signals (baseline.ts, default medium) and category by keyword count (default other).
 */
export function classifyByRules(text: string): TClassification {
  const keyword = keywordPriority(text);
  return {
    priority: keyword.priority,
    category: isSecurityIncident(text) ? 'security' : (categoryByKeywords(text) ?? 'other'),
    confidence: 0,
    reasons: keyword.reasons,
  };
}

let shippedModels: Models | undefined;

export interface TClassifierOptions {
  /** Labelled examples to train on (default: the shipped kb/data/labelled.jsonl). */
  examples?: readonly TLabelledExample[];
  /** Articles whose vocabulary teaches the category model (default: the shipped articles). */
  articles?: readonly TArticle[];
  /** Examples besides those (a desk's corrections), each teaching the labels it carries. */
  extraExamples?: readonly TExtraExample[];
}

/**
 * A ticket classifier. With no options it trains once, on first use, on the shipped data and
 * shares that model between callers; training is deterministic.
 */
export function createClassifier(options: TClassifierOptions = {}): TClassifier {
  const custom =
    options.examples !== undefined || options.articles !== undefined || options.extraExamples !== undefined;
  let models: Models | undefined;
  return {
    classify(text) {
      if (custom) models ??= trainWith(options);
      else models ??= shippedModels ??= train(loadLabelledExamples(), loadArticles());
      return classifyWith(models, text);
    },
  };
}

const trainWith = (options: TClassifierOptions): Models =>
  train(options.examples ?? loadLabelledExamples(), options.articles ?? loadArticles(), options.extraExamples);

/*
 * Trained models as data, so that a desk trains once and every process loads the same model.
 * Only what classifying needs is kept (the vocabulary and the per-class counts, not the training
 * documents). Bump the format whenever features() or train() change what a model means: a stored
 * model of another format (or trained on other shipped data) is not restored but trained again.
 */
const modelFormat = 'bayes-2';

interface NaturalBayes {
  features: Record<string, number>;
  classifier: { classFeatures: unknown; classTotals: unknown; totalExamples: number; smoothing: number };
}

/**
 * natural's model with its vocabulary as a list: a feature's position is its index in the
 * per-class counts, and a JSON object's key order does not survive storage (PostgreSQL's jsonb
 * sorts keys).
 */
interface StoredBayes {
  vocabulary: [string, number][];
  classifier: NaturalBayes['classifier'];
}

/** A trained classifier's parameters, as JSON (see `restoreClassifier`). */
export interface TClassifierModel {
  format: string;
  fingerprint: string;
  priority: StoredBayes;
  category: StoredBayes;
}

export interface TTrainedClassifier extends TClassifier {
  /** The parameters, for storing and `restoreClassifier`. */
  readonly model: TClassifierModel;
}

let fingerprint: string | undefined;

/**
 * Names what a model is trained from besides a desk's own examples: the model format, the
 * shipped labelled set and the shipped articles. A stored model with another fingerprint is stale.
 */
export function classifierFingerprint(): string {
  fingerprint ??= createHash('sha256')
    .update(JSON.stringify([modelFormat, loadLabelledExamples(), loadArticles()]))
    .digest('hex');
  return fingerprint;
}

function store(model: BayesClassifier): StoredBayes {
  const m = model as unknown as NaturalBayes;
  const { classFeatures, classTotals, totalExamples, smoothing } = m.classifier;
  return {
    vocabulary: Object.entries(m.features),
    classifier: structuredClone({ classFeatures, classTotals, totalExamples, smoothing }),
  };
}

function revive(stored: StoredBayes): BayesClassifier {
  const features: Record<string, number> = {};
  for (const [word, count] of stored.vocabulary) features[word] = count;
  return BayesClassifier.restore({ features, docs: [], classifier: structuredClone(stored.classifier) });
}

/** Trains now (on the shipped data unless told otherwise) and keeps the parameters for storing. */
export function trainClassifier(options: TClassifierOptions = {}): TTrainedClassifier {
  const models = trainWith(options);
  const model: TClassifierModel = {
    format: modelFormat,
    fingerprint: options.examples || options.articles ? 'custom' : classifierFingerprint(),
    priority: store(models.priority),
    category: store(models.category),
  };
  return { model, classify: (text) => classifyWith(models, text) };
}

/**
 * A classifier from stored parameters, or null when they are of another format or were trained
 * on other shipped data (train again then).
 */
export function restoreClassifier(model: unknown): TClassifier | null {
  const m = model as Partial<TClassifierModel> | null;
  if (!m || m.format !== modelFormat || m.fingerprint !== classifierFingerprint() || !m.priority || !m.category)
    return null;
  const models: Models = { priority: revive(m.priority), category: revive(m.category) };
  return { classify: (text) => classifyWith(models, text) };
}
