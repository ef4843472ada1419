import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { everydayWords, everydayWordsFile } from '../scripts/everyday-words.js';
import { isEverydayWord } from './english.js';

describe('everyday words (kb/data/everyday-words.txt, from WordNet)', () => {
  const shipped = readFileSync(everydayWordsFile, 'utf8').split('\n').filter(Boolean);

  it('is what the generator writes from WordNet today', () => {
    expect(shipped).toEqual(everydayWords());
  });

  it('holds words whose every sense is food, an animal, a plant, the body or a feeling', () => {
    for (const word of ['croissant', 'flamingo', 'lasagne', 'hedgehog', 'tummy', 'banana']) {
      expect(shipped, word).toContain(word);
    }
  });

  it('leaves out a word with one sense anywhere else: an IT sense, an object, an act', () => {
    // mouse (a device), cookie (a browser's), spam (mail), virus and bug (software), python (also
    // a spirit), cloud (also a mass of anything), chair (furniture), coffee (a colour too), kid
    // (a person). "apple" is in: WordNet knows it only as a fruit and a tree, which is why a word an
    // article names is never taken for an everyday one (search.ts).
    for (const word of ['mouse', 'cookie', 'spam', 'virus', 'bug', 'python', 'cloud', 'chair', 'coffee', 'kid']) {
      expect(shipped, word).not.toContain(word);
    }
  });

  it('reads plurals as their singular', () => {
    expect(isEverydayWord('croissants')).toBe(true);
    expect(isEverydayWord('blueberries')).toBe(true);
    expect(isEverydayWord('tomatoes')).toBe(true);
    expect(isEverydayWord('mice')).toBe(false);
    expect(isEverydayWord('printers')).toBe(false);
  });
});
