import MiniSearch, { type Query, type SearchOptions } from 'minisearch';
import { ZArticle, type TArticle } from './articles.js';
import {
  analyzeForSearch,
  genericSearchTerms,
  offTopicTerms,
  offTopicWords,
  processSearchTerm,
  synonymWords,
  tokenize,
  weakSearchTerms,
} from './text.js';
import { bestSnippet } from './snippet.js';
import { isEnglishWord, isEverydayWord } from './english.js';
import { oneEditAway, withoutWhatWorks } from './query-text.js';
import { createTopicModel } from './topic.js';

export interface TSearchHit {
  slug: string;
  title: string;
  /** Relevance (BM25+ with field boosts); comparable only within one index. */
  score: number;
  /** The sentence of the article that best matches the query, for a chat preview. */
  snippet: string;
}

export interface TSearchOptions {
  /** How many hits at most (default 3: what the wizard shows). */
  limit?: number;
}

export interface TSearchIndex {
  search(query: string, options?: TSearchOptions): TSearchHit[];
  /** Adds a new article; throws if its slug is already indexed. */
  add(article: TArticle): void;
  /** Replaces the article with the same slug, or adds it when the slug is new. */
  replace(article: TArticle): void;
  /** Removes an article by slug; false when there was nothing to remove. */
  remove(slug: string): boolean;
  has(slug: string): boolean;
  readonly size: number;
}

interface IndexedDoc {
  slug: string;
  title: string;
  tags: string;
  synonyms: string;
  body: string;
}

/**
 * The title says what an article is about; synonyms are literally how people describe the
 * problem; tags are curated; the body has every word under the sun, so it weighs least.
 */
const boost = { title: 3, synonyms: 2.5, tags: 2, body: 1 };

/**
 * Minimum score for a hit, proportional to the number of meaningful query terms. MiniSearch
 * multiplies a document's score by how many query terms it matched, so a real answer grows
 * roughly with the square of the query length while junk that brushes one common word does not.
 * Counting at most six terms keeps a long, chatty message from being held to an impossible bar.
 *
 * BM25 scores scale with idf, which grows with the number of articles, so the bar is expressed in
 * units of the idf of a word found in one article: the same setting works for 3 or 5,000 articles.
 * Calibrated on the shipped articles with the eval phrasings and junk queries (eval/search-eval.ts).
 */
export const scoreThreshold = { perTerm: 3.5, maxTermsCounted: 6 };
/** Hits far below the best one are dropped: the wizard should not pad answers with weak guesses. */
const relativeCutoff = 0.2;

/** BM25's idf of a term that occurs in exactly one of `documentCount` documents. */
function rareTermIdf(documentCount: number): number {
  return Math.log(1 + (documentCount - 0.5) / 1.5);
}

export function minScoreFor(termCount: number, documentCount: number): number {
  const terms = Math.min(termCount, scoreThreshold.maxTermsCounted);
  return scoreThreshold.perTerm * terms * rareTermIdf(Math.max(documentCount, 1));
}

/**
 * Search time is proportional to the number of documents scored, and a word found in most
 * articles (BM25 weight near zero) has the longest lists. Each query therefore gets a budget of
 * body matches: its words are taken rarest first into a full search while the budget lasts (the
 * rarest always is); the rest are looked up only in titles, tags and synonyms, where they still
 * mean something. A KB of a few hundred articles never reaches the budget; at 5,000 it keeps
 * search in single-digit milliseconds. See eval/search-eval.ts for what it costs in ranking.
 */
export const pruning = { bodyBudget: 3000 };
const allFields = ['title', 'tags', 'synonyms', 'body'];
const shortFields = ['title', 'tags', 'synonyms'];

const searchOptions: SearchOptions = { boost, combineWith: 'OR', maxFuzzy: 2 };

function toDoc(article: TArticle): IndexedDoc {
  return {
    slug: article.slug,
    title: article.title,
    tags: article.tags.join(' . '),
    synonyms: article.synonyms.join(' . '),
    body: article.body,
  };
}

/** What an article says it is about, as search terms (see `hasEvidence`). */
interface ArticleCues {
  /** Terms of its one-word tags and synonyms (its title's, when it has none). */
  subjects: Set<string>;
  /** Its multi-word tags and synonyms, each as the terms it is searched by. */
  phrases: string[][];
}

