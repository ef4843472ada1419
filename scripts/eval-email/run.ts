/**
 * `npm run eval:email [-- <corpus folder>] [--verbose]`: how well each way of taking the reply
 * text out of a mail does on a corpus of real-looking replies.
 *
 * A corpus is a folder of `*.eml` files and an `expected.json` that maps each file name to
 * `{ "class": "...", "text": "the reply text the person wrote" }`. Default folder:
 * `api/src/email/fixtures/replies`.
 *
 * "Correct" means the text a method returns equals the expected text after
 * `normaliseForCompare` (api/src/test/reply-corpus.ts): Unicode NFC; CR LF and CR become LF;
 * zero-width characters and the BOM are removed; no-break spaces become spaces; on every line,
 * leading and trailing spaces and tabs are removed and inner runs become one space; empty lines
 * are removed. So line breaks count, blank lines between paragraphs and indentation do not.
 *
 * Methods: `before` is the hand-written stripper as it was before this evaluation (a frozen copy
 * in legacy-strip.ts); `planer` is the library alone (planer 1.2 on the HTML with a jsdom
 * document, else on the text; HTML output turned into text without removing anything);
 * `planer+hw` runs the hand-written text pass on planer's output; `hand-written` is
 * `replyText` as the app uses it; `hw+planer` runs planer's text pass on the hand-written result.
 */
import { resolve } from 'node:path';
import { JSDOM } from 'jsdom';
import planer from 'planer';
import {
  loadReplyCorpus,
  normaliseForCompare,
  ourReplyCorpus,
  type ReplyCase as Case,
} from '../../api/src/test/reply-corpus.js';
import { htmlToText, replyText, stripReplyText } from '../../api/src/email/strip.js';
import { replyText as legacyReplyText } from './legacy-strip.js';

const out = (line = '') => process.stdout.write(`${line}\n`);

const document = new JSDOM('<!DOCTYPE html><html><body></body></html>').window.document;
const plain = (html: string) => htmlToText(html, { dropQuotes: false, dropSignatures: false });

function byPlaner(c: Case): string {
  if (c.mail.html) return plain(planer.extractFrom(c.mail.html, 'text/html', document));
  return planer.extractFrom(c.mail.text ?? '', 'text/plain');
}

const methods: { name: string; run: (c: Case) => string }[] = [
  { name: 'before', run: (c) => legacyReplyText(c.mail, c.sender) },
  { name: 'planer', run: byPlaner },
  { name: 'planer+hw', run: (c) => stripReplyText(byPlaner(c)) },
  { name: 'hand-written', run: (c) => replyText(c.mail, c.raw) },
  { name: 'hw+planer', run: (c) => planer.extractFrom(replyText(c.mail, c.raw), 'text/plain') },
];

function safely(run: (c: Case) => string, c: Case): string {
  try {
    return run(c);
  } catch (err) {
    return `[error: ${(err as Error).message}]`;
  }
}

async function main() {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const folder = resolve(args.find((a) => !a.startsWith('--')) ?? ourReplyCorpus);
  const cases = await loadReplyCorpus(folder);
  const results = cases.map((c) => ({
    c,
    ok: methods.map((m) => {
      const got = safely(m.run, c);
      const ok = normaliseForCompare(got) === normaliseForCompare(c.expected);
      if (!ok && verbose)
        out(`✗ ${m.name} ${c.file}\n  expected: ${JSON.stringify(c.expected)}\n  got:      ${JSON.stringify(got)}`);
      return ok;
    }),
  }));

  const classes = [...new Set(cases.map((c) => c.cls))].sort();
  const width = Math.max(12, ...classes.map((c) => c.length)) + 2;
  out(`corpus: ${folder} (${cases.length} mails)`);
  out('correct / mails per class (a mail is correct when the normalised texts are equal)');
  out();
  out(`${'class'.padEnd(width)}${'mails'.padStart(6)}${methods.map((m) => m.name.padStart(14)).join('')}`);
  const row = (label: string, rows: typeof results) =>
    out(
      `${label.padEnd(width)}${String(rows.length).padStart(6)}${methods
        .map((_, i) => String(rows.filter((r) => r.ok[i]).length).padStart(14))
        .join('')}`,
    );
  for (const cls of classes)
    row(
      cls,
      results.filter((r) => r.c.cls === cls),
    );
  row('all', results);
  out();
  for (const [i, m] of methods.entries()) {
    const wrong = results.filter((r) => !r.ok[i]).map((r) => r.c.file);
    out(
      `${m.name}: ${results.length - wrong.length}/${results.length} correct${wrong.length ? `; wrong: ${wrong.join(', ')}` : ''}`,
    );
  }
}

await main();
