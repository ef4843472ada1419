import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { createDatabase, type Database } from '../db/client.js';
import { migrationsFolder, runMigrations } from '../db/migrate.js';
import { silentLogger } from '../logger.js';
import { createEmptyDatabase, dropDatabase } from './db.js';

/** A database migrated up to (not including) one migration, as an install before an upgrade has it. */
export interface DatabaseBeforeMigration {
  /** A plain client, for writing rows in the old schema. */
  client: pg.Client;
  /** The app's handle on the same database, for the factories. */
  database: Database;
  /** Run the migration under test and every later one, as a start after the upgrade does. */
  upgrade(): Promise<{ applied: number }>;
  /** Close both connections, drop the database and the copied migrations. */
  close(): Promise<void>;
}

/**
 * A fresh database with every migration before `tag` applied (from a copy of the migrations
 * whose journal stops there), for testing what a migration does to rows written before it.
 */
export async function databaseBeforeMigration(tag: string): Promise<DatabaseBeforeMigration> {
  const scratch = mkdtempSync(join(tmpdir(), 'dm-migrations-'));
  const before = join(scratch, 'drizzle');
  cpSync(migrationsFolder, before, { recursive: true });
  const journalPath = join(before, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag === tag);
  if (at <= 0) {
    rmSync(scratch, { recursive: true, force: true });
    throw new Error(`no migration ${tag} after the first in the journal`);
  }
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));

  const empty = await createEmptyDatabase();
  const client = new pg.Client({ connectionString: empty.url });
  await client.connect();
  const database = createDatabase(empty.url, { max: 1 });
  await migrate(drizzle(client), { migrationsFolder: before });
  return {
    client,
    database,
    upgrade: () => runMigrations(empty.url, silentLogger()),
    close: async () => {
      await client.end();
      await database.close();
      await dropDatabase(empty.name);
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
