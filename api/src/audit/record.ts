import type { TChannel } from '@deskmate/shared';
import { atCommit, type DbOrTx } from '../db/client.js';
import { auditEvents } from '../db/schema.js';

/** Who did it and from where: taken from the request (or a job) and passed to domain functions. */
export interface Actor {
  userId: string | null;
  type: 'user' | 'system' | 'integration' | 'anonymous';
  ip?: string | undefined;
  userAgent?: string | undefined;
  channel?: TChannel | undefined;
}

export const systemActor: Actor = { userId: null, type: 'system', channel: 'system' };

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

/**
 * Append one audit row; call it with the transaction that makes the change. Tickets record theirs
 * through the change recorder (tickets/recorder.ts); this is for everything else (sign-in, users,
 * groups, settings).
 */
export async function recordAudit(db: DbOrTx, actor: Actor, entry: AuditEntry): Promise<void> {
  await recordAudits(db, actor, [entry]);
}

/**
 * Several audit rows by one actor, in one statement: in a transaction, the one at its end that
 * writes everything put off (`atCommit`); nothing reads an audit row back in the change that wrote it.
 */
export async function recordAudits(db: DbOrTx, actor: Actor, entries: readonly AuditEntry[]): Promise<void> {
  await atCommit(
    db,
    'audit',
    entries.map((entry) => ({
      actorId: actor.userId,
      actorType: actor.type,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId ?? null,
      before: entry.before ?? null,
      after: entry.after ?? null,
      ip: actor.ip ?? null,
      userAgent: actor.userAgent?.slice(0, 500) ?? null,
      channel: actor.channel ?? null,
    })),
    (rows) => db.insert(auditEvents).values(rows),
  );
}
