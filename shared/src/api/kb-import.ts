import { z } from 'zod';
import { ZTicketCategory } from '../domain.js';

/** A title or file name as a knowledge-base slug: lower-case words joined by dashes. */
export const slugify = (s: string): string =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100)
    .replace(/-+$/g, '');

/**
 * `POST /api/kb/import` (body: a zip of Markdown and HTML files, Content-Type application/zip):
 * `publish` publishes what is imported (new articles are drafts otherwise; updated ones keep
 * their state); `category` is the category of files that name none (front matter or folder).
 */
export const ZKbImportQuery = z
  .object({
    publish: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
    category: ZTicketCategory.optional(),
  })
  .strict();
export type TKbImportQuery = z.infer<typeof ZKbImportQuery>;

export const ZKbImportItem = z.object({
  /** The file's path in the folder or zip. */
  path: z.string(),
  outcome: z.enum(['created', 'updated', 'skipped']),
  slug: z.string().nullable(),
  title: z.string().nullable(),
  /** Why a file was skipped (unchanged, not Markdown or HTML, no category, invalid front matter…). */
  reason: z.string().nullable(),
});
export type TKbImportItem = z.infer<typeof ZKbImportItem>;

export const ZKbImportResult = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  items: z.array(ZKbImportItem),
});
export type TKbImportResult = z.infer<typeof ZKbImportResult>;
