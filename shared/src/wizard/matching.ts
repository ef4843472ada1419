/**
 * Matching typed answers to choices. Chat users type "2", "net", "yes that fixed it" or
 * "whole office" instead of pressing buttons; this decides which choice they meant, and says so
 * when it cannot tell (the wizard then asks again instead of guessing).
 */

export type TChoiceMatch =
  { kind: 'match'; value: string } | { kind: 'ambiguous'; values: string[] } | { kind: 'none' };

export interface TMatchOptions {
  /** Extra phrases per choice value, e.g. `{ solved: ['fixed it', 'thanks'] }`. */
  synonyms?: Readonly<Record<string, readonly string[]>>;
  /** Accept "2" for the second choice (default true). */
  numbers?: boolean;
  /**
   * Accept partial answers (default true): a synonym inside a longer sentence, a unique prefix
   * ("net"), or words of a label ("office"). Off where free text is also a valid answer, so that
   * "no sound from the speakers" is not read as "no".
   */
  partial?: boolean;
}

interface TChoiceLike {
  value: string;
  label: string;
}

/** Longer text is never a choice: it is a sentence about something else. */
const maxChoiceText = 200;
const minPrefix = 2;
const minLabelWords = 3;

/** Lower case, no apostrophes ("can't" -> "cant"), punctuation and emoji as single spaces. */
export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’‘`´]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Decide which choice a typed answer means. Pure; never throws. */
export function matchChoice(text: string, choices: readonly TChoiceLike[], options: TMatchOptions = {}): TChoiceMatch {
  const typed = normalize(text);
  if (!typed || typed.length > maxChoiceText || choices.length === 0) return { kind: 'none' };
  const partial = options.partial ?? true;
  const keyed = choices.map((c) => ({
    value: c.value,
    keys: [normalize(c.value), normalize(c.label)].filter(Boolean),
    phrases: (options.synonyms?.[c.value] ?? []).map(normalize).filter(Boolean),
  }));

  const tiers: Array<() => string[]> = [
    () => keyed.filter((c) => c.keys.includes(typed)).map((c) => c.value),
    () => ((options.numbers ?? true) ? byNumber(typed, choices) : []),
    () => keyed.filter((c) => c.phrases.includes(typed)).map((c) => c.value),
  ];
  if (partial) {
    tiers.push(
      () => phraseMatches(typed, keyed),
      () =>
        typed.length >= minPrefix
          ? keyed.filter((c) => c.keys.some((k) => k.startsWith(typed))).map((c) => c.value)
          : [],
      () =>
        typed.length >= minLabelWords
          ? keyed.filter((c) => c.keys.some((k) => ` ${k} `.includes(` ${typed} `))).map((c) => c.value)
          : [],
    );
  }

  for (const tier of tiers) {
    const values = [...new Set(tier())];
    if (values.length === 1) return { kind: 'match', value: values[0] as string };
    if (values.length > 1) return { kind: 'ambiguous', values };
  }
  return { kind: 'none' };
}

function byNumber(typed: string, choices: readonly TChoiceLike[]): string[] {
  const m = /^(?:number |option |no )?(\d{1,2})$/.exec(typed);
  if (!m) return [];
  const choice = choices[Number(m[1]) - 1];
  return choice ? [choice.value] : [];
}

interface TSpan {
  value: string;
  start: number;
  end: number;
}

/**
 * Values whose phrases occur as whole words in the text. An occurrence inside a longer one is
 * ignored, so "not solved" counts for the "not solved" phrase and not for "solved".
 */
function phraseMatches(typed: string, keyed: readonly { value: string; phrases: string[] }[]): string[] {
  const padded = ` ${typed} `;
  const spans: TSpan[] = [];
  for (const { value, phrases } of keyed) {
    for (const phrase of phrases) {
      const needle = ` ${phrase} `;
      for (let at = padded.indexOf(needle); at !== -1; at = padded.indexOf(needle, at + 1)) {
        spans.push({ value, start: at, end: at + needle.length });
      }
    }
  }
  const inside = (a: TSpan, b: TSpan) => b.start <= a.start && a.end <= b.end && b.end - b.start > a.end - a.start;
  return spans.filter((s) => !spans.some((other) => inside(s, other))).map((s) => s.value);
}

/** True when the text is a phrase of the list (after normalizing), e.g. a greeting. */
export function isOneOf(text: string, phrases: readonly string[]): boolean {
  const typed = normalize(text);
  return typed.length > 0 && phrases.some((p) => normalize(p) === typed);
}
