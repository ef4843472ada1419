import { plainTextPart } from './flowed.js';
import { htmlToText } from './html-text.js';
import {
  attributionStart,
  bareAttribution,
  forwardSeparator,
  headerFrom,
  headerOther,
  matchAttribution,
  mobileSignOff,
  separator,
  underscoreRule,
} from './quote-patterns.js';
import { REPLY_MARKER } from './templates.js';

export { decodeEntities, htmlToText } from './html-text.js';

type MailText = { text?: string | undefined; html?: string | false | undefined };

/**
 * The new part of a reply, as the person typed it: the message replied to (quoted lines,
 * "On … wrote:" attributions, Outlook's header blocks and separators, in the languages of
 * `quote-patterns.ts`), a message forwarded or pasted below the text, the signature after `-- `
 * and the lines mail apps add ("Sent from my iPhone") removed; a closing and name the person
 * typed ("Thanks,\nMarta") stay. As written by Gmail, Outlook, Apple Mail, iPhone, Thunderbird,
 * Android mail and Yahoo (top-posted, bottom-posted or answered inline). HTML is read for its
 * structure first (each client's quote and signature containers), then the text pass runs on
 * the result.
 * `raw` (the message as received) lets a `format=flowed` text part be decoded per RFC 3676.
 *
 * Never empty when the person wrote something: when the strict pass leaves nothing, the
 * history is kept with only its markers (header block, attribution, quote marks, signature)
 * removed, so an answer written into the quoted message is kept.
 */
export function replyText(mail: MailText, raw?: Buffer): string {
  const part = raw ? plainTextPart(raw, mail.text) : undefined;
  // An HTML-only mail: mailparser's text is its own rendering of the HTML, not a second source.
  const text = part === null ? '' : (part?.flowed ?? mail.text ?? '');
  const html = mail.html || '';
  const html2text = (keepHistory: boolean) =>
    htmlToText(html, { dropQuotes: true, dropSignatures: true, markQuotes: true, keepHistory });
  const attempts = [
    () => html && stripReplyText(html2text(false)),
    () => stripReplyText(text),
    () => html && stripReplyText(html2text(true), { keepHistory: true }),
    () => stripReplyText(text, { keepHistory: true }),
  ];
  for (const attempt of attempts) {
    const result = attempt();
    // Only punctuation left (a rule, a lone dash) is no text.
    if (/[\p{L}\p{N}]/u.test(result)) return result;
  }
  return '';
}

/** The text of a new message (not a reply): signatures removed, forwarded content kept. */
export function newMessageText(mail: MailText): string {
  const text = mail.html ? htmlToText(mail.html, { dropQuotes: false, dropSignatures: true }) : (mail.text ?? '');
  return tidy(cutSignature(normalise(text).split('\n'))).join('\n');
}

function normalise(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\u200B|\u200C|\u200D|\u2060|\uFEFF/g, '')
    .replace(/[\u00A0\u202F\u2007]/g, ' ');
}

const isQuoted = (line: string) => /^ {0,3}>/.test(line);

/**
 * Where the message replied to starts, as the lines that mark it: `cut` when all that follows
 * is that message (a header block, a separator, or an attribution not followed by `>` lines),
 * `drop` when only the marker lines go (an attribution followed by `>` quotes, which are
 * removed line by line so answers between them stay).
 */
