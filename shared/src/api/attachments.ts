import { z } from 'zod';
import { ZTicketKey } from '../domain.js';
import { ZUuid } from './common.js';

/** Where a file came from. */
export const ZAttachmentSource = z.enum(['email', 'upload', 'chat']);

/**
 * A file as the timeline and the ticket show it. `thumbnail`: an image the browser may show
 * inline from `/api/tickets/:key/attachments/:id/thumbnail` (png, jpeg, gif, webp); any file
 * downloads from `/api/tickets/:key/attachments/:id`.
 */
export const ZAttachmentRef = z.object({
  id: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  thumbnail: z.boolean(),
});
export type TAttachmentRef = z.infer<typeof ZAttachmentRef>;

/** One file of a ticket's list: which event it belongs to (null: the ticket itself). */
export const ZAttachment = ZAttachmentRef.extend({
  source: ZAttachmentSource,
  eventId: z.string().nullable(),
  createdAt: z.string(),
});
export type TAttachment = z.infer<typeof ZAttachment>;

export const ZAttachmentList = z.object({ items: z.array(ZAttachment) });

/**
 * An upload waiting to be attached: a reply, note or new ticket of the same person references it
 * by id (once) within a day, or it is purged.
 */
export const ZUpload = z.object({
  id: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  thumbnail: z.boolean(),
  createdAt: z.string(),
});
export type TUpload = z.infer<typeof ZUpload>;
export const ZUploadResponse = z.object({ upload: ZUpload });

/** The most files one reply, note or ticket takes. */
export const MAX_ATTACHMENTS = 10;

/** Uploads a reply, note or new ticket takes (each the caller's own, not attached yet). */
export const ZAttachmentIds = z
  .array(ZUuid)
  .max(MAX_ATTACHMENTS, `must be at most ${MAX_ATTACHMENTS} files`)
  .refine((ids) => new Set(ids).size === ids.length, 'must not name a file twice');

/** The id is checked after the ticket: someone who may not see the ticket learns nothing from it. */
export const ZAttachmentParams = z.object({ key: ZTicketKey, id: z.string().max(100) }).strict();

/**
 * Why an upload was refused, in `error.details` of the 4xx (413 too large; 415 a program, a type
 * not on the list, or content that is not what its name or type says).
 */
export const ZFileRefusal = z.object({
  reason: z.enum(['executable', 'type_mismatch', 'type_not_allowed', 'too_large']),
  filename: z.string(),
  detail: z.string(),
});
export type TFileRefusal = z.infer<typeof ZFileRefusal>;

/** `300 bytes`, `12 KB`, `3.4 MB`: how big a file is, for people (console and email alike). */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
