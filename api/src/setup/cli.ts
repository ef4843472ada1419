import type { Config } from '../config.js';
import { createDatabase } from '../db/client.js';
import { DataDirBusyError, embeddedSocketUrl, startEmbeddedPostgres } from '../db/embedded.js';
import { runMigrations } from '../db/migrate.js';
import { systemActor } from '../audit/record.js';
import { AppError } from '../http/errors.js';
import { silentLogger } from '../logger.js';
import { checkDatabaseReachable, StartupError } from '../startup-error.js';
import { createAdmin } from './first-admin.js';

/**
 * `deskmate admin create`: an administrator in the configured database — DATABASE_URL, or the
 * embedded one (started for the command, or reached through its socket while Deskmate runs).
 * Every refusal (a taken email, a weak password, an unreachable database) is a one-line
 * StartupError for the CLI to print.
 */
export async function createAdminFromCli(
  config: Config,
  input: { email: string; name: string; password: string },
): Promise<{ id: string; email: string }> {
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
      const user = await createAdmin(database.db, input, { ...systemActor, channel: 'system' });
      return { id: user.id, email: user.email };
    } catch (err) {
      if (err instanceof AppError) throw new StartupError(err.message.replace(/^Invalid body\./, ''));
      throw err;
    } finally {
      await database.close();
    }
  } finally {
    await stopEmbedded?.();
  }
}
