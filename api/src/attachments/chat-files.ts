import type { Request } from 'express';
import { and, eq } from 'drizzle-orm';
import { ticketEvents } from '../db/schema.js';
import { AppError, notFound } from '../http/errors.js';
import type { Services } from '../http/context.js';
import { recordActivity } from '../tickets/recorder.js';
import { getVisibleTicket, type TicketContext } from '../tickets/service.js';
import { judgeFile, refusalText } from './judge.js';
import { safeFileName } from './names.js';
import { attachmentPolicy, storeAttachment, type StoredAttachment } from './store.js';

/** A file as a chat channel hands it over: its bytes, the name and type its sender gave. */
export interface IncomingFile {
  filename: string;
  declaredType: string;
  bytes: Buffer;
}

/** A file whose bytes are read only once the caller is known to be allowed to send it. */
export interface PendingFile {
  filename: string;
  declaredType: string;
  read(): Promise<Buffer>;
}

/** Files come as raw bytes; the request may not be more than this (the policy's own limit is applied after). */
const HARD_LIMIT = 100 * 1024 * 1024;

/**
 * The file in a request's body (application/octet-stream), read up to the desk's size limit: a
 * larger one is a 413 before it is all read.
 */
export async function readFileBody(req: Request, services: Services): Promise<Buffer> {
  if (!req.is('application/octet-stream'))
    throw new AppError(
      'unsupported_media_type',
      'Send the file as application/octet-stream (its own type goes in ?type=)',
    );
  const limit = Math.min(attachmentPolicy(services.config).maxBytes, HARD_LIMIT);
  const declared = Number(req.headers['content-length']);
  if (declared > limit) throw new AppError('payload_too_large', `The file is larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new AppError('payload_too_large', `The file is larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

/**
 * The content check of a file shared in chat (`judgeFile` with `attachmentPolicy`, as for
 * uploads): the type it is kept as, or a 4xx that says why it was not (a program, a type not
 * kept, not what it claims, too large), in words the chat shows as they are.
 */
export async function judgeIncoming(
  services: Services,
  file: IncomingFile,
): Promise<{ filename: string; contentType: string }> {
  const filename = safeFileName(file.filename, file.declaredType || 'application/octet-stream');
  const verdict = await judgeFile(
    { filename, declaredType: file.declaredType, bytes: file.bytes },
    attachmentPolicy(services.config),
  );
  if (verdict.kept) return { filename, contentType: verdict.contentType };
  throw new AppError(
    verdict.reason === 'too_large' ? 'payload_too_large' : 'unsupported_media_type',
    `${filename} was not attached: ${refusalText(verdict.reason)}`,
    { reason: verdict.reason, filename },
  );
}

/**
 * A file for a reply or note its sender just wrote (a file shared in a chat thread): it follows
 * that event's visibility by construction — a file in an agent's note stays internal, one in a
 * public reply is public. Only the event's own author may add to it; anything else is 404.
 */
export async function attachToEvent(
  ctx: TicketContext,
  key: string,
  eventId: string,
  pending: PendingFile,
): Promise<StoredAttachment> {
  const { services, viewer } = ctx;
  const ticket = await getVisibleTicket(services.db, viewer, key);
  const [event] = await services.db
    .select({ authorId: ticketEvents.authorId, kind: ticketEvents.kind, visibility: ticketEvents.visibility })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.id, eventId), eq(ticketEvents.ticketId, ticket.id)));
  if (!event || event.authorId !== viewer.user.id || (event.kind !== 'reply' && event.kind !== 'note'))
    throw notFound('Event');
  const file = { filename: pending.filename, declaredType: pending.declaredType, bytes: await pending.read() };
  const judged = await judgeIncoming(services, file);
  return services.db.transaction(async (tx) => {
    const stored = await storeAttachment(tx, {
      ticketId: ticket.id,
      eventId,
      filename: judged.filename,
      contentType: judged.contentType,
      content: file.bytes,
    });
    await recordActivity(tx, ctx, ticket, {
      action: 'ticket.file_added',
      after: { attachmentId: stored.id, filename: stored.filename, eventId },
      visibility: event.visibility,
    });
    return stored;
  });
}
