import { Parser } from 'htmlparser2';
import { parse as parseYaml } from 'yaml';
import { ZKbArticleRequest, slugify, ticketCategories, type TTicketCategory } from '@deskmate/shared';
import { htmlToMarkdown, sanitizeMarkdown } from './sanitize.js';

/** One file of an import: its path in the folder or zip, and its bytes (or why it was not read). */
export interface ImportFile {
  path: string;
  bytes?: Uint8Array;
  problem?: string;
}

/** An article read from a file, ready to be created or to update the one it matches. */
export interface ImportedArticle {
  path: string;
  slug: string;
  /** The slug was written in the file (front matter or meta), not derived from its name. */
  slugGiven: boolean;
  title: string;
  category: TTicketCategory;
  tags: string[];
  synonyms: string[];
  body: string;
}

export type Converted = { ok: true; article: ImportedArticle } | { ok: false; reason: string };

const frontMatter = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;
const slugPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

interface Meta {
  title?: string | undefined;
  category?: string | undefined;
  tags?: string[] | undefined;
  synonyms?: string[] | undefined;
  slug?: string | undefined;
}

/** A list as YAML or a meta tag may give it: an array, or words separated by commas. */
function list(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value.map(String) : String(value).split(',');
  return items.map((s) => s.trim()).filter(Boolean);
}

function readFrontMatter(text: string): { meta: Meta; rest: string } | { error: string } {
  const match = frontMatter.exec(text);
  if (!match) return { meta: {}, rest: text };
  let data: unknown;
  try {
    data = parseYaml(match[1] ?? '');
  } catch (err) {
    return { error: `front matter is not valid YAML: ${(err as Error).message.split('\n')[0]}` };
  }
  if (data === null || data === undefined) return { meta: {}, rest: text.slice(match[0].length) };
  if (typeof data !== 'object' || Array.isArray(data)) return { error: 'front matter must be a mapping (key: value)' };
  const d = data as Record<string, unknown>;
  const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v).trim());
  return {
    meta: {
      title: str(d.title),
      category: str(d.category),
      tags: list(d.tags ?? d.keywords),
      synonyms: list(d.synonyms),
      slug: str(d.slug),
    },
    rest: text.slice(match[0].length),
  };
}

/** `<title>` and `<meta name="keywords|category|slug" content>` of an HTML page. */
function htmlMeta(html: string): Meta & { pageTitle?: string } {
  const meta: Meta & { pageTitle?: string } = {};
  let inTitle = false;
  let title = '';
  const parser = new Parser({
    onopentag(name, attrs) {
      if (name === 'title') inTitle = true;
      if (name !== 'meta') return;
      const key = (attrs.name ?? attrs.property ?? '').toLowerCase();
      const content = attrs.content?.trim();
      if (!content) return;
      if (key === 'keywords') meta.tags = list(content);
      if (key === 'category') meta.category = content;
      if (key === 'slug') meta.slug = content;
    },
    ontext(text) {
      if (inTitle) title += text;
    },
    onclosetag(name) {
      if (name === 'title') inTitle = false;
    },
  });
  parser.write(html);
  parser.end();
  if (title.trim()) meta.pageTitle = title.replace(/\s+/g, ' ').trim();
  return meta;
}

/** The first level-1 heading outside code (ATX `# Title` or Setext `Title` over `===`), and the body without it. */
function firstH1(markdown: string): { title: string; without: string } | null {
  const lines = markdown.split('\n');
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (f) {
      if (!fence) fence = f[0]!;
      else if (f[0] === fence) fence = null;
      continue;
    }
    if (fence) continue;
    const atx = /^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (atx) return { title: atx[1]!.trim(), without: [...lines.slice(0, i), ...lines.slice(i + 1)].join('\n') };
    if (line.trim() && /^ {0,3}=+[ \t]*$/.test(lines[i + 1] ?? '') && (i === 0 || !lines[i - 1]!.trim()))
      return { title: line.trim(), without: [...lines.slice(0, i), ...lines.slice(i + 2)].join('\n') };
  }
  return null;
}

