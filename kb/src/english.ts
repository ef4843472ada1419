import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * English words (about 275,000, from the an-array-of-english-words package), so that spelling
 * correction leaves real words alone: "chance" is not a typo of "change", nor "brain" of "drain".
 * Read on first use and kept as one string with sorted offsets (about 4 MB) rather than a Set
 * (ten times that).
 */
let list: { joined: string; starts: Int32Array } | undefined;

function load(): { joined: string; starts: Int32Array } {
  const path = createRequire(import.meta.url).resolve('an-array-of-english-words');
  // A JSON array of lower-case words, sorted (the binary search below relies on it). Read as one
  // string, not parsed into 275,000 strings.
  const joined = readFileSync(path, 'utf8')
    .replace(/[[\]"\s]/g, '')
    .replace(/,/g, '\n');
  const offsets = [0];
  for (let at = joined.indexOf('\n'); at >= 0; at = joined.indexOf('\n', at + 1)) offsets.push(at + 1);
  offsets.push(joined.length + 1);
  return { joined, starts: Int32Array.from(offsets) };
}

/** Whether a lower-case word is in the English word list. */
export function isEnglishWord(word: string): boolean {
  list ??= load();
  const { joined, starts } = list;
  let lo = 0;
  let hi = starts.length - 2;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const candidate = joined.slice(starts[mid], (starts[mid + 1] ?? 0) - 1);
    if (candidate === word) return true;
    if (candidate < word) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Words whose every sense is food, an animal, a plant, the body or a feeling (kb/data/everyday-words.txt,
 * from WordNet by kb/scripts/everyday-words.ts): "croissant", "flamingo", "physio" never name
 * anything IT. Read on first use (6,700 words).
 */
let everyday: ReadonlySet<string> | undefined;

/** Whether a lower-case word, or its singular, is an everyday word (see above). */
export function isEverydayWord(word: string): boolean {
  everyday ??= new Set(
    readFileSync(fileURLToPath(new URL('../data/everyday-words.txt', import.meta.url)), 'utf8')
      .split('\n')
      .filter(Boolean),
  );
  const singulars = word.endsWith('ies')
    ? [`${word.slice(0, -3)}y`]
    : word.endsWith('es')
      ? [word.slice(0, -2), word.slice(0, -1)]
      : word.endsWith('s')
        ? [word.slice(0, -1)]
        : [];
  return [word, ...singulars].some((w) => everyday?.has(w));
}