function cuesOf(article: TArticle): ArticleCues {
  const subjects = new Set<string>();
  const phrases: string[][] = [];
  for (const phrase of [...article.tags, ...article.synonyms]) {
    const words = tokenize(phrase)
      .map((token) => processSearchTerm(token) ?? [])
      .filter((terms) => terms.length > 0);
    if (words.length === 1) for (const t of words[0] ?? []) subjects.add(t);
    else if (words.length > 1) phrases.push(words.flat());
  }
  if (subjects.size === 0) for (const t of analyzeForSearch(article.title)) subjects.add(t);
  return { subjects, phrases };
}

/** Builds a search index over any set of articles (shipped or admin-edited). */
export function createSearchIndex(articles: readonly TArticle[] = []): TSearchIndex {
  // Document frequency of every indexed term, kept in step with add/remove, so a query can tell
  // known words from typos and common words from telling ones.
  const docFreq = new Map<string, number>();
  let collecting: Set<string> | undefined;
  // Document frequency of every word as typed (before stop words, synonyms and stemming), for
  // spelling correction: a query word is corrected to a word the articles use.
  const wordFreq = new Map<string, number>();
  let collectingWords: Set<string> | undefined;
  const mini = new MiniSearch<IndexedDoc>({
    idField: 'slug',
    fields: allFields,
    storeFields: [],
    tokenize,
    processTerm: (token) => {
      const terms = processSearchTerm(token);
      // MiniSearch runs this synchronously for each token of a document while it is added.
      if (collecting && terms) for (const t of terms) collecting.add(t);
      collectingWords?.add(token);
      return terms;
    },
    searchOptions,
  });
  const bySlug = new Map<string, TArticle>();
  const cuesBySlug = new Map<string, ArticleCues>();
  // How many articles name each word in their title, tags or synonyms: a word the desk names is
  // never taken for an everyday one (an "Apple ID" article, a "Mouse" one).
  const namedWordFreq = new Map<string, number>();
  // Whether a message is about IT at all (topic.ts): it learns each article's subject as the desk's.
  const topic = createTopicModel();
  const namedWords = (article: TArticle) =>
    new Set([article.title, ...article.tags, ...article.synonyms].flatMap(tokenize));

  function count(terms: Iterable<string>, delta: 1 | -1, freq = docFreq): void {
    for (const t of terms) {
      const n = (freq.get(t) ?? 0) + delta;
      if (n > 0) freq.set(t, n);
      else freq.delete(t);
    }
  }

  function add(input: TArticle): void {
    const article = ZArticle.parse(input);
    if (bySlug.has(article.slug)) throw new Error(`an article with slug "${article.slug}" is already indexed`);
    collecting = new Set();
    collectingWords = new Set();
    try {
      mini.add(toDoc(article));
      count(collecting, 1);
      count(collectingWords, 1, wordFreq);
    } finally {
      collecting = undefined;
      collectingWords = undefined;
    }
    bySlug.set(article.slug, article);
    cuesBySlug.set(article.slug, cuesOf(article));
    count(namedWords(article), 1, namedWordFreq);
    topic.countArticle(article, 1);
  }

  function remove(slug: string): boolean {
    const article = bySlug.get(slug);
    if (!article) return false;
    mini.discard(slug);
    // The same analysis MiniSearch ran field by field when the article was added.
    const doc = toDoc(article);
    const fields = [doc.title, doc.tags, doc.synonyms, doc.body];
    count(new Set(fields.flatMap(analyzeForSearch)), -1);
    count(new Set(fields.flatMap(tokenize)), -1, wordFreq);
    count(namedWords(article), -1, namedWordFreq);
    topic.countArticle(article, -1);
    bySlug.delete(slug);
    cuesBySlug.delete(slug);
    return true;
  }

  /**
   * Splits the query's words into those searched in every field and those searched in titles,
   * tags and synonyms only (see `pruning`). Typo tolerance (fuzzy, about one edit per five
   * letters, for words of 5+ letters) and completion of the last word (prefix) apply only to
   * words no article contains: a word the index knows is not a typo, and expanding it would
   * only add noise and time.
   */
  function buildQuery(tokens: string[]): Query {
    const words = tokens
      .map((token, position) => {
        const terms = processSearchTerm(token) ?? [];
        const cost = terms.reduce((sum, t) => sum + (docFreq.get(t) ?? 0), 0);
        return { token, position, cost, terms };
      })
      .filter((w) => w.terms.length > 0);
    const everywhere = new Set<number>();
    let spent = 0;
    for (const w of [...words].sort((a, b) => a.cost - b.cost || a.position - b.position)) {
      if (everywhere.size > 0 && spent + w.cost > pruning.bodyBudget) break;
      everywhere.add(w.position);
      spent += w.cost;
    }
    const join = (keep: (position: number) => boolean) =>
      words
        .filter((w) => keep(w.position))
        .map((w) => w.token)
        .join(' ');
    const shortOnly = join((p) => !everywhere.has(p));
    const unknown = (term: string) => !docFreq.has(term);
    const lastTerm = words.at(-1)?.terms.at(-1);
    return {
      combineWith: 'OR',
      queries: [
        {
          queries: [join((p) => everywhere.has(p))],
          fuzzy: (term) => (unknown(term) && term.length >= 5 ? 0.2 : false),
          prefix: (term) => term === lastTerm && term.length >= 3 && unknown(term),
        },
        ...(shortOnly ? [{ queries: [shortOnly], fields: shortFields }] : []),
      ],
    };
  }

  /**
   * Whether a hit rests on more than everyday words. It must match a telling query word where the
   * article names what it is about: a one-word tag or synonym ("ethernet", "vpn"), a whole
   * multi-word tag or synonym ("black and white"), or two telling words of its title, tags or
   * synonyms. One word of a longer phrase is not enough: "white" in "Teams shows a white screen" or
   * "life" in "battery life" answers small talk as well. A word found only in prose ("paid",
   * "per", "review") never counts. Generic words (see text.ts) never tell; off-topic ones (pay,
   * lunch, birthday, funny…) only in a title (a desk's own "Kitchen fridge" article); weak ones
   * (restart, update, offline…) name something every device does, so they tell only beside a
   * stronger word ("my brain needs a reboot" gets nothing).
   *
   * A message with off-topic words (text.ts's list, and everyday words: english.ts) needs more
   * telling words of its own, typed as such (not typo-corrected), matched: one more than the
   * off-topic words the article does not name, a weak word counting half. "On
   * holiday and the vpn drops" is answered; "when do expenses get paid", "my printer at home makes
   * great coffee jokes" and "the ethernet of my soul is disconnected" are not.
   */
  function hasEvidence(
    hit: { id: unknown; match: Record<string, string[]> },
    queryTerms: Set<string>,
    offTopicInQuery: readonly string[][],
  ): boolean {
    const cues = cuesBySlug.get(hit.id as string);
    if (!cues) return false;
    const telling = Object.entries(hit.match).filter(
      ([term, fields]) => !genericSearchTerms.has(term) && (!offTopicTerms.has(term) || fields.includes('title')),
    );
    const named = telling.filter(([, fields]) => fields.some((f) => f !== 'body'));
    const strong = named.filter(([term]) => !weakSearchTerms.has(term));
    if (strong.length === 0 && named.length < 2) return false;
    const matched = new Set(Object.keys(hit.match));
    const tellingTerms = new Set(named.map(([term]) => term));
    const names =
      strong.some(([term]) => cues.subjects.has(term)) ||
      named.length >= 2 ||
      cues.phrases.some((phrase) => phrase.every((t) => matched.has(t)) && phrase.some((t) => tellingTerms.has(t)));
    if (!names) return false;
    if (offTopicInQuery.length === 0) return true;
    // An off-topic word the article names in its title, tags or synonyms ("holiday" for automatic
    // replies, "intern" for a new starter's account) is its subject, not a sign of small talk: it
    // raises no bar, but proves nothing either — the rest of the message must.
    const claimed = (terms: string[]) =>
      terms.length > 0 && terms.every((t) => hit.match[t]?.some((f) => f !== 'body'));
    const unclaimed = offTopicInQuery.filter((terms) => !claimed(terms)).length;
    const offTopicQueryTerms = new Set(offTopicInQuery.flat());
    const own = telling
      .filter(([term]) => queryTerms.has(term) && !offTopicQueryTerms.has(term))
      .reduce((sum, [term]) => sum + (weakSearchTerms.has(term) ? 0.5 : 1), 0);
    return own >= Math.min(unclaimed, 3) + 1;
  }

  /** Whether the index knows a word: articles use it, or its stem, or the terms it maps to. */
  function knows(word: string): boolean {
    if (wordFreq.has(word)) return true;
    const terms = processSearchTerm(word);
    return terms !== null && terms.length > 0 && terms.every((t) => docFreq.has(t));
  }

  /** How many articles use a word as written, or the terms a synonym-map word stands for (0: none). */
  function wordWeight(word: string): number {
    const direct = wordFreq.get(word);
    if (direct !== undefined) return direct;
    if (!synonymWords.has(word)) return 0;
    return Math.min(...(processSearchTerm(word) ?? []).map((t) => docFreq.get(t) ?? 0));
  }

  /**
   * Corrects words no article knows to the known word one edit away ("offce", "dowload",
   * "calenders", "wirless"), the most used one when there are several, before the query is
   * analysed: phrase rewrites ("out of office") and the synonym map then apply to what was meant,
   * which typo tolerance inside the index cannot do. Words under five letters are left alone
   * (one letter makes another word), and so are English words, stop words and off-topic words.
   */
  function correctSpelling(query: string): string {
    let corrected = query;
    for (const word of new Set(tokenize(query))) {
      if (word.length < 5 || /\d/.test(word) || offTopicWords.has(word)) continue;
      if (processSearchTerm(word) === null || knows(word) || isEnglishWord(word)) continue;
      let best: string | undefined;
      let bestWeight = 0;
      for (const candidate of oneEditAway(word)) {
        const weight = wordWeight(candidate);
        if (weight > bestWeight || (weight === bestWeight && weight > 0 && best !== undefined && candidate < best)) {
          best = candidate;
          bestWeight = weight;
        }
      }
      if (best) corrected = corrected.replace(new RegExp(`\\b${word}\\b`, 'gi'), best);
    }
    return corrected;
  }

  /**
   * Whether a word marks a message as being about something other than IT: the curated list
   * (text.ts), or an everyday word (food, animals, the body, feelings: english.ts) that no article
   * names.
   */
  function isOffTopic(word: string): boolean {
    return offTopicWords.has(word) || (isEverydayWord(word) && !namedWordFreq.has(word));
  }

  function search(query: string, options: TSearchOptions = {}): TSearchHit[] {
    const limit = options.limit ?? 3;
    const typedTerms = analyzeForSearch(query);
    if (typedTerms.length === 0 || limit <= 0) return [];
    // Small talk, other departments' matters and IT words said of something else get no article,
    // however well one of their words matches (topic.ts).
    if (!topic.isAboutIt(query)) return [];
    const offTopic = [...new Set(tokenize(query).filter(isOffTopic))].map((w) => processSearchTerm(w) ?? []);
    const meant = correctSpelling(withoutWhatWorks(query));
    const queryTerms = meant === query ? typedTerms : analyzeForSearch(meant);
    const results = mini.search(buildQuery(tokenize(meant)));
    const minScore = minScoreFor(queryTerms.length, bySlug.size);
    // The best hit that rests on more than everyday words sets the bar; hits above it without such
    // words still show (a neighbour of the answer), those after it are not needed to answer.
    const typed = new Set(typedTerms);
    const top = results.slice(0, 3).find((r) => r.score >= minScore && hasEvidence(r, typed, offTopic));
    if (!top) return [];
    const floor = Math.max(minScore, top.score * relativeCutoff);
    return results
      .filter((r) => r.score >= floor)
      .slice(0, limit)
      .flatMap((r) => {
        const article = bySlug.get(r.id as string);
        if (!article) return [];
        const snippet = bestSnippet(article, new Set([...queryTerms, ...r.terms]));
        return [{ slug: article.slug, title: article.title, score: Math.round(r.score * 100) / 100, snippet }];
      });
  }

  for (const article of articles) add(article);

  return {
    search,
    add,
    replace(input) {
      // Validate before removing, so a bad edit cannot leave the old article unindexed.
      const article = ZArticle.parse(input);
      remove(article.slug);
      add(article);
    },
    remove,
    has: (slug) => bySlug.has(slug),
    get size() {
      return bySlug.size;
    },
  };
}
