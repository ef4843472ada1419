import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { loadArticles, type TArticle } from './articles.js';
import { createSearchIndex } from './search.js';
import { createClassifier, loadLabelledExamples } from './classifier.js';

/** Benchmarks for the repo's bench runner. Synthetic data is seeded, so runs are comparable. */

export interface TKbSearchBench {
  articles: number;
  buildMs: number;
  p50Ms: number;
  p99Ms: number;
  queriesPerSec: number;
}

export interface TClassifierBench {
  classificationsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

/** mulberry32: a tiny seeded PRNG, so the synthetic corpus is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(xs: T[], random: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j] as T, xs[i] as T];
  }
  return xs;
}

const sites = ['London', 'Leeds', 'Dublin', 'Berlin', 'Austin', 'Pune', 'Sydney', 'Toronto', 'Lyon', 'Oslo'];

/**
 * n articles made from the shipped ones: each copy gets a site-specific title, its paragraphs
 * shuffled, and a paragraph of words drawn from the whole corpus, so term statistics look like a
 * real, larger knowledge base rather than 5,000 identical documents.
 */
export function synthesizeArticles(n: number, seed = 42): TArticle[] {
  const shipped = loadArticles();
  const random = prng(seed);
  const vocabulary = shipped.flatMap((a) => a.body.split(/\s+/)).filter((w) => /^[a-z]{4,}$/i.test(w));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  return Array.from({ length: n }, (_, i) => {
    const base = shipped[i % shipped.length] as TArticle;
    const copy = Math.floor(i / shipped.length);
    const site = `${pick(sites)} ${copy}`;
    const paragraphs = shuffle(base.body.split(/\n\s*\n/), random);
    const filler = Array.from({ length: 40 }, () => pick(vocabulary)).join(' ');
    return {
      ...base,
      slug: `${base.slug}-${copy}`,
      title: `${base.title} (${site})`,
      body: `${paragraphs.join('\n\n')}\n\nNotes for ${site}: ${filler}`,
    };
  });
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, i)] ?? 0) * 1000) / 1000;
}

function evalQueries(): string[] {
  const file = new URL('../eval/queries.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { query: string }[]).map((q) => q.query);
}

/** Search latency over the eval phrasings against n synthetic articles. */
export function benchKbSearch(n = 5000, rounds = 5): TKbSearchBench {
  const articles = synthesizeArticles(n);
  const t0 = performance.now();
  const index = createSearchIndex(articles);
  const buildMs = Math.round(performance.now() - t0);
  const queries = evalQueries();
  for (const q of queries) index.search(q); // warm-up: JIT and snippet caches

  const times: number[] = [];
  const start = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const t = performance.now();
      index.search(q);
      times.push(performance.now() - t);
    }
  }
  const total = performance.now() - start;
  times.sort((a, b) => a - b);
  return {
    articles: n,
    buildMs,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    queriesPerSec: Math.round((times.length / total) * 1000),
  };
}

/** Classification throughput over the labelled texts (training is done before timing). */
export function benchClassifier(rounds = 5): TClassifierBench {
  const classifier = createClassifier();
  const texts = loadLabelledExamples().map((e) => e.text);
  for (const t of texts) classifier.classify(t); // warm-up, and trains the shared model

  const times: number[] = [];
  const start = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const text of texts) {
      const t = performance.now();
      classifier.classify(text);
      times.push(performance.now() - t);
    }
  }
  const total = performance.now() - start;
  times.sort((a, b) => a - b);
  return {
    classificationsPerSec: Math.round((times.length / total) * 1000),
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
  };
}
