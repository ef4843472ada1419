import { sql, type SQL } from 'drizzle-orm';
import {
  outboxPayloads,
  parseOutboxMessage,
  type TOutboxKind,
  type TOutboxMessage,
  type TOutboxPayload,
} from '@deskmate/shared';
import { atCommit, type DbOrTx } from '../db/client.js';
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
  const insert = db.insert(outbox).values(checkedRows(kind, rows));
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

/**
 * Write outbox rows that the caller does not need back (`skip` or `fail` on a taken key): in a
 * transaction, in the one statement at its end that writes everything put off (`atCommit`), else
 * now. Checked like `writeOutbox`, at once, so a wrong payload fails where it is written.
 */
export async function queueOutbox<K extends TOutboxKind>(
  db: DbOrTx,
  kind: K,
  rows: readonly OutboxWrite<K>[],
  onConflict: 'skip' | 'fail',
): Promise<void> {
  await atCommit(db, `outbox:${onConflict}`, checkedRows(kind, rows), (values) => {
    const insert = db.insert(outbox).values(values);
    return onConflict === 'skip' ? insert.onConflictDoNothing() : insert;
  });
}

/** Rows as stored, each payload checked against its kind's schema (strict: no key it does not name). */
function checkedRows<K extends TOutboxKind>(kind: K, rows: readonly OutboxWrite<K>[]) {
  const schema = outboxPayloads[kind];
  // `email.deferred` carries the held-back row's payload beside its own fields: not strict.
  const check = 'strict' in schema && kind !== 'email.deferred' ? schema.strict() : schema;
  return rows.map((r) => ({
    kind: kind as string,
    dedupeKey: r.dedupeKey,
    payload: check.parse(r.payload) as unknown,
    ...(r.nextAttemptAt ? { nextAttemptAt: r.nextAttemptAt } : {}),
  }));
}

/** A stored row's kind and payload, checked against the contract (throws when they do not fit). */
export function readOutboxRow(row: Pick<typeof outbox.$inferSelect, 'kind' | 'payload'>): TOutboxMessage {
  return parseOutboxMessage(row.kind, row.payload);
}
