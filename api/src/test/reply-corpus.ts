import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';

/**
 * A reply corpus: a folder of `*.eml` files and an `expected.json` mapping each file name to
 * `{ "class": "...", "text": "what the person wrote" }`. Read by `npm run eval:email` and by the
 * corpus test; `api/src/email/fixtures/replies` is ours.
 */
export interface ReplyCase {
  file: string;
  /** The kind of mail (client, language or case), for per-class counts. */
  cls: string;
  expected: string;
  raw: Buffer;
  mail: ParsedMail;
  /** The sender's display name (the stripper before the evaluation took it, to drop a last line with the name). */
  sender: string | undefined;
}

export const ourReplyCorpus = new URL('../email/fixtures/replies/', import.meta.url).pathname;

/** Every case of the corpus in `folder`, in file-name order; `crlf` gives the files CRLF line ends as on the wire. */
export async function loadReplyCorpus(folder: string, options: { crlf?: boolean } = {}): Promise<ReplyCase[]> {
  const expected = JSON.parse(readFileSync(join(folder, 'expected.json'), 'utf8')) as Record<
    string,
    { class?: string; text?: string }
  >;
  const files = readdirSync(folder)
    .filter((f) => f.endsWith('.eml'))
    .sort();
  const unlisted = files.filter((f) => typeof expected[f]?.text !== 'string');
  if (unlisted.length) throw new Error(`expected.json has no text for: ${unlisted.join(', ')}`);
  const cases: ReplyCase[] = [];
  for (const file of files) {
    let raw = readFileSync(join(folder, file));
    if (options.crlf) raw = Buffer.from(raw.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
    // The options inbound parses with (processInboundEmail).
    const mail = await simpleParser(raw, { keepDeliveryStatus: true, skipImageLinks: true });
    const entry = expected[file]!;
    cases.push({
      file,
      cls: entry.class ?? 'unclassified',
      expected: entry.text!,
      raw,
      mail,
      sender: mail.from?.value[0]?.name,
    });
  }
  return cases;
}

/**
 * What "the same text" means when a reply is scored: Unicode NFC; CR LF and CR become LF;
 * zero-width characters and the BOM are removed; no-break and narrow no-break spaces become
 * spaces; on every line, leading and trailing spaces and tabs go and runs of spaces and tabs
 * become one space; empty lines are removed. Line breaks count; blank lines between paragraphs
 * and indentation do not.
 */
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
