import sanitizeHtml from 'sanitize-html';
import TurndownService from 'turndown';
import { strikethrough, tables } from '@joplin/turndown-plugin-gfm';

/*
 * What an imported article may carry. The knowledge base stores Markdown, and the console renders
 * it without raw HTML; still, what is stored must be safe for any renderer (a chat client, an
 * export): no script or style, no event handler attributes, and links and images only to
 * http(s), mailto and tel addresses or relative ones.
 */

const linkSchemes = ['http', 'https', 'mailto', 'tel'];

/** A link or image address that is not http(s)/mailto/tel or relative (javascript:, data:, vbscript:, file:…). */
export function isUnsafeUrl(raw: string): boolean {
  const decoded = raw
    .replace(/&#x([0-9a-f]+);?/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&colon;/gi, ':')
    .replace(/&(tab|newline);/gi, '')
    // Browsers ignore control characters and whitespace inside a scheme ("java\tscript:").
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0020\u007f-\u009f]/g, '')
    .toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(decoded)?.[1];
  return scheme !== undefined && !linkSchemes.includes(scheme);
}

const allowedTags = [
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'p',
  'br',
  'hr',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'a',
  'strong',
  'b',
  'em',
  'i',
  'u',
  's',
  'del',
  'sup',
  'sub',
  'kbd',
  'code',
  'pre',
  'blockquote',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
  'img',
  'div',
  'span',
  'section',
  'article',
  'main',
  'details',
  'summary',
];

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags,
  allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt', 'title'], th: ['align'], td: ['align'] },
  allowedSchemes: linkSchemes,
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  // Elements that are not content: dropped with what is inside them (sanitize-html keeps the text
  // of other disallowed elements).
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'template', 'iframe', 'object', 'head', 'title'],
};

/** HTML reduced to the allowed elements and attributes (scripts, handlers, unsafe links removed). */
export function sanitizeHtmlFragment(html: string): string {
  return sanitizeHtml(html, sanitizeOptions);
}

const turndown = new TurndownService({
  headingStyle: 'atx',
  codeBlockStyle: 'fenced',
  bulletListMarker: '-',
  emDelimiter: '_',
  hr: '---',
});
turndown.use([tables, strikethrough]);

/** An HTML page or fragment as the Markdown the knowledge base stores, sanitised first. */
export function htmlToMarkdown(html: string): string {
  return turndown.turndown(sanitizeHtmlFragment(html)).trim();
}

const unescapeText = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

/** Raw HTML inside Markdown text (not code): the same allowlist, the Markdown around it untouched. */
function sanitizeInlineHtml(text: string): string {
  if (!/<[a-z!/?]/i.test(text)) return text;
  // An autolink (<https://…>, <someone@example.com>) would read as an element: make it a link first.
  const linked = text.replace(/<((?:[a-z][a-z0-9+.-]*:[^\s<>]+)|(?:[^\s<>@]+@[^\s<>@]+))>/gi, (_, url: string) =>
    url.includes(':') ? (isUnsafeUrl(url) ? '' : `[${url}](${url})`) : `[${url}](mailto:${url})`,
  );
  return sanitizeHtml(linked, {
    ...sanitizeOptions,
    parser: { decodeEntities: false },
    // sanitize-html escapes the text between elements; in Markdown that text is Markdown (> quotes).
    textFilter: unescapeText,
  });
}

/** Markdown links, images and reference definitions whose address is unsafe lose the address. */
function dropUnsafeLinks(text: string): string {
  return text
    .replace(
      /(!?)\[([^\]]*)\]\([ \t]*<?((?:[^()\s<>]|\([^()\s]*\))*)>?(?:[ \t]+(?:"[^"]*"|'[^']*'))?[ \t]*\)/g,
      (whole, _bang: string, label: string, url: string) => (isUnsafeUrl(url) ? label : whole),
    )
    .replace(/^( {0,3}\[[^\]]+\]:[ \t]*)<?(\S+?)>?([ \t].*)?$/gm, (whole, _def: string, url: string) =>
      isUnsafeUrl(url) ? '' : whole,
    );
}

/**
 * Markdown as written by people, made safe to store: raw HTML in it goes through the same
 * allowlist as imported HTML, and unsafe link addresses are dropped. Code (fenced blocks and
 * inline code spans) is left exactly as written: an article may show HTML as an example.
 */
export function sanitizeMarkdown(markdown: string): string {
  const parts = markdown.split(/(^ {0,3}(?:`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:^ {0,3}(?:`{3,}|~{3,})[ \t]*$|(?![\s\S])))/m);
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return part; // a fenced code block
      return part
        .split(/(`+)([\s\S]*?[^`])\1(?!`)/)
        .map((piece, j, all) => {
          // split with two groups: [text, ticks, code, text, ticks, code, …]
          if (j % 3 === 1) return `${piece}${all[j + 1]}${piece}`;
          if (j % 3 === 2) return '';
          return dropUnsafeLinks(sanitizeInlineHtml(piece));
        })
        .join('');
    })
    .join('');
}
