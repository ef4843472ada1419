import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';

/**
 * Without a schema: we write queries with the query builder and never use Drizzle's relational
 * `db.query.*` API, and with a schema every transaction builds a relational query helper per
 * table (measurable on the hot paths).
 */
export type Db = NodePgDatabase;
/** A Drizzle handle or a transaction on it: domain functions accept either. */
export type DbOrTx = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

// Return bigint columns (COUNT, bigserial) as numbers: our counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));

export interface Database {
  pool: pg.Pool;
  db: Db;
  close(): Promise<void>;
}

export function createDatabase(url: string, options: { max?: number; applicationName?: string } = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'deskmate',
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  // A client losing its connection (the database restarted) must not crash the process: idle
  // clients report through the pool, and a checked-out client between two queries (inside a
  // transaction) emits 'error' on itself — the query in flight, if any, still rejects as usual.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const db = drizzle(pool);
  batchTransactions(db);
  if (refuseNested) guardNesting(db, pool, options.applicationName ?? 'deskmate');
  let closed = false;
  return {
    pool,
    db,
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** What a transaction has put off to its end, by name, each with how to write it. */
type Batches = Map<string, { items: unknown[]; flush: (items: unknown[]) => Promise<void> }>;
const batchesOf = new WeakMap<object, Batches>();

/**
 * Every `db.transaction` of this database (not the savepoints inside it) may put writes off to its
 * end: `untilCommit` collects them, and they are written in one statement per kind just before the
 * transaction commits — a NOTIFY, say, that is only delivered at commit anyway. A transaction that
 * fails writes none of them.
 */
function batchTransactions(db: Db): void {
  type Transaction = (fn: (tx: object) => Promise<unknown>, config?: unknown) => Promise<unknown>;
  const transaction = db.transaction.bind(db) as unknown as Transaction;
  const batched: Transaction = (fn, config) =>
    transaction(async (tx) => {
      const batches: Batches = new Map();
      batchesOf.set(tx, batches);
      const result = await fn(tx);
      for (const batch of batches.values()) if (batch.items.length) await batch.flush(batch.items);
      batchesOf.delete(tx);
      return result;
    }, config);
  Object.assign(db, { transaction: batched });
}

/**
 * The list to add to for a write of kind `name` put off to the end of `db`'s transaction (flushed
 * with `flush`, once, with everything added), or null when `db` is not the handle of such a
 * transaction (the pool, a savepoint): then the caller writes at once.
 */
export function untilCommit<T>(db: DbOrTx, name: string, flush: (items: T[]) => Promise<void>): T[] | null {
  const batches = batchesOf.get(db);
  if (!batches) return null;
  let batch = batches.get(name);
  if (!batch) batches.set(name, (batch = { items: [], flush: flush as (items: unknown[]) => Promise<void> }));
  return batch.items as T[];
}

/** True when the database answers within `timeoutMs`. */
export async function pingDatabase(pool: pg.Pool, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      pool.query('SELECT 1'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Inside a `db.transaction` callback: `open` until the callback has settled. */
const insideTransaction = new AsyncLocalStorage<{ open: boolean }>();
let refuseNested = false;

/**
 * From now on, databases created by `createDatabase` refuse (throw) a pooled connection asked for
 * inside one of their transactions' callbacks — a query on the pool instead of the transaction,
 * another `db.transaction`, another pool's query. Through a transaction-mode pooler shared by
 * every process, transactions that each hold a connection and wait for a second can hold the
 * whole pool and wait on each other until the pooler gives up (#24). Tests turn it on
 * (test/setup.ts); it is off in production, where the marking would cost every transaction an
 * AsyncLocalStorage context.
 */
export function refuseNestedConnections(): void {
  refuseNested = true;
}

export class NestedConnectionError extends Error {
  override name = 'NestedConnectionError';
}

function guardNesting(db: Db, pool: pg.Pool, applicationName: string): void {
  type Transaction = (fn: (tx: unknown) => Promise<unknown>, config?: unknown) => Promise<unknown>;
  const transaction = db.transaction.bind(db) as Transaction;
  const marked: Transaction = (fn, config) =>
    transaction((tx) => {
      const mark = { open: true };
      return insideTransaction.run(mark, async () => {
        try {
          return await fn(tx);
        } finally {
          mark.open = false;
        }
      });
    }, config);
  Object.assign(db, { transaction: marked });
  // pg-pool's own query() goes through this.connect, so this sees both ways of taking a client.
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  Object.assign(pool, {
    connect: (...args: unknown[]) => {
      if (insideTransaction.getStore()?.open) {
        const err = new NestedConnectionError(
          `a connection of the ${applicationName} pool was asked for inside a transaction: use the transaction`,
        );
        const callback = args.find((a) => typeof a === 'function') as ((e: Error) => void) | undefined;
        if (callback) return void callback(err);
        return Promise.reject(err);
      }
      return connect(...args);
    },
  });
}
