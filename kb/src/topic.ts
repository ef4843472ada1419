import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TArticle } from './articles.js';
import { stem, tokenize } from './text.js';

/**
 * Whether a message is about IT at all, learned from examples (ADR 21).
 *
 * The search's word lists (text.ts, english.ts) catch small talk and most jokes, but not other
 * departments' matters written in the desk's words ("update my bank account details for my
 * salary", "the door to the stairwell squeaks") or IT words said of something else ("a firewall
 * against my in-laws"). A naive Bayes model over words and word pairs, trained on messages people
 * send an IT desk and messages they send it that are not about IT, tells them apart better than a
 * list: it weighs every word of the message, and pairs keep "social battery" apart from "laptop
 * battery". The desk's own articles (titles, tags, synonyms) count as IT examples too, so a desk
 * that writes an article about parking permits makes "parking permit" its business: a word or pair
 * its articles name never counts against a message.
 *
 * Hand-written rather than natural's BayesClassifier: an article edited in the console must be
 * unlearned as well as learned (natural can only add), and the counts here update in place.
 */

/** Words too common to say anything about the subject (search's stop list is larger on purpose). */
const stopWords = new Set(
  'a an the i me my we our you your it its this that to of in on at for and or is are was be been am with from by as so'.split(
    ' ',
  ),
);

/** A message's features: its stemmed words and each pair of neighbouring ones. */
export function topicFeatures(text: string): string[] {
  const stems = tokenize(text)
    .filter((t) => !stopWords.has(t))
    .map(stem);
  const pairs = stems.slice(1).map((s, i) => `${stems[i]} ${s}`);
  return [...new Set([...stems, ...pairs])];
}

type TTopic = 'it' | 'other';

/** A labelled message of the shipped corpus (kb/data/topic-*.jsonl). */
interface TTopicExample {
  q: string;
}

const shippedFiles: Record<TTopic, string> = {
  it: fileURLToPath(new URL('../data/topic-it.jsonl', import.meta.url)),
  other: fileURLToPath(new URL('../data/topic-other.jsonl', import.meta.url)),
};

function readExamples(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as TTopicExample).q);
}

let shipped: Record<TTopic, string[]> | undefined;
/** The shipped corpus, read once per process. */
export function shippedTopicExamples(): Record<TTopic, readonly string[]> {
  shipped ??= { it: readExamples(shippedFiles.it), other: readExamples(shippedFiles.other) };
  return shipped;
}

/**
 * Laplace smoothing, and the log-odds below which a message is taken for not being about IT.
 * Chosen on the sets one may tune on (kb/eval: the dev halves and the spent test sets), none of
 * which the model is trained on: -1.5 is the highest value that kept every question the search
 * answered, and it silenced 141 of the 150 non-questions of blind4, blind5 and blind6 dev (127
 * without the model); -1 and up cost questions. ADR 21 has the held-out measure.
 */
export const topicModel = { smoothing: 1, threshold: -1.5 };

export interface TTopicModel {
  /** log P(text | IT) − log P(text | other), with equal priors: below zero leans "not IT". */
  logOdds(text: string): number;
  /** Whether a message is about IT as far as the model can tell (log-odds at or above the threshold). */
  isAboutIt(text: string): boolean;
  /** Learns (1) or unlearns (-1) an article's title, tags and synonyms as IT examples. */
  countArticle(article: TArticle, delta: 1 | -1): void;
}

/** What an article says it is about: one example per title, tag list and synonym. */
function articleExamples(article: TArticle): string[] {
  return [article.title, article.tags.join(' '), ...article.synonyms];
}

/**
 * Articles beyond this many weigh, together, as much as this many: a desk of 5,000 articles would
 * otherwise drown the messages the model learned how people write in its articles' titles, and a
 * chatty question would lean "not IT" for want of article-like words.
 */
const articleMass = 300;

// The features of a list of examples, worked out once per list: every search index (one per KB
// rebuild in the API) learns the same shipped corpus, and stemming it is most of the cost.
const featureCache = new WeakMap<readonly string[], readonly string[][]>();
function featuresOf(texts: readonly string[]): readonly string[][] {
  let features = featureCache.get(texts);
  if (!features) {
    features = texts.map(topicFeatures);
    featureCache.set(texts, features);
  }
  return features;
}

export function createTopicModel(examples: Record<TTopic, readonly string[]> = shippedTopicExamples()): TTopicModel {
  // Articles are counted apart from the IT messages, so that their weight can be capped.
  type TTable = 'it' | 'articles' | 'other';
  const counts: Record<TTable, Map<string, number>> = { it: new Map(), articles: new Map(), other: new Map() };
  const totals: Record<TTable, number> = { it: 0, articles: 0, other: 0 };
  // Features seen anywhere, with how many times: the vocabulary's size is its key count.
  const seen = new Map<string, number>();
  let articles = 0;

  function count(table: TTable, text: string | readonly string[], delta: 1 | -1): void {
    for (const f of typeof text === 'string' ? topicFeatures(text) : text) {
      const n = (counts[table].get(f) ?? 0) + delta;
      if (n > 0) counts[table].set(f, n);
      else counts[table].delete(f);
      const s = (seen.get(f) ?? 0) + delta;
      if (s > 0) seen.set(f, s);
      else seen.delete(f);
      totals[table] += delta;
    }
  }

  for (const features of featuresOf(examples.it)) count('it', features, 1);
  for (const features of featuresOf(examples.other)) count('other', features, 1);

  function logOdds(text: string): number {
    const { smoothing } = topicModel;
    const vocabulary = seen.size;
    const w = Math.min(1, articleMass / Math.max(articles, 1));
    const itTotal = totals.it + w * totals.articles + smoothing * vocabulary;
    const otherTotal = totals.other + smoothing * vocabulary;
    let sum = 0;
    // A feature no example has says nothing either way (a typo, a name, a new product). One the
    // desk's articles name is never evidence against: a desk that writes about lifts or parking
    // answers questions about them, whatever other desks' messages say.
    for (const f of topicFeatures(text)) {
      if (!seen.has(f)) continue;
      const named = counts.articles.get(f) ?? 0;
      const it = ((counts.it.get(f) ?? 0) + w * named + smoothing) / itTotal;
      const other = ((counts.other.get(f) ?? 0) + smoothing) / otherTotal;
      const odds = Math.log(it / other);
      sum += named > 0 ? Math.max(0, odds) : odds;
    }
    return sum;
  }

  return {
    logOdds,
    isAboutIt: (text) => logOdds(text) >= topicModel.threshold,
    countArticle(article, delta) {
      articles += delta;
      for (const text of articleExamples(article)) count('articles', text, delta);
    },
  };
}
