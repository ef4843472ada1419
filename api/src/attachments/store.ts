import { createHash } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { attachments } from '../db/schema-attachments.js';
import type { Services } from '../http/context.js';
import type { FilePolicy } from './judge.js';

export interface StoredAttachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

/**
 * The content check of every file a person sends (an upload in the console or portal, a file
 * shared in chat): ATTACHMENT_MAX_BYTES and ATTACHMENT_TYPES, applied by `judgeFile`.
 */
export function attachmentPolicy(config: Services['config']): FilePolicy {
  return { maxBytes: config.ATTACHMENT_MAX_BYTES, types: config.ATTACHMENT_TYPES };
}

/**
 * Keep a file shared in chat that `judgeFile` kept, on its ticket (`source` 'chat'), as the
 * event's it came with (null: the ticket's own, as public as the ticket): its visibility is that
 * event's (`attachmentsVisibleTo`). The same file twice with one event (a retried request) is kept
 * once; the same file with another event is that event's too, so it is as visible as each of them.
 * The one place chat files are written.
 */
export async function storeAttachment(
  db: DbOrTx,
  file: {
    ticketId: string;
    eventId: string | null;
    filename: string;
    contentType: string;
    content: Buffer;
  },
): Promise<StoredAttachment> {
  const sha256 = createHash('sha256').update(file.content).digest('hex');
  const columns = {
    id: attachments.id,
    filename: attachments.filename,
    contentType: attachments.contentType,
    size: attachments.size,
  };
  const [existing] = await db
    .select(columns)
    .from(attachments)
    .where(
      and(
        eq(attachments.ticketId, file.ticketId),
        file.eventId === null ? isNull(attachments.eventId) : eq(attachments.eventId, file.eventId),
        eq(attachments.source, 'chat'),
        eq(attachments.sha256, sha256),
      ),
    )
    .limit(1);
  if (existing) return existing;
  const [row] = await db
    .insert(attachments)
    .values({
      source: 'chat',
      ticketId: file.ticketId,
      eventId: file.eventId,
      filename: file.filename,
      contentType: file.contentType,
      size: file.content.length,
      sha256,
      content: file.content,
    })
    .returning(columns);
  return row!;
}
