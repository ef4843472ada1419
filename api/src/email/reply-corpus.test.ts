import { beforeAll, describe, expect, it } from 'vitest';
import { loadReplyCorpus, normaliseForCompare, ourReplyCorpus, type ReplyCase } from '../test/reply-corpus.js';
import { replyText } from './strip.js';

/**
 * Our reply corpus (fixtures/replies: written from the documented formats of each client and
 * language), one test per class. `npm run eval:email` prints the same comparison for the old
 * stripper and planer too.
 */
const classes = [
  'gmail',
  'outlook',
  'outlook-html-only',
  'apple-mail',
  'iphone',
  'thunderbird',
  'thunderbird-flowed',
  'android',
  'yahoo',
  'lang-de',
  'lang-fr',
  'lang-es',
  'lang-it',
  'lang-nl',
  'lang-pt',
  'signature',
  'inline',
  'never-empty',
  'sign-off',
  'forward-below',
];

let cases: ReplyCase[];
let onTheWire: ReplyCase[];
beforeAll(async () => {
  cases = await loadReplyCorpus(ourReplyCorpus);
  onTheWire = await loadReplyCorpus(ourReplyCorpus, { crlf: true });
});

/** File name → text, as stored and as expected (normalised), for a readable diff. */
function compare(some: ReplyCase[]) {
  const got = Object.fromEntries(some.map((c) => [c.file, normaliseForCompare(replyText(c.mail, c.raw))]));
  const want = Object.fromEntries(some.map((c) => [c.file, normaliseForCompare(c.expected)]));
  return { got, want };
}

describe('the reply corpus', () => {
  it('has at least 40 replies, and every class at least twice', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    for (const cls of classes) expect(cases.filter((c) => c.cls === cls).length, cls).toBeGreaterThanOrEqual(2);
    expect(new Set(cases.map((c) => c.cls))).toEqual(new Set(classes));
  });

  it.each(classes)('%s: the stored reply is the text the person wrote', (cls) => {
    const { got, want } = compare(cases.filter((c) => c.cls === cls));
    expect(got).toEqual(want);
  });

  it('the same with CRLF line ends, as mail arrives', () => {
    const { got, want } = compare(onTheWire);
    expect(got).toEqual(want);
  });
});

describe('comparing texts', () => {
  it('ignores blank lines, indentation and repeated spaces, but not line breaks or words', () => {
    expect(normaliseForCompare('  Hi,\r\n\r\n\r\nIt\u00A0 works.\u200B  \n')).toBe('Hi,\nIt works.');
    expect(normaliseForCompare('Hi, It works.')).not.toBe(normaliseForCompare('Hi,\nIt works.'));
  });
});
