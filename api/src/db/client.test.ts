import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../test/db.js';
import { NestedConnectionError } from './client.js';

/** Refused, as drizzle reports it (a query's failure wraps the driver's error as its cause). */
const refused = (err: unknown): boolean =>
  err instanceof NestedConnectionError || (err instanceof Error && err.cause instanceof NestedConnectionError);

// test/setup.ts turned the refusal on, as for every test.
describe('a transaction never takes a second pooled connection (refused in tests)', () => {
  const db = useTestDatabase();

  it('refuses a query on the pool, or another transaction, inside a transaction; the transaction itself works', async () => {
    const { db: handle } = db.current;
    const inside = await handle.transaction(async (tx) => {
      const own = await tx.execute<{ n: number }>(sql`SELECT 1 AS n`);
      const onPool = await handle.execute(sql`SELECT 1`).then(
        () => 'ran',
        (err: unknown) => err,
      );
      const nested = await handle.transaction(async () => 'ran').catch((err: unknown) => err);
      // A savepoint is the same connection.
      const savepoint = await tx.transaction(async (sp) => (await sp.execute<{ n: number }>(sql`SELECT 2 AS n`)).rows);
      return { own: own.rows, onPool, nested, savepoint };
    });
    expect(inside.own).toEqual([{ n: 1 }]);
    expect(refused(inside.onPool)).toBe(true);
    expect(refused(inside.nested)).toBe(true);
    expect(inside.savepoint).toEqual([{ n: 2 }]);
    // After it (and beside it, outside its callback) the pool serves as usual.
    expect((await handle.execute<{ n: number }>(sql`SELECT 3 AS n`)).rows).toEqual([{ n: 3 }]);
  });

  it('lets work started in a transaction but still running after it take a connection', async () => {
    const { db: handle } = db.current;
    let later: Promise<unknown> | undefined;
    await handle.transaction(async () => {
      later = new Promise((r) => setTimeout(r, 20)).then(() => handle.execute(sql`SELECT 1`));
    });
    await expect(later).resolves.toBeDefined();
  });
});
