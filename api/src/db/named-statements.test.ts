import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../test/db.js';
import { createDatabase, type Database } from './client.js';
import { tickets } from './schema.js';

const test = useTestDatabase();
const opened: Database[] = [];
afterAll(async () => {
  for (const d of opened) await d.close();
});

/** The statements prepared on the (only) connection of `database`, as PostgreSQL lists them. */
async function prepared(database: Database): Promise<string[]> {
  const { rows } = await database.pool.query<{ statement: string }>(
    `SELECT statement FROM pg_prepared_statements WHERE name LIKE 'dm\\_%' ORDER BY prepare_time`,
  );
  return rows.map((r) => r.statement);
}

describe('named statements (DATABASE_PREPARED_STATEMENTS)', () => {
  it('prepares each statement sent with parameters once per connection, and runs it again by name', async () => {
    const database = createDatabase(test.current.url, { max: 1, namedStatements: true });
    opened.push(database);
    for (const n of [1, 2, 3]) {
      const r = await database.db.execute<{ n: number }>(sql`SELECT ${n}::int + 1 AS n`);
      expect(r.rows[0]!.n).toBe(n + 1);
    }
    await database.db.transaction(async (tx) => {
      await tx
        .select({ id: tickets.id })
        .from(tickets)
        .where(sql`${tickets.number} = ${42}`);
      await tx
        .select({ id: tickets.id })
        .from(tickets)
        .where(sql`${tickets.number} = ${43}`);
    });
    const statements = await prepared(database);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toBe('SELECT $1::int + 1 AS n');
    expect(statements[1]).toMatch(/^select "id" from "tickets" where "tickets"\."number" = \$1$/);
    // Text without parameters may hold several statements: sent as it is, never prepared.
    const multi = await database.pool.query('SELECT 1 AS a; SELECT 2 AS b');
    expect(Array.isArray(multi)).toBe(true);
    expect(await prepared(database)).toHaveLength(2);
  });

  it('sends everything unnamed when they are off (a pooler in front that does not track them)', async () => {
    const database = createDatabase(test.current.url, { max: 1 });
    opened.push(database);
    await database.db.execute(sql`SELECT ${1}::int AS n`);
    await database.db.execute(sql`SELECT ${1}::int AS n`);
    expect(await prepared(database)).toEqual([]);
  });
});