/** Plain text of a heading written in Markdown (`**VPN** setup` → `VPN setup`). */
const plainHeading = (s: string) =>
  s
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`~]/g, '')
    .trim();

function categoryNamed(value: string | undefined): TTicketCategory | undefined {
  const v = value?.trim().toLowerCase();
  return ticketCategories.find((c) => c === v);
}

/** The nearest folder of the path named after a category (`network/vpn/x.md` → network). */
function categoryOfFolders(path: string): TTicketCategory | undefined {
  const folders = path.split('/').slice(0, -1).reverse();
  for (const folder of folders) {
    const c = categoryNamed(folder);
    if (c) return c;
  }
  return undefined;
}

const baseName = (path: string) => (path.split('/').pop() ?? path).replace(/\.[^.]+$/, '');

const humanise = (name: string) => {
  const words = name.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** Largest file an import reads, in bytes. */
export const maxFileBytes = 1024 * 1024;

const kinds: Record<string, 'markdown' | 'html'> = {
  md: 'markdown',
  markdown: 'markdown',
  html: 'html',
  htm: 'html',
};

/**
 * One file as an article. Front matter (YAML between `---` lines; for HTML also `<meta>` tags)
 * may give the title, category, tags (or keywords), synonyms and slug. Without them: the title is
 * the first level-1 heading (else the page's `<title>`, else the file name), the category the
 * nearest folder named after a category, else `defaults.category`; the slug comes from the file
 * name. HTML is sanitised and converted to Markdown; raw HTML in Markdown is sanitised too.
 */
export function articleFromFile(file: ImportFile, defaults: { category?: TTicketCategory | undefined }): Converted {
  if (file.problem) return { ok: false, reason: file.problem };
  const ext = /\.([a-z0-9]+)$/i.exec(file.path)?.[1]?.toLowerCase() ?? '';
  const kind = kinds[ext];
  if (!kind) return { ok: false, reason: 'not a Markdown (.md) or HTML (.html) file' };
  const bytes = file.bytes ?? new Uint8Array();
  if (bytes.length > maxFileBytes) return { ok: false, reason: `larger than ${maxFileBytes / 1024 / 1024} MiB` };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return { ok: false, reason: 'not UTF-8 text' };
  }
  if (text.includes('\u0000')) return { ok: false, reason: 'not a text file (it holds NUL bytes)' };
  text = text.replace(/\r\n?/g, '\n');

  const fm = readFrontMatter(text);
  if ('error' in fm) return { ok: false, reason: fm.error };
  let meta: Meta & { pageTitle?: string } = fm.meta;
  let body: string;
  if (kind === 'html') {
    const fromPage = htmlMeta(fm.rest);
    meta = {
      ...fromPage,
      ...Object.fromEntries(Object.entries(fm.meta).filter(([, v]) => v !== undefined)),
    };
    body = htmlToMarkdown(fm.rest);
  } else {
    body = sanitizeMarkdown(fm.rest).trim();
  }

  const h1 = firstH1(body);
  let title = meta.title;
  if (h1 && (!title || plainHeading(h1.title) === title)) {
    title ??= plainHeading(h1.title);
    body = h1.without.trim();
  }
  title ||= meta.pageTitle || humanise(baseName(file.path));

  let category: TTicketCategory | undefined;
  if (meta.category !== undefined) {
    category = categoryNamed(meta.category);
    if (!category)
      return { ok: false, reason: `category "${meta.category}" is not one of ${ticketCategories.join(', ')}` };
  }
  category ??= categoryOfFolders(file.path) ?? defaults.category;
  if (!category)
    return {
      ok: false,
      reason: `no category: give one in the front matter, put the file in a folder named after a category (${ticketCategories.join(', ')}), or choose a default category`,
    };

  if (meta.slug !== undefined && !slugPattern.test(meta.slug))
    return { ok: false, reason: `slug "${meta.slug}" must be lower-case words and dashes, such as vpn-connect` };
  const slug = meta.slug ?? (slugify(baseName(file.path)) || slugify(title));
  if (!body.trim()) return { ok: false, reason: 'the article has no text' };

  const parsed = ZKbArticleRequest.safeParse({
    slug,
    title,
    category,
    tags: meta.tags ?? [],
    synonyms: meta.synonyms ?? [],
    body,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: `${issue.path.join('.') || 'article'}: ${issue.message}` };
  }
  const a = parsed.data;
  return {
    ok: true,
    article: {
      path: file.path,
      slug: a.slug,
      slugGiven: meta.slug !== undefined,
      title: a.title,
      category: a.category,
      tags: a.tags,
      synonyms: a.synonyms,
      body: a.body,
    },
  };
}
