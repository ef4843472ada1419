import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Logger } from '../logger.js';

/** Committed SQL migrations, next to `src/` and `dist/` alike. */
export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

// Any constant shared by every Deskmate process; chosen once, never change it.
const MIGRATION_LOCK_ID = 0x4d65736b; // "Desk"

export interface MigrationResult {
  /** Migrations applied by this call (0 when another process had already applied them). */
  applied: number;
  /** True when the database had no Deskmate schema before this call. */
  wasEmpty: boolean;
}

/**
 * Apply pending migrations under a PostgreSQL advisory lock, on a dedicated connection, so
 * several processes starting at once migrate exactly once between them.
 */
export async function runMigrations(url: string, logger: Logger): Promise<MigrationResult> {
  const client = new pg.Client({ connectionString: url, application_name: 'deskmate-migrate' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const before = await appliedCount(client);
    await migrate(drizzle(client), { migrationsFolder });
    const after = await appliedCount(client);
    if (after > before) logger.info({ applied: after - before, total: after }, 'database migrated');
    return { applied: after - before, wasEmpty: before === 0 };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await client.end();
  }
}

async function appliedCount(client: pg.Client): Promise<number> {
  const exists = await client.query<{ t: string | null }>(
    `SELECT to_regclass('drizzle.__drizzle_migrations')::text AS t`,
  );
  if (!exists.rows[0]?.t) return 0;
  const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
  return rows[0]?.n ?? 0;
}
