import type { Config } from '../config.js';
import { withCliDatabase } from '../db/cli-database.js';
import { systemActor } from '../audit/record.js';
import { AppError } from '../http/errors.js';
import { StartupError } from '../startup-error.js';
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
  return withCliDatabase(config, async (db) => {
    try {
      const user = await createAdmin(db, input, { ...systemActor, channel: 'system' });
      return { id: user.id, email: user.email };
    } catch (err) {
      if (err instanceof AppError) throw new StartupError(err.message.replace(/^Invalid body\./, ''));
      throw err;
    }
  });
}
