import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { createDatabase, type Database } from '../db/client.js';
import { TEMPLATE_DB, replaceDatabase } from './global-setup.js';

export interface TestDatabase extends Database {
  url: string;
  name: string;
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new database cloned from the migrated template: empty tables, every migration applied. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`));
  const url = replaceDatabase(inject('pgAdminUrl'), name);
  return { ...createDatabase(url, { max: 10 }), url, name };
}

/** A database with nothing in it, not even the schema (for migration tests). */
export async function createEmptyDatabase(): Promise<{ url: string; name: string }> {
  const name = `e_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  return { url: replaceDatabase(inject('pgAdminUrl'), name), name };
}

export async function dropDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** Refuse (false) or allow (true) new connections to a database, cutting the current ones. */
export async function setDatabaseReachable(name: string, reachable: boolean): Promise<void> {
  await admin(async (c) => {
    await c.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS ${reachable ? 'true' : 'false'}`);
    if (!reachable) await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
  });
}

/** One cloned database for the test file, dropped after it. */
export function useTestDatabase(): { readonly current: TestDatabase } {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    if (!db) return;
    await db.close();
    await dropDatabase(db.name);
  });
  return {
    get current() {
      if (!db) throw new Error('useTestDatabase: the database is created in beforeAll');
      return db;
    },
  };
}
