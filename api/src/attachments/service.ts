import { createHash } from 'node:crypto';
import { and, asc, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { TAttachment, TAttachmentRef, TUpload } from '@deskmate/shared';
import type { DbOrTx } from '../db/client.js';
import { attachments } from '../db/schema-attachments.js';
import { AppError, notFound } from '../http/errors.js';
import type { Services, UserRow } from '../http/context.js';
import { consume } from '../security/rate-limit.js';
import type { Viewer, Visible } from '../tickets/policy.js';
import { attachmentsVisibleTo, ownUnattachedUploads } from './policy.js';
import { judgeFile, refusalText } from './judge.js';
import { safeFileName } from './names.js';
import { attachmentPolicy } from './store.js';

/** An upload not referenced by a reply, note or new ticket within this long is purged. */
export const UPLOAD_TTL_MS = 86_400_000;

/** Uploads one person may make in an hour (the files live in the database). */
const UPLOADS_PER_HOUR = 200;

/** Raster formats a browser shows without running anything (never SVG, which is a document). */
const thumbnailTypes = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/** Images larger than this get no preview: decoding them costs more than a timeline is worth. */
export const THUMBNAIL_SOURCE_MAX_BYTES = 20 * 1024 * 1024;

/** Whether a file may be shown inline as a preview (its type comes from its bytes). */
export const canThumbnail = (file: { contentType: string; size: number }): boolean =>
  thumbnailTypes.has(file.contentType) && file.size <= THUMBNAIL_SOURCE_MAX_BYTES;

const refColumns = {
  id: attachments.id,
  eventId: attachments.eventId,
  filename: attachments.filename,
  contentType: attachments.contentType,
  size: attachments.size,
  source: attachments.source,
  createdAt: attachments.createdAt,
};
type RefRow = { [K in keyof typeof refColumns]: (typeof attachments.$inferSelect)[K] };

const presentRef = (r: RefRow): TAttachmentRef => ({
  id: r.id,
  filename: r.filename,
  contentType: r.contentType,
  size: r.size,
  thumbnail: canThumbnail(r),
});

/** Every file of the ticket this viewer may see, oldest first. */
export async function listAttachments(db: DbOrTx, viewer: Viewer, ticket: Visible): Promise<TAttachment[]> {
  const rows = await db
    .select(refColumns)
    .from(attachments)
    .where(attachmentsVisibleTo(viewer, ticket))
    .orderBy(asc(attachments.createdAt), asc(attachments.id));
  return rows.map((r) => ({
    ...presentRef(r),
    source: r.source,
    eventId: r.eventId,
    createdAt: r.createdAt.toISOString(),
  }));
}

/** The files of the ticket itself (no event): its opening mail's, those it was opened with. */
export async function ticketLevelAttachments(db: DbOrTx, viewer: Viewer, ticket: Visible): Promise<TAttachmentRef[]> {
  const rows = await db
    .select(refColumns)
    .from(attachments)
    .where(and(attachmentsVisibleTo(viewer, ticket), isNull(attachments.eventId)))
    .orderBy(asc(attachments.createdAt), asc(attachments.id));
  return rows.map(presentRef);
}

/** The files of these events of one ticket that the viewer may see, by event id. */
export async function attachmentsByEvent(
  db: DbOrTx,
  viewer: Viewer,
  ticket: Visible,
  eventIds: string[],
): Promise<Map<string, TAttachmentRef[]>> {
  const byEvent = new Map<string, TAttachmentRef[]>();
  if (!eventIds.length) return byEvent;
  const rows = await db
    .select(refColumns)
    .from(attachments)
    .where(and(attachmentsVisibleTo(viewer, ticket), inArray(attachments.eventId, eventIds)))
    .orderBy(asc(attachments.createdAt), asc(attachments.id));
  for (const r of rows) byEvent.set(r.eventId!, [...(byEvent.get(r.eventId!) ?? []), presentRef(r)]);
  return byEvent;
}

const fileColumns = { ...refColumns, ticketId: attachments.ticketId };

/**
 * One file of the ticket if the viewer may see it (anything else is 404), with its bytes or its
 * stored preview: never both, a file may be large.
 */
export async function readAttachment(
  db: DbOrTx,
  viewer: Viewer,
  ticket: Visible,
  id: string,
  part: 'content' | 'thumbnail',
) {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw notFound('Attachment');
  const [file] = await db
    .select({ ...fileColumns, bytes: part === 'content' ? attachments.content : attachments.thumbnail })
    .from(attachments)
    .where(and(eq(attachments.id, id), attachmentsVisibleTo(viewer, ticket)));
  if (!file) throw notFound('Attachment');
  return file;
}

/** The bytes of a file already found through `readAttachment`. */
export async function attachmentContent(db: DbOrTx, id: string): Promise<Buffer> {
  const [row] = await db.select({ content: attachments.content }).from(attachments).where(eq(attachments.id, id));
  if (!row) throw notFound('Attachment');
  return row.content;
}

export interface UploadedFile {
  filename: string;
  declaredType: string;
  bytes: Buffer;
  /** The body went past the size limit and was cut there. */
  truncated: boolean;
}

/** A refused file as an error in the one shape: what was refused, why, in words and as a code. */
function refusal(filename: string, reason: Parameters<typeof refusalText>[0], detail: string): AppError {
  return new AppError(
    reason === 'too_large' ? 'payload_too_large' : 'unsupported_media_type',
    `${filename} was not accepted: ${refusalText(reason)} (${detail})`,
    { reason, filename, detail },
  );
}

/**
 * Keep an upload, waiting for a reply, note or new ticket of the same person to reference it. It
 * is judged by its bytes as email attachments are (`judgeFile`), with ATTACHMENT_MAX_BYTES and
 * ATTACHMENT_TYPES: a refusal is a 413 or 415 that says why.
 */
export async function createUpload(services: Services, user: UserRow, file: UploadedFile): Promise<TUpload> {
  const { config, clock, db } = services;
  const filename = safeFileName(file.filename, file.declaredType || 'application/octet-stream');
  if (file.truncated)
    throw refusal(filename, 'too_large', `the file is over the limit of ${config.ATTACHMENT_MAX_BYTES} bytes`);
  if (!file.bytes.length) throw new AppError('validation_failed', `${filename} is empty`);
  const verdict = await judgeFile(
    { filename, declaredType: file.declaredType, bytes: file.bytes },
    attachmentPolicy(config),
  );
  if (!verdict.kept) throw refusal(filename, verdict.reason, verdict.detail);
  await consume(db, [{ key: `attachments:upload:${user.id}`, max: UPLOADS_PER_HOUR, windowMs: 3_600_000 }], clock);
  const [row] = await db
    .insert(attachments)
    .values({
      source: 'upload',
      uploaderId: user.id,
      filename,
      contentType: verdict.contentType,
      size: file.bytes.length,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
      content: file.bytes,
      createdAt: clock.now(),
    })
    .returning(refColumns);
  return { ...presentRef(row!), createdAt: row!.createdAt.toISOString() };
}

/**
 * Attach uploads to what references them, in the caller's transaction: the ticket itself
 * (`eventId` null: a new ticket) or one of its events, whose visibility they then follow. Only
 * the uploader's own uploads, not attached yet and not expired, and each once: anything else
 * refuses the whole request (one answer for "not yours", "gone" and "attached already").
 */
export async function attachUploads(
  tx: DbOrTx,
  uploader: Pick<UserRow, 'id'>,
  ids: readonly string[],
  link: { ticketId: string; eventId: string | null },
  now: Date,
): Promise<void> {
  if (!ids.length) return;
  const attached = await tx
    .update(attachments)
    .set({ ticketId: link.ticketId, eventId: link.eventId, attachedAt: now })
    .where(and(ownUnattachedUploads(uploader, ids), gt(attachments.createdAt, new Date(now.getTime() - UPLOAD_TTL_MS))))
    .returning({ id: attachments.id });
  if (attached.length === ids.length) return;
  const found = new Set(attached.map((a) => a.id));
  const missing = ids.filter((id) => !found.has(id));
  throw new AppError(
    'validation_failed',
    `Invalid body.attachmentIds: ${missing.length === 1 ? 'a file is' : `${missing.length} files are`} not an upload of yours waiting to be attached (attached already, or expired: upload it again)`,
    missing.map((id) => ({
      path: 'body.attachmentIds',
      message: `${id} is not an upload of yours waiting to be attached`,
    })),
  );
}

/** Take back one's own upload before it is attached (a file removed from the composer). */
export async function discardUpload(db: DbOrTx, user: Pick<UserRow, 'id'>, id: string): Promise<void> {
  const deleted = await db
    .delete(attachments)
    .where(ownUnattachedUploads(user, [id]))
    .returning({ id: attachments.id });
  if (!deleted.length) throw notFound('Upload');
}

/** Delete uploads nobody attached within UPLOAD_TTL_MS (the maintenance job). */
export async function purgeUnattachedUploads(db: DbOrTx, now: Date): Promise<number> {
  const result = await db
    .delete(attachments)
    .where(
      and(
        isNull(attachments.ticketId),
        eq(attachments.source, 'upload'),
        lt(attachments.createdAt, new Date(now.getTime() - UPLOAD_TTL_MS)),
      ),
    );
  return result.rowCount ?? 0;
}

/** The stored preview of an image, kept once made. */
export async function storeThumbnail(db: DbOrTx, id: string, bytes: Buffer): Promise<void> {
  await db
    .update(attachments)
    .set({ thumbnail: bytes })
    .where(and(eq(attachments.id, id), sql`${attachments.thumbnail} IS NULL`));
}
