import type { Config } from '../config.js';
import { silentLogger } from '../logger.js';
import { checkDatabaseReachable } from '../startup-error.js';
import { createDatabase, type Db } from './client.js';
import { DataDirBusyError, embeddedSocketUrl, startEmbeddedPostgres } from './embedded.js';
import { runMigrations } from './migrate.js';

/**
 * For one-off commands (`deskmate admin create`, `deskmate kb import`): the configured database —
 * DATABASE_URL, or the embedded one (started for the command, or reached through its socket while
 * Deskmate runs) — migrated, for the time `fn` runs.
 */
export async function withCliDatabase<T>(config: Config, fn: (db: Db) => Promise<T>): Promise<T> {
  const logger = silentLogger();
  let url = config.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (url) {
    await checkDatabaseReachable(url);
  } else {
    try {
      const embedded = await startEmbeddedPostgres({ dataDir: config.DESKMATE_DATA_DIR, logger });
      url = embedded.url;
      stopEmbedded = () => embedded.stop();
    } catch (err) {
      // Deskmate is running on this data directory: use its server.
      if (!(err instanceof DataDirBusyError)) throw err;
      url = embeddedSocketUrl(config.DESKMATE_DATA_DIR);
    }
  }
  try {
    // The migration lock is a session lock: never through a transaction-mode pooler.
    await runMigrations(config.DATABASE_DIRECT_URL ?? url, logger);
    const database = createDatabase(url, { max: 1, applicationName: 'deskmate-cli' });
    try {
      return await fn(database.db);
    } finally {
      await database.close();
    }
  } finally {
    await stopEmbedded?.();
  }
}
