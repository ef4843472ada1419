import { createHash } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import type { TStoredFile } from '@deskmate/shared';
import { judgeIncoming, type PendingFile } from '../attachments/chat-files.js';
import { storeAttachment } from '../attachments/store.js';
import type { DbOrTx } from '../db/client.js';
import { chatSessionFiles } from '../db/schema-chat.js';
import { chatSessions, tickets } from '../db/schema.js';
import { AppError, notFound } from '../http/errors.js';
import type { Services, UserRow } from '../http/context.js';

/**
 * A file someone shares while the wizard is still asking: judged now (they hear at once if it is
 * refused), kept with the conversation, and the ticket's once the conversation files it.
 */
export async function addSessionFile(
  services: Services,
  user: UserRow,
  sessionId: string,
  pending: PendingFile,
): Promise<TStoredFile> {
  const [session] = await services.db
    .select({ id: chatSessions.id, ticketId: chatSessions.ticketId })
    .from(chatSessions)
    .where(and(eq(chatSessions.id, sessionId), eq(chatSessions.userId, user.id)));
  if (!session) throw notFound('Conversation');
  if (session.ticketId) {
    const [t] = await services.db.select({ key: tickets.key }).from(tickets).where(eq(tickets.id, session.ticketId));
    throw new AppError('conflict', `This request is already ${t?.key ?? 'a ticket'}: add files in its thread`);
  }
  const file = { filename: pending.filename, declaredType: pending.declaredType, bytes: await pending.read() };
  const judged = await judgeIncoming(services, file);
  await services.db
    .insert(chatSessionFiles)
    .values({
      sessionId,
      filename: judged.filename,
      contentType: judged.contentType,
      size: file.bytes.length,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
      content: file.bytes,
    })
    .onConflictDoNothing();
  return { filename: judged.filename, contentType: judged.contentType, size: file.bytes.length };
}

/** The conversation filed its ticket: its files become the ticket's (as public as the ticket). */
export async function adoptSessionFiles(tx: DbOrTx, sessionId: string, ticketId: string) {
  const files = await tx
    .select()
    .from(chatSessionFiles)
    .where(eq(chatSessionFiles.sessionId, sessionId))
    .orderBy(asc(chatSessionFiles.createdAt), asc(chatSessionFiles.id));
  for (const f of files) {
    await storeAttachment(tx, {
      ticketId,
      eventId: null,
      filename: f.filename,
      contentType: f.contentType,
      content: f.content,
    });
  }
  if (files.length) await dropSessionFiles(tx, sessionId);
}

/** The conversation starts over or ends without a ticket: its files go with it. */
export async function dropSessionFiles(tx: DbOrTx, sessionId: string): Promise<void> {
  await tx.delete(chatSessionFiles).where(eq(chatSessionFiles.sessionId, sessionId));
}
