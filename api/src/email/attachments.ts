import { createHash } from 'node:crypto';
import type { Attachment } from 'mailparser';
import type { DbOrTx } from '../db/client.js';
import { judgeFile, type FilePolicy, type FileRefusal } from '../attachments/judge.js';
import { safeFileName } from '../attachments/names.js';
import { attachments } from '../db/schema-attachments.js';

export type AttachmentPolicy = FilePolicy;

/** An attachment that is kept, as the type its bytes have (not the one its sender declared). */
export interface KeptAttachment {
  filename: string;
  contentType: string;
  size: number;
  content: Buffer;
}

export interface SkippedAttachment {
  filename: string;
  /** As declared by the sender. */
  contentType: string;
  /** As found in its bytes (null: no known signature, such as text). */
  detectedType: string | null;
  size: number;
  reason: FileRefusal;
  detail: string;
}

export interface SortedAttachments {
  keep: KeptAttachment[];
  skipped: SkippedAttachment[];
}

/**
 * Keep what `judgeFile` keeps (its bytes agree with its type and name, not a program, on the
 * list, within size); report the rest so the ticket's timeline can say what was left out and why.
 */
export async function sortAttachments(attachments: Attachment[], policy: AttachmentPolicy): Promise<SortedAttachments> {
  const keep: KeptAttachment[] = [];
  const skipped: SkippedAttachment[] = [];
  for (const a of attachments) {
    // Delivery reports and the like are read by `classify`, not kept.
    if (/^(message\/delivery-status|text\/rfc822-headers|message\/disposition-notification)$/i.test(a.contentType))
      continue;
    const filename = fileName(a);
    const verdict = await judgeFile({ filename, declaredType: a.contentType, bytes: a.content }, policy);
    if (verdict.kept) {
      keep.push({ filename, contentType: verdict.contentType, size: a.content.length, content: a.content });
    } else {
      skipped.push({
        filename,
        contentType: a.contentType.toLowerCase(),
        detectedType: verdict.detectedType,
        size: a.content.length,
        reason: verdict.reason,
        detail: verdict.detail,
      });
    }
  }
  return { keep, skipped };
}

/** A file name safe to show and to offer as a download. */
export const fileName = (a: Pick<Attachment, 'filename' | 'contentType'>): string =>
  safeFileName(a.filename, a.contentType);

/** Store kept attachments against the ticket (the same file twice on one ticket is stored once). */
export async function storeAttachments(
  db: DbOrTx,
  files: KeptAttachment[],
  link: { ticketId: string; eventId: string | null; inboundId: string },
): Promise<{ id: string; filename: string; size: number }[]> {
  if (!files.length) return [];
  const rows = await db
    .insert(attachments)
    .values(
      files.map((a) => ({
        ...link,
        source: 'email' as const,
        filename: a.filename,
        contentType: a.contentType,
        size: a.size,
        sha256: createHash('sha256').update(a.content).digest('hex'),
        content: a.content,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: attachments.id, filename: attachments.filename, size: attachments.size });
  return rows;
}
