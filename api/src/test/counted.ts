import { createDatabase, type Database } from '../db/client.js';

/**
 * A database handle of its own (one connection) that counts the statements it sends: what a
 * change costs in round trips, which is what a change costs on small machines (ADR 18).
 */
export interface CountedDatabase extends Database {
  /** Statements sent so far, BEGIN and COMMIT included. */
  statements(): number;
}

export function countedDatabase(url: string): CountedDatabase {
  const database = createDatabase(url, { max: 1 });
  let sent = 0;
  database.pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    Object.assign(client, {
      query: (...args: unknown[]) => {
        sent++;
        return query(...args);
      },
    });
  });
  return { ...database, statements: () => sent };
}
