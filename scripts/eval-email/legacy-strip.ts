import { REPLY_MARKER } from '../../api/src/email/templates.js';

/**
 * The new part of a reply: quoted text, "On … wrote:" attributions, forwarded-header blocks and
 * signatures removed, as written by Gmail, Outlook, Apple Mail and Thunderbird (top- or
 * bottom-posted). HTML is read for its structure first (quote and signature containers each
 * client marks), then the text pass runs on the result.
 */
export function replyText(
  mail: { text?: string | undefined; html?: string | false | undefined },
  senderName?: string | null,
): string {
  if (mail.html) {
    const fromHtml = stripReplyText(htmlToText(mail.html, { dropQuotes: true, dropSignatures: true }), senderName);
    if (fromHtml || !mail.text) return fromHtml;
  }
  return stripReplyText(mail.text ?? '', senderName);
}

/** The text of a new message (not a reply): signatures removed, forwarded content kept. */
export function newMessageText(mail: { text?: string | undefined; html?: string | false | undefined }): string {
  const text = mail.html ? htmlToText(mail.html, { dropQuotes: false, dropSignatures: true }) : (mail.text ?? '');
  return tidy(cutSignature(normalise(text).split('\n'))).join('\n');
}

const attribution = [
  /^On\b.*\bwrote:\s*$/i, // Gmail, Apple Mail, Thunderbird (en)
  /^Le\b.*\ba écrit\s*:\s*$/i,
  /^Am\b.*\bschrieb\b.*:\s*$/i,
  /^El\b.*\bescribió:\s*$/i,
  /^Op\b.*\bschreef\b.*:\s*$/i,
  /^Il giorno\b.*\bha scritto:\s*$/i,
  /^.*<[^>\s]+@[^>\s]+>\s+wrote:\s*$/i,
];
const attributionStart = /^(On|Le|Am|El|Op|Il giorno)\b/i;
const attributionEnd = /(wrote|a écrit|schrieb.*|escribió|schreef.*|ha scritto)\s*:\s*$/i;

/** Outlook's header block of the message replied to: From:, then Sent:/Date: within three lines. */
const headerFrom = /^\*?(From|De|Von|Van|Da|Från|Fra)\s*:\*?\s/i;
const headerSent = /^\*?(Sent|Date|Envoyé|Gesendet|Verzonden|Inviato|Enviado|Datum|Skickat|Sendt)\s*:\*?\s/i;
const originalMessage =
  /^-{2,}\s*(Original Message|Message d'origine|Ursprüngliche Nachricht|Oorspronkelijk bericht|Mensaje original)\s*-{2,}\s*$/i;

const mobileSignOff =
  /^(Sent from my (iPhone|iPad|Android|mobile|Samsung|Galaxy|BlackBerry).*|Sent from (Mail|Outlook) for (Windows|iOS|Android).*|Get Outlook for (iOS|Android).*|Sent from Outlook.*|Sent from Yahoo Mail.*|Envoyé de mon iPhone|Von meinem iPhone gesendet|Enviado desde mi iPhone)\s*$/i;
const valediction =
  /^((best|kind|warm|many thanks and)?\s*regards|(many |thanks and )?thanks( again)?|thank you|cheers|best( wishes)?|sincerely|br|mvh|cordialement|mit freundlichen grüßen|viele grüße|saludos)\s*[,.!]?\s*$/i;

function normalise(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\u200B|\u200C|\u200D|\uFEFF/g, '')
    .replace(/\u00A0/g, ' ');
}

