/**
 * HTML mail to plain text, reading the structure mail clients give the message replied to:
 * block elements become lines, lists become items, links keep their address, and the quote,
 * attribution, signature and "reply header" containers of Gmail, Outlook (desktop, web and
 * mobile), Apple Mail, Thunderbird, Yahoo and Samsung mail are left out or marked as asked.
 */

import { forwardSeparator } from './quote-patterns.js';

export interface HtmlToTextOptions {
  /** Leave out the message replied to (quote containers, attribution lines, Outlook's reply header and all after it). */
  dropQuotes: boolean;
  /** Leave out signature containers (Gmail, Thunderbird, Outlook, phones). */
  dropSignatures: boolean;
  /**
   * With `dropQuotes`: write quote containers as `>` lines instead of leaving them out, so the
   * text pass can keep answers written between quoted parts.
   */
  markQuotes?: boolean;
  /**
   * With `dropQuotes`: do not stop at Outlook's reply header; leave out only the header and keep
   * the message below it (for a reply written inline into Outlook's quoted message).
   */
  keepHistory?: boolean;
}

const entities: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00A0',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  sbquo: '‚',
  ldquo: '“',
  rdquo: '”',
  bdquo: '„',
  laquo: '«',
  raquo: '»',
  bull: '•',
  middot: '·',
  copy: '©',
  reg: '®',
  trade: '™',
  euro: '€',
  pound: '£',
  deg: '°',
  iexcl: '¡',
  iquest: '¿',
  aacute: 'á',
  agrave: 'à',
  acirc: 'â',
  atilde: 'ã',
  auml: 'ä',
  ccedil: 'ç',
  eacute: 'é',
  egrave: 'è',
  ecirc: 'ê',
  euml: 'ë',
  iacute: 'í',
  igrave: 'ì',
  icirc: 'î',
  iuml: 'ï',
  ntilde: 'ñ',
  oacute: 'ó',
  ograve: 'ò',
  ocirc: 'ô',
  otilde: 'õ',
  ouml: 'ö',
  uacute: 'ú',
  ugrave: 'ù',
  ucirc: 'û',
  uuml: 'ü',
  szlig: 'ß',
  Aacute: 'Á',
  Agrave: 'À',
  Auml: 'Ä',
  Ccedil: 'Ç',
  Eacute: 'É',
  Egrave: 'È',
  Ntilde: 'Ñ',
  Ouml: 'Ö',
  Uuml: 'Ü',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : whole;
    }
    return entities[name] ?? entities[name.toLowerCase()] ?? whole;
  });
}

const blocks = new Set(
  'address article aside blockquote center dd div dl dt fieldset figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul'.split(
    ' ',
  ),
);
const hidden = new Set(['head', 'style', 'script', 'title', 'template', 'xml']);
const voids = new Set('area base br col embed hr img input link meta source track wbr'.split(' '));

