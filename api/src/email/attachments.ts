import { createHash } from 'node:crypto';
import type { Attachment } from 'mailparser';
import type { DbOrTx } from '../db/client.js';
import { emailAttachments } from '../db/schema-email.js';

export interface AttachmentPolicy {
  maxBytes: number;
  /** `type/subtype` or `type/*`, lower case. */
  types: string[];
}

export interface SkippedAttachment {
  filename: string;
  contentType: string;
  size: number;
  reason: 'too_large' | 'type_not_allowed';
}

/** A MIME type allowed by a list of `type/subtype` and `type/*` patterns. */
export function typeAllowed(contentType: string, patterns: string[]): boolean {
  const type = contentType.toLowerCase().split(';')[0]!.trim();
  return patterns.some((p) => (p.endsWith('*') ? type.startsWith(p.slice(0, -1)) : type === p));
}

/** Keep what fits the policy; report the rest so the ticket's timeline can say what was left out. */
export function sortAttachments(
  attachments: Attachment[],
  policy: AttachmentPolicy,
): { keep: Attachment[]; skipped: SkippedAttachment[] } {
  const keep: Attachment[] = [];
  const skipped: SkippedAttachment[] = [];
  for (const a of attachments) {
    // Delivery reports and the like are read by `classify`, not kept.
    if (/^(message\/delivery-status|text\/rfc822-headers|message\/disposition-notification)$/i.test(a.contentType))
      continue;
    const info = { filename: fileName(a), contentType: a.contentType.toLowerCase(), size: a.size };
    if (!typeAllowed(a.contentType, policy.types)) skipped.push({ ...info, reason: 'type_not_allowed' });
    else if (a.size > policy.maxBytes) skipped.push({ ...info, reason: 'too_large' });
    else keep.push(a);
  }
  return { keep, skipped };
}

/** A file name safe to show and to offer as a download. */
export function fileName(a: Pick<Attachment, 'filename' | 'contentType'>): string {
  const name = (a.filename ?? '')
    .replace(/[\\/]/g, '_')
    .split('')
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f && ch !== '"')
    .join('')
    .trim()
    .slice(0, 200);
  return name || `attachment.${a.contentType.split('/')[1]?.split(/[;+]/)[0] ?? 'bin'}`;
}

/** Store kept attachments against the ticket (the same file twice on one ticket is stored once). */
export async function storeAttachments(
  db: DbOrTx,
  files: Attachment[],
  link: { ticketId: string; eventId: string | null; inboundId: string },
): Promise<{ id: string; filename: string; size: number }[]> {
  if (!files.length) return [];
  const rows = await db
    .insert(emailAttachments)
    .values(
      files.map((a) => ({
        ...link,
        filename: fileName(a),
        contentType: a.contentType.toLowerCase(),
        size: a.size,
        sha256: createHash('sha256').update(a.content).digest('hex'),
        content: a.content,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: emailAttachments.id, filename: emailAttachments.filename, size: emailAttachments.size });
  return rows;
}