/** The text pass: see `replyText`. Exported for plain-text mail and for tests. */
export function stripReplyText(input: string, senderName?: string | null): string {
  let lines = normalise(input).split('\n');
  lines = cutAt(lines, (line, i, all) => {
    const t = line.trim();
    if (t.includes(REPLY_MARKER) && !line.startsWith('>')) return true;
    if (originalMessage.test(t)) return true;
    if (/^_{10,}\s*$/.test(t) && all.slice(i + 1, i + 4).some((l) => headerFrom.test(l.trim()))) return true;
    if (headerFrom.test(t) && all.slice(i + 1, i + 4).some((l) => headerSent.test(l.trim()))) return true;
    return false;
  });
  lines = dropQuotes(lines);
  lines = cutSignature(lines);
  lines = dropSignOffName(lines, senderName);
  return tidy(lines).join('\n');
}

/** A reply that ends with the sender's own name (Alice, or Alice Example) alone on a line. */
function dropSignOffName(lines: string[], senderName: string | null | undefined): string[] {
  const name = senderName?.trim().toLowerCase();
  if (!name) return lines;
  const content = tidy(lines);
  const last = content
    .at(-1)
    ?.trim()
    .replace(/^[-–—~]\s*/, '')
    .toLowerCase();
  if (content.length > 1 && last && (last === name || last === name.split(/\s+/)[0])) return tidy(content.slice(0, -1));
  return content;
}

function cutAt(lines: string[], test: (line: string, i: number, all: string[]) => boolean): string[] {
  const at = lines.findIndex((line, i, all) => test(line, i, all));
  return at < 0 ? lines : lines.slice(0, at);
}

/** Remove `>` quoted lines and the attribution line (possibly wrapped over two) before each block. */
function dropQuotes(lines: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (lines[i]!.startsWith('>')) continue;
    const nextQuoted = (from: number) => {
      for (let j = from; j < lines.length; j++) {
        if (lines[j]!.trim() === '') continue;
        return lines[j]!.startsWith('>');
      }
      return true; // an attribution at the very end
    };
    if (attribution.some((re) => re.test(t)) && nextQuoted(i + 1)) continue;
    const next = lines[i + 1]?.trim() ?? '';
    if (attributionStart.test(t) && attributionEnd.test(next) && nextQuoted(i + 2)) {
      i++;
      continue;
    }
    out.push(lines[i]!);
  }
  return out;
}

/** RFC 3676 `-- ` delimiter, a mobile sign-off, or a short closing block after a valediction. */
function cutSignature(lines: string[]): string[] {
  let out = cutAt(lines, (line) => line === '-- ' || line === '--' || line.trim() === '—');
  out = out.filter((line) => !mobileSignOff.test(line.trim()));
  const content = tidy(out);
  // A closing ("Best regards,") followed by at most five short lines that are not sentences.
  const closingLine = (l: string) => !l.trim() || (l.trim().length <= 60 && !/[.?!]\s*$/.test(l.trim()));
  for (let i = content.length - 1; i >= 1 && content.length - i <= 6; i--) {
    if (!valediction.test(content[i]!.trim())) continue;
    const tail = content.slice(i + 1);
    if (tail.length <= 5 && tail.every(closingLine)) return tidy(content.slice(0, i));
  }
  return content;
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

const entities: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  bull: '•',
  middot: '·',
  copy: '©',
  reg: '®',
  trade: '™',
  euro: '€',
  pound: '£',
  eacute: 'é',
  egrave: 'è',
  agrave: 'à',
  uuml: 'ü',
  ouml: 'ö',
  auml: 'ä',
  szlig: 'ß',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
    }
    return entities[name.toLowerCase()] ?? whole;
  });
}

const blocks = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'dd',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'ul',
]);
const hidden = new Set(['head', 'style', 'script', 'title', 'template', 'xml']);
const voids = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);

const attr = (attrs: string, name: string): string | null => {
  const m = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attrs);
  return m ? (m[1] ?? m[2] ?? m[3] ?? '') : null;
};