const attr = (attrs: string, name: string): string | null => {
  const m = new RegExp(`(?:^|\\s)${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attrs);
  return m ? decodeEntities(m[1] ?? m[2] ?? m[3] ?? '') : null;
};

type Role = 'quote' | 'attribution' | 'signature' | 'stop' | 'header' | 'hidden' | null;

/**
 * What a client puts around the message replied to. 'stop': Outlook's reply header or the rule
 * above it, after which everything is the message replied to; 'header': the same header when
 * the history is kept.
 */
function roleOf(tag: string, attrs: string, options: HtmlToTextOptions): Role {
  const cls = ` ${attr(attrs, 'class') ?? ''} `;
  const id = attr(attrs, 'id') ?? '';
  const style = (attr(attrs, 'style') ?? '').toLowerCase().replace(/\s+/g, '');
  if (/display:none/.test(style)) return 'hidden';
  if (/ (gmail_signature|gmail_signature_prefix|moz-signature|protonmail_signature_block) /i.test(cls))
    return 'signature';
  if (
    /^(Signature|signature|ms-outlook-mobile-signature|AppleMailSignature|composer_signature|ymail_android_signature|Signature_\w+)$/.test(
      id,
    )
  )
    return 'signature';
  if (/ (gmail_attr|moz-cite-prefix) /i.test(cls)) return 'attribution';
  if (/ (yahoo_quoted|protonmail_quote|zmail_extra) /i.test(cls)) return 'quote';
  if (/ gmail_quote /i.test(cls) && (tag === 'blockquote' || !options.markQuotes)) return 'quote';
  if (/ gmail_extra /i.test(cls) && !options.markQuotes) return 'quote';
  // A blockquote is a quote unless it is Gmail's "indent" (a borderless blockquote).
  if (tag === 'blockquote' && (/^cite$/i.test(attr(attrs, 'type') ?? '') || !/border:none/.test(style))) return 'quote';
  if (/^x?_?divRplyFwdMsg$/.test(id) || / OutlookMessageHeader /i.test(cls))
    return options.keepHistory ? 'header' : 'stop';
  if (tag === 'div' && outlookRule.test(style)) return options.keepHistory ? 'header' : 'stop';
  if (options.keepHistory) return null;
  if (/^(appendonsend|mail-editor-reference-message-container|OLK_SRC_BODY_SECTION)$/.test(id)) return 'stop';
  if (tag === 'hr' && (id === 'stopSpelling' || /display:inline-block/.test(style))) return 'stop';
  return null;
}

/** The top border Outlook (Windows, Mac) and Windows Mail draw above the header of the message replied to. */
const outlookRule =
  /border-top:[^;]*(#e1e1e1|#b5c4df|rgb\(225,225,225\)|rgb\(181,196,223\))|border-top-color:rgb\(229,229,229\)/;

/** HTML to plain text (see the module comment); the options say what to do with quotes and signatures. */
export function htmlToText(html: string, options: HtmlToTextOptions): string {
  // Output as pieces with the state the rules need (last character, trailing line breaks):
  // reading the end of one growing string would flatten it on every tag, quadratic on long mail.
  const parts: string[] = [];
  let last = '';
  let trailingBreaks = 0;
  const append = (s: string) => {
    if (!s) return;
    parts.push(s);
    last = s[s.length - 1]!;
    let n = 0;
    while (n < s.length && s[s.length - 1 - n] === '\n') n++;
    trailingBreaks = n === s.length ? trailingBreaks + n : n;
  };
  let depth = 0; // quote depth of what is written now
  const open = new Map<string, number>(); // elements open per tag name
  const quotes: { tag: string; level: number }[] = [];
  const links: { href: string; start: number }[] = [];
  const lists: { ordered: boolean; n: number }[] = [];
  const paragraphs: boolean[] = []; // per open <p>: is it Word's (MsoNormal: one line, no gap)
  let marker = '';
  // An element left out; for an attribution container, the start of its text (see `forwardLine`).
  let skip: { tag: string; level: number; text?: string } | null = null;
  const collect = (s: string) => {
    if (skip?.text !== undefined && skip.text.length < 400) skip.text += s;
  };
  let hiddenTag = '';
  let pre = 0;

  const lineStart = () => !last || last === '\n';
  const newline = (n = 1) => {
    if (last && trailingBreaks < n) append('\n'.repeat(n - trailingBreaks));
  };
  const write = (text: string) => {
    if (!text) return;
    if (lineStart()) {
      if (depth) append(`${'>'.repeat(depth)} `);
      append(marker);
      marker = '';
    }
    append(text);
  };

  const tokens =
    /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<![^>]*>|<\?[^>]*>|<(\/?)([a-zA-Z][\w:-]*)((?:"[^"]*"|'[^']*'|[^'">])*)>|([^<]+|<)/g;
  for (let m = tokens.exec(html); m; m = tokens.exec(html)) {
    const [, closing, rawTag, attrs = '', text] = m;
    if (text !== undefined) {
      if (hiddenTag) continue;
      if (skip) {
        collect(decodeEntities(text));
        continue;
      }
      const decoded = decodeEntities(text);
      if (pre) {
        decoded.split('\n').forEach((line, i) => {
          if (i) append('\n');
          write(line);
        });
        continue;
      }
      let collapsed = decoded.replace(/[ \t\r\n\f]+/g, ' ');
      if (lineStart() || last === ' ') collapsed = collapsed.replace(/^ /, '');
      write(collapsed);
      continue;
    }
    if (!rawTag) continue;
    const tag = rawTag.toLowerCase();
    if (hiddenTag) {
      if (closing && tag === hiddenTag) hiddenTag = '';
      continue;
    }
    const isVoid = voids.has(tag) || attrs.trim().endsWith('/');
    if (!isVoid) open.set(tag, Math.max(0, (open.get(tag) ?? 0) + (closing ? -1 : 1)));
    const level = open.get(tag) ?? 0;
    if (skip) {
      if (closing && tag === skip.tag && level < skip.level) {
        const forward = skip.text && forwardLine(skip.text);
        skip = null;
        // Gmail writes "---------- Forwarded message ---------" and the header lines in its
        // attribution container and the forwarded message after it, outside any quote: the line
        // is written out so the text pass cuts there, as it does in the text part.
        if (forward) {
          newline();
          write(forward);
          newline();
        }
      } else if (tag === 'br' || blocks.has(tag)) collect('\n');
      continue;
    }
    if (!closing && hidden.has(tag)) {
      hiddenTag = tag;
      continue;
    }
    if (closing) {
      const q = quotes.at(-1);
      if (q && q.tag === tag && level < q.level) {
        quotes.pop();
        depth--;
        newline();
        continue;
      }
    } else {
      const role = roleOf(tag, attrs, options);
      const leaveOut =
        role === 'hidden' ||
        role === 'header' ||
        (role === 'signature' && options.dropSignatures) ||
        ((role === 'quote' || role === 'attribution') &&
          options.dropQuotes &&
          !(role === 'quote' && options.markQuotes));
      if (role === 'stop' && options.dropQuotes) break;
      if (leaveOut) {
        if (!isVoid) skip = role === 'attribution' ? { tag, level, text: '' } : { tag, level };
        continue;
      }
      if (role === 'quote' && options.dropQuotes && options.markQuotes && !isVoid) {
        newline();
        quotes.push({ tag, level });
        depth++;
        continue;
      }
    }

    if (tag === 'br') {
      if (lineStart() && depth) append('>'.repeat(depth));
      append('\n');
      continue;
    }
    if (tag === 'a') {
      if (!closing) links.push({ href: attr(attrs, 'href') ?? '', start: parts.length });
      else {
        const link = links.pop();
        const label = link ? parts.slice(link.start).join('').trim() : '';
        if (link && label && /^https?:\/\//i.test(link.href) && !sameAddress(label, link.href))
          write(` <${link.href}>`);
      }
      continue;
    }
    if (tag === 'pre') pre = Math.max(0, pre + (closing ? -1 : 1));
    if (tag === 'ol' || tag === 'ul') {
      if (closing) lists.pop();
      else lists.push({ ordered: tag === 'ol', n: 0 });
    }
    if (tag === 'li' && !closing) {
      newline();
      const list = lists.at(-1);
      marker = list?.ordered ? `${++list.n}. ` : '- ';
      continue;
    }
    if (tag === 'td' || tag === 'th') {
      if (!closing && !lineStart() && last !== ' ') append(' ');
      continue;
    }
    if (tag === 'p' && !closing) paragraphs.push(/\bMso/i.test(attr(attrs, 'class') ?? ''));
    const paragraph = tag === 'p' && closing && paragraphs.pop() === false;
    if (blocks.has(tag) && !marker) newline(paragraph ? 2 : 1);
  }
  // A no-break space survives collapsing, so Word's empty paragraph (<o:p>&nbsp;</o:p>) is a blank line.
  return parts
    .join('')
    .split('\n')
    .map((l) => l.replace(/\u00A0/g, ' ').replace(/^ +| +$/g, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The first line of an attribution container's text when it is a forwarded-message line, else null. */
function forwardLine(text: string): string | null {
  const first = text
    .split('\n')
    .map((l) => l.replace(/[\s\u00A0]+/g, ' ').trim())
    .find(Boolean);
  return first && forwardSeparator.test(first) ? first : null;
}

/** A link whose text is its own address (with or without the scheme or a trailing slash). */
function sameAddress(label: string, href: string): boolean {
  const bare = (s: string) =>
    s
      .trim()
      .replace(/^(https?:\/\/)?(www\.)?/i, '')
      .replace(/\/+$/, '')
      .toLowerCase();
  return bare(label) === bare(href) || label.includes(href);
}
