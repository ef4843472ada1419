import { getTableColumns, is, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { PgTransaction, type PgTable } from 'drizzle-orm/pg-core';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
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

export function createDatabase(
  url: string,
  options: {
    max?: number;
    applicationName?: string;
    /** Name (and so prepare once per connection) the statements sent with parameters: `nameStatements`. */
    namedStatements?: boolean;
  } = {},
): Database {
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
    if (options.namedStatements) nameStatements(client);
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

/**
 * A write a transaction has put off to its end: everything added, and the one statement that
 * writes it all (an INSERT, or a SELECT that only has an effect, like a NOTIFY).
 */
interface Batch {
  items: unknown[];
  statement: (items: unknown[]) => SQLWrapper;
  select: boolean;
}
const batchesOf = new WeakMap<object, Map<string, Batch>>();

/**
 * Every `db.transaction` of this database (not the savepoints inside it) may put writes off to its
 * end: `untilCommit` collects them, and they are written together in ONE statement just before the
 * transaction commits — each kind a data-modifying CTE of it (`atCommit`). A transaction that fails
 * writes none of them. Round trips are what a change costs here (ADR 18): a create's audit row,
 * outbox rows, notification and live NOTIFY were five statements, and are one.
 */
function batchTransactions(db: Db): void {
  type Transaction = (fn: (tx: object) => Promise<unknown>, config?: unknown) => Promise<unknown>;
  const transaction = db.transaction.bind(db) as unknown as Transaction;
  const batched: Transaction = (fn, config) =>
    transaction(async (tx) => {
      const batches = new Map<string, Batch>();
      batchesOf.set(tx, batches);
      const result = await fn(tx);
      batchesOf.delete(tx);
      const due = [...batches.values()].filter((b) => b.items.length);
      if (due.length) await (tx as Db).execute(combined(due));
      return result;
    }, config);
  Object.assign(db, { transaction: batched });
}

/**
 * Writes as one statement: each data-modifying one a CTE (PostgreSQL runs every one of them,
 * referenced or not), each SELECT a materialised CTE the final SELECT counts (so that it runs).
 */
function combined(batches: Batch[]): SQL {
  if (batches.length === 1) return batches[0]!.statement(batches[0]!.items).getSQL();
  // getSQL: a query builder put in a template as it is would be wrapped as a subquery, in parentheses.
  const ctes = batches.map((b, i) =>
    b.select
      ? sql`${sql.raw(`b${i}`)} AS MATERIALIZED (${b.statement(b.items).getSQL()})`
      : sql`${sql.raw(`b${i}`)} AS (${b.statement(b.items).getSQL()})`,
  );
  const selects = batches.flatMap((b, i) => (b.select ? [sql`(SELECT count(*) FROM ${sql.raw(`b${i}`)})`] : []));
  return sql`WITH ${sql.join(ctes, sql`, `)} SELECT ${selects.length ? sql.join(selects, sql`, `) : sql`1`}`;
}

/**
 * The list to add to for a write of kind `name` put off to the end of `db`'s transaction (written
 * by `statement`, once, with everything added), or null when `db` is not the handle of such a
 * transaction (the pool, a savepoint): then the caller writes at once. `select`: the statement is a
 * SELECT run for its effect (a NOTIFY), not an INSERT.
 */
export function untilCommit<T>(
  db: DbOrTx,
  name: string,
  statement: (items: T[]) => SQLWrapper,
  options: { select?: boolean } = {},
): T[] | null {
  const batches = batchesOf.get(db);
  if (!batches) return null;
  let batch = batches.get(name);
  if (!batch)
    batches.set(
      name,
      (batch = {
        items: [],
        statement: statement as (items: unknown[]) => SQLWrapper,
        select: options.select ?? false,
      }),
    );
  return batch.items as T[];
}

/**
 * Write `items` with `statement` at the end of `db`'s transaction, in the one statement that
 * writes everything put off there (`untilCommit`), or now when `db` is not such a transaction's
 * handle. For writes nothing in the transaction reads back and whose ids are known beforehand.
 */
export async function atCommit<T>(
  db: DbOrTx,
  name: string,
  items: readonly T[],
  statement: (items: T[]) => SQLWrapper,
  options: { select?: boolean } = {},
): Promise<void> {
  if (!items.length) return;
  const later = untilCommit(db, name, statement, options);
  if (later) later.push(...items);
  else await db.execute(statement([...items]).getSQL());
}

/** Handles made by `writeScope`, each with the handle it was made from. */
const scopeBases = new WeakMap<object, object>();

/**
 * A handle on `db` — the pool, outside any transaction — whose put-off writes (`untilCommit`,
 * `atCommit`) it keeps until `writeScoped` writes them all in ONE statement, which PostgreSQL
 * applies whole or not at all; a scope never written writes nothing. Queries through it run at
 * once, each on its own. This is how an email send of the delivery runner's waves records itself
 * (ADR 22): what the send wrote, with its delivery's status, in one statement right after the
 * relay's answer, with no transaction held open while it waits.
 */
export function writeScope<T extends object>(db: T): T {
  if (batchesOf.has(db)) throw new Error('writeScope: a transaction writes at its own end');
  const scope = Object.create(db) as T;
  batchesOf.set(scope, new Map());
  scopeBases.set(scope, db);
  return scope;
}

/** Whether `db` is the pool's handle: not a transaction's, a savepoint's or a `writeScope`'s. */
export const isPool = (db: DbOrTx): db is Db => !is(db, PgTransaction) && !scopeBases.has(db);

/** Whether `db` is a handle from `writeScope` (then a write that cannot wait for `writeScoped` has no transaction to join). */
export const isWriteScope = (db: object): boolean => scopeBases.has(db);

/** The handle a `writeScope` handle was made from; any other handle: itself. */
export const scopeBaseOf = (db: object): object => scopeBases.get(db) ?? db;

/** Write what the `writeScope` handle `scope` put off, in one statement, and start it afresh. */
export async function writeScoped(scope: object): Promise<void> {
  const batches = batchesOf.get(scope);
  if (!batches || !scopeBases.has(scope)) throw new Error('writeScoped: not a handle from writeScope');
  const due = [...batches.values()].filter((b) => b.items.length);
  batches.clear();
  if (due.length) await (scope as Db).execute(combined(due));
}

/**
 * A row of `table` from its JSON (`row_to_json`, keys by column name), each value as the driver
 * would have given it to Drizzle: timestamps become dates, JSON stays as it is.
 */
export function rowFromJson<T extends PgTable>(table: T, json: Record<string, unknown>): T['$inferSelect'] {
  const row: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = json[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as T['$inferSelect'];
}

/** Distinct statements one connection keeps prepared; later new ones are sent unnamed. */
const NAMED_PER_CONNECTION = 500;

/**
 * Give every statement this connection sends with parameters a name derived from its text, so that
 * PostgreSQL parses and plans it once per connection and then only binds and runs it (node-postgres
 * skips the Parse message for a name it has sent before). The same shapes come back on every
 * request — the create path alone is some twenty statements — and parsing and planning each one
 * again was a large share of the database's time per request (#19). Only with parameters: text
 * sent without (BEGIN, migrations' scripts) may hold several statements, which a prepared
 * statement cannot. Off through a transaction-mode pooler that does not track them
 * (DATABASE_PREPARED_STATEMENTS).
 */
function nameStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const named = new Set<string>();
  const nameFor = (text: string): string | undefined => {
    const name = `dm_${createHash('sha1').update(text).digest('hex').slice(0, 30)}`;
    if (named.has(name)) return name;
    if (named.size >= NAMED_PER_CONNECTION) return undefined;
    named.add(name);
    return name;
  };
  Object.assign(client, {
    query: (config: unknown, values?: unknown, callback?: unknown) => {
      const params = Array.isArray(values) ? values : undefined;
      if (typeof config === 'string' && params?.length) {
        const name = nameFor(config);
        if (name) return query({ text: config, name }, values, callback);
      } else if (config && typeof config === 'object' && !('submit' in config)) {
        const c = config as { text?: unknown; name?: unknown; values?: unknown };
        const hasParams = params?.length || (Array.isArray(c.values) && c.values.length > 0);
        if (typeof c.text === 'string' && c.name === undefined && hasParams) {
          const name = nameFor(c.text);
          if (name) return query({ ...c, name }, values, callback);
        }
      }
      return query(config, values, callback);
    },
  });
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