/** What a client puts around the message replied to ('quote', 'stop': all that follows) and around signatures. */
function containerRole(tag: string, attrs: string): 'quote' | 'signature' | 'stop' | null {
  const cls = ` ${attr(attrs, 'class') ?? ''} `;
  const id = attr(attrs, 'id') ?? '';
  if (/ (gmail_signature|moz-signature) /i.test(cls)) return 'signature';
  if (/^(Signature|signature|ms-outlook-mobile-signature|Signature_\w+)$/.test(id)) return 'signature';
  if (/ (gmail_quote|gmail_extra|moz-cite-prefix|protonmail_quote|yahoo_quoted|zmail_extra) /i.test(cls))
    return 'quote';
  if (tag === 'blockquote' && /^cite$/i.test(attr(attrs, 'type') ?? '')) return 'quote';
  // Outlook: everything after these is the message replied to.
  if (/^(divRplyFwdMsg|appendonsend|mail-editor-reference-message-container)$/.test(id)) return 'stop';
  if (tag === 'hr' && id === 'stopSpelling') return 'stop';
  const style = (attr(attrs, 'style') ?? '').toLowerCase().replace(/\s+/g, '');
  if (tag === 'div' && /border-top:solid#(e1e1e1|b5c4df)/.test(style)) return 'stop';
  return null;
}

/**
 * HTML to plain text: block elements become lines, entities decoded, hidden parts dropped; the
 * quote and signature containers of mail clients are left out as asked.
 */
export function htmlToText(html: string, options: { dropQuotes: boolean; dropSignatures: boolean }): string {
  let out = '';
  const newline = (n = 1) => {
    const trailing = /\n*$/.exec(out)![0].length;
    if (out.length && trailing < n) out += '\n'.repeat(n - trailing);
  };
  let skipDepth = 0;
  let skipTag = '';
  let hiddenTag = '';
  let pre = 0;
  const tokens =
    /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<![^>]*>|<\?[^>]*>|<(\/?)([a-zA-Z][\w:-]*)((?:"[^"]*"|'[^']*'|[^'">])*)>|([^<]+|<)/g;
  for (let m = tokens.exec(html); m; m = tokens.exec(html)) {
    const [, closing, rawTag, attrs = '', text] = m;
    if (text !== undefined) {
      if (skipDepth || hiddenTag) continue;
      const decoded = decodeEntities(text);
      if (pre) out += decoded;
      else {
        const collapsed = decoded.replace(/[ \t\r\n\f]+/g, ' ');
        out += !out || /[\n ]$/.test(out) ? collapsed.replace(/^ /, '') : collapsed;
      }
      continue;
    }
    if (!rawTag) continue;
    const tag = rawTag.toLowerCase();
    if (hiddenTag) {
      if (closing && tag === hiddenTag) hiddenTag = '';
      continue;
    }
    if (skipDepth) {
      if (tag === skipTag && !voids.has(tag)) skipDepth += closing ? -1 : attrs.trim().endsWith('/') ? 0 : 1;
      continue;
    }
    if (!closing && hidden.has(tag)) {
      hiddenTag = tag;
      continue;
    }
    const role = closing ? null : containerRole(tag, attrs);
    if (role && (role === 'signature' ? options.dropSignatures : options.dropQuotes)) {
      if (role === 'stop') break;
      if (!voids.has(tag)) {
        skipTag = tag;
        skipDepth = 1;
      }
      continue;
    }
    if (tag === 'br') {
      out += '\n';
      continue;
    }
    if (tag === 'pre') pre += closing ? -1 : 1;
    if (tag === 'li' && !closing) {
      newline();
      out += '- ';
      continue;
    }
    if (tag === 'td' || tag === 'th') {
      if (!closing && !/(^|\n| )$/.test(out)) out += ' ';
      continue;
    }
    if (blocks.has(tag)) {
      const paragraph = tag === 'p' && !/\bMso/i.test(attr(attrs, 'class') ?? '') && closing;
      newline(paragraph ? 2 : 1);
    }
  }
  return out
    .split('\n')
    .map((l) => l.replace(/^ +| +$/g, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
