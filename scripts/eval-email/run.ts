/**
 * `npm run eval:email [-- <corpus folder>] [--verbose]`: how well each way of taking the reply
 * text out of a mail does on a corpus of real-looking replies.
 *
 * A corpus is a folder of `*.eml` files and an `expected.json` that maps each file name to
 * `{ "class": "...", "text": "the reply text the person wrote" }`. Default folder:
 * `api/src/email/fixtures/replies`.
 *
 * "Correct" means the text a method returns equals the expected text after `normaliseForCompare`:
 * Unicode NFC; CR LF and CR become LF; zero-width characters and the BOM are removed; no-break
 * and narrow no-break spaces become spaces; on every line, leading and trailing spaces and tabs
 * are removed and runs of spaces and tabs inside become one space; empty lines are removed.
 * So line breaks count, blank lines between paragraphs and indentation do not.
 *
 * Methods: `before` is the hand-written stripper as it was before this evaluation (a frozen copy
 * in legacy-strip.ts); `planer` is the library alone (planer 1.2 on the HTML with a jsdom
 * document, else on the text; HTML output turned into text without removing anything);
 * `planer+hw` runs the hand-written text pass on planer's output; `hand-written` is
 * `replyText` as the app uses it; `hw+planer` runs planer's text pass on the hand-written result.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { JSDOM } from 'jsdom';
import { simpleParser, type ParsedMail } from 'mailparser';
import planer from 'planer';
import { htmlToText, replyText, stripReplyText } from '../../api/src/email/strip.js';
import { replyText as legacyReplyText } from './legacy-strip.js';

const out = (line = '') => process.stdout.write(`${line}\n`);

export function normaliseForCompare(text: string): string {
  return text
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/\u200B|\u200C|\u200D|\u2060|\uFEFF/g, '')
    .replace(/[\u00A0\u202F\u2007]/g, ' ')
    .split('\n')
    .map((line) => line.trim().replace(/[ \t]+/g, ' '))
    .filter(Boolean)
    .join('\n');
}

interface Case {
  file: string;
  cls: string;
  expected: string;
  raw: Buffer;
  mail: ParsedMail;
  sender: string | undefined;
}

const document = new JSDOM('<!DOCTYPE html><html><body></body></html>').window.document;
const plain = (html: string) => htmlToText(html, { dropQuotes: false, dropSignatures: false });

function byPlaner(c: Case): string {
  if (c.mail.html) return plain(planer.extractFrom(c.mail.html, 'text/html', document));
  return planer.extractFrom(c.mail.text ?? '', 'text/plain');
}

const methods: { name: string; run: (c: Case) => string }[] = [
  { name: 'before', run: (c) => legacyReplyText(c.mail, c.sender) },
  { name: 'planer', run: byPlaner },
  { name: 'planer+hw', run: (c) => stripReplyText(byPlaner(c), c.sender) },
  { name: 'hand-written', run: (c) => replyText(c.mail, c.sender, c.raw) },
  { name: 'hw+planer', run: (c) => planer.extractFrom(replyText(c.mail, c.sender, c.raw), 'text/plain') },
];

async function load(folder: string): Promise<Case[]> {
  const expected = JSON.parse(readFileSync(join(folder, 'expected.json'), 'utf8')) as Record<
    string,
    { class: string; text: string }
  >;
  const files = readdirSync(folder)
    .filter((f) => f.endsWith('.eml'))
    .sort();
  const missing = files.filter((f) => !expected[f]);
  if (missing.length) throw new Error(`expected.json has no entry for: ${missing.join(', ')}`);
  const cases: Case[] = [];
  for (const file of files) {
    const raw = readFileSync(join(folder, file));
    const mail = await simpleParser(raw, { keepDeliveryStatus: true, skipImageLinks: true });
    const entry = expected[file]!;
    cases.push({ file, cls: entry.class, expected: entry.text, raw, mail, sender: mail.from?.value[0]?.name });
  }
  return cases;
}

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
  const folder = resolve(args.find((a) => !a.startsWith('--')) ?? 'api/src/email/fixtures/replies');
  const cases = await load(folder);
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