function findMarker(lines: string[], from: number): { at: number; length: number; cut: boolean } | null {
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!;
    const t = line.trim();
    if (!t || isQuoted(line)) continue;
    if (t.includes(REPLY_MARKER) || separator.test(t) || forwardSeparator.test(t))
      return { at: i, length: 1 + headerBlockLength(lines, i + 1), cut: true };
    if (underscoreRule.test(t)) {
      const next = lines.slice(i + 1, i + 4).findIndex((l) => headerFrom.test(l.trim()));
      if (next >= 0) return { at: i, length: 1 + next + headerBlockLength(lines, i + 1 + next), cut: true };
    }
    const header = headerBlockLength(lines, i);
    if (header) return { at: i, length: header, cut: true };
    // An attribution wrapped over up to three lines (Gmail wraps before the address, iPhone before "wrote:").
    // Only a line that starts like one (its first word, or a name and address) is joined with the next.
    const wraps = attributionStart.test(t) || /<[^>\s]*@/.test(t);
    const joinable = (l: string) => !isQuoted(l) && !attributionStart.test(l.trim());
    for (let n = 1; n <= (wraps ? 3 : 1) && i + n <= lines.length && (n === 1 || joinable(lines[i + n - 1]!)); n++) {
      const joined = lines
        .slice(i, i + n)
        .map((l) => l.trim())
        .join(' ');
      const attribution = matchAttribution(joined);
      if (!attribution) continue;
      if (attribution.rest) return { at: i, length: n, cut: true };
      const next = lines.slice(i + n).find((l) => l.trim());
      return { at: i, length: n, cut: next === undefined || !isQuoted(next) };
    }
    if (bareAttribution.test(t)) {
      const next = lines.slice(i + 1).find((l) => l.trim());
      if (next !== undefined && isQuoted(next)) return { at: i, length: 1, cut: false };
    }
  }
  return null;
}

/**
 * A header block of a message replied to or forwarded, starting at `at`: a "From:" line (in its
 * language) and at least two of "Sent:/Date:/To:/Cc:/Subject:", or one on the very next line
 * when the "From:" line names an address. Its length, or 0. A sentence that only starts with
 * "From:" is not one: the labels must follow each other (a wrapped address or recipient list
 * may sit between them).
 */
function headerBlockLength(lines: string[], at: number): number {
  const from = lines[at]?.trim() ?? '';
  if (!headerFrom.test(from)) return 0;
  let end = at + 1;
  let others = 0;
  for (let j = at + 1; j < Math.min(lines.length, at + 8); j++) {
    const t = lines[j]!.trim();
    if (headerOther.test(t)) {
      others++;
      end = j + 1;
    } else if (t && others === 0 && j > at + 1) break;
    else if (!t && others) break;
  }
  const pair = others === 1 && end === at + 2 && /@[\w-]+\.[\w.-]+/.test(from);
  return others >= 2 || pair ? end - at : 0;
}

/** The text pass: see `replyText`. Exported for plain-text mail and for tests. */
export function stripReplyText(input: string, options: { keepHistory?: boolean } = {}): string {
  let lines = normalise(input).split('\n');
  for (let marker = findMarker(lines, 0); marker; marker = findMarker(lines, marker.at)) {
    if (marker.cut && !options.keepHistory) {
      lines = lines.slice(0, marker.at);
      break;
    }
    lines.splice(marker.at, marker.length);
  }
  lines = lines.filter((line) => !isQuoted(line));
  lines = cutSignature(lines);
  return tidy(lines).join('\n');
}

/**
 * What the mail client adds below the text: the signature after the RFC 3676 `-- ` delimiter
 * line, and the lines phones and mail apps write by themselves ("Sent from my iPhone", …).
 * A closing and a name the person typed ("Thanks,\nMarta") are their text and stay.
 */
function cutSignature(lines: string[]): string[] {
  const at = lines.findIndex((line) => /^--[ \t]*$/.test(line) || line.trim() === '—');
  const out = at < 0 ? lines : lines.slice(0, at);
  // In HTML the app's name is often a link, written as "Sent from Mail <https://…> for Windows".
  const added = (line: string) => mobileSignOff.test(line.replace(/\s*<https?:\/\/[^\s>]*>/g, '').trim());
  return tidy(out.filter((line) => !added(line)));
}

/** Trim blank lines at both ends and trailing spaces, keep at most one blank line in a row. */
function tidy(lines: string[]): string[] {
  const out: string[] = [];
  for (const raw of lines) {
    const line = raw.replace(/[ \t]+$/, '');
    if (!line && (!out.length || !out[out.length - 1])) continue;
    out.push(line);
  }
  while (out.length && !out[out.length - 1]) out.pop();
  return out;
}
