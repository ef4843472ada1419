import { sql, type SQL } from 'drizzle-orm';
import {
  outboxPayloads,
  parseOutboxMessage,
  type TOutboxKind,
  type TOutboxMessage,
  type TOutboxPayload,
} from '@deskmate/shared';
import type { DbOrTx } from '../db/client.js';
import { outbox } from '../db/schema.js';

/** One outbox row of `kind`: its payload is that kind's (shared/src/api/outbox.ts). */
export interface OutboxWrite<K extends TOutboxKind> {
  /** At most one row per key (an SQL expression for keys made in the database, e.g. per transaction). */
  dedupeKey: string | SQL;
  payload: TOutboxPayload<K>;
  /** Not to be relayed before then (an email held past quiet hours, the day's digest). */
  nextAttemptAt?: Date;
}

/** The payload fields of a kind that are lists of ids, which a later row with the same key may add to. */
type ListField<K extends TOutboxKind> = {
  [F in keyof TOutboxPayload<K>]: TOutboxPayload<K>[F] extends readonly string[] ? F : never;
}[keyof TOutboxPayload<K>];

/**
 * When a row with the same dedupe key exists: `skip` (the first one stands), `fail` (a key that
 * must be new, like a notification's), or `append` the new row's ids to a list field of the
 * pending row (one row gathers several events or notifications).
 */
export type OutboxConflict<K extends TOutboxKind> = 'skip' | 'fail' | { append: ListField<K> & string };

/**
 * Write outbox rows, in the caller's transaction: the one place the API writes to the outbox.
 * Each payload is checked against its kind's schema (strict: no key the contract does not name),
 * so a wrong payload fails here, before it is stored, as well as at compile time. Returns the
 * rows written or appended to (not those skipped).
 */
export async function writeOutbox<K extends TOutboxKind>(
  db: DbOrTx,
  kind: K,
  rows: readonly OutboxWrite<K>[],
  onConflict: OutboxConflict<K>,
): Promise<{ id: number; dedupeKey: string }[]> {
  if (!rows.length) return [];
  const schema = outboxPayloads[kind];
  // `email.deferred` carries the held-back row's payload beside its own fields: not strict.
  const check = 'strict' in schema && kind !== 'email.deferred' ? schema.strict() : schema;
  const values = rows.map((r) => ({
    kind,
    dedupeKey: r.dedupeKey,
    payload: check.parse(r.payload),
    ...(r.nextAttemptAt ? { nextAttemptAt: r.nextAttemptAt } : {}),
  }));
  const insert = db.insert(outbox).values(values);
  const returning = { id: outbox.id, dedupeKey: outbox.dedupeKey };
  if (onConflict === 'fail') return insert.returning(returning);
  if (onConflict === 'skip') return insert.onConflictDoNothing().returning(returning);
  const path = `{${onConflict.append}}`;
  return insert
    .onConflictDoUpdate({
      target: outbox.dedupeKey,
      set: {
        payload: sql`jsonb_set(${outbox.payload}, ${path}::text[], coalesce(${outbox.payload} -> ${onConflict.append}, '[]'::jsonb) || (excluded.payload -> ${onConflict.append}))`,
      },
      // A row relayed already is not changed: the key then stays taken (the caller may try another).
      setWhere: sql`${outbox.status} = 'pending'`,
    })
    .returning(returning);
}

/** A stored row's kind and payload, checked against the contract (throws when they do not fit). */
export function readOutboxRow(row: Pick<typeof outbox.$inferSelect, 'kind' | 'payload'>): TOutboxMessage {
  return parseOutboxMessage(row.kind, row.payload);
}
