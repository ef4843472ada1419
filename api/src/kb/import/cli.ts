import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { TKbImportResult, TTicketCategory } from '@deskmate/shared';
import { systemActor } from '../../audit/record.js';
import type { Config } from '../../config.js';
import { withCliDatabase } from '../../db/cli-database.js';
import { AppError } from '../../http/errors.js';
import { StartupError } from '../../startup-error.js';
import { systemClock } from '../../clock.js';
import { importArticles } from './apply.js';
import { readFolder, readZip } from './archive.js';

/**
 * `deskmate kb import <folder|zip|file>`: the same import as the console's, into the configured
 * database; running instances pick the articles up through the live bus. A source that cannot be
 * read, or is refused (too large, an unsafe path in the zip), is a one-line StartupError.
 */
export async function importArticlesFromCli(
  config: Config,
  options: { source: string; publish: boolean; category?: TTicketCategory | undefined },
): Promise<TKbImportResult> {
  const limits = { maxBytes: config.KB_IMPORT_MAX_BYTES, maxFiles: config.KB_IMPORT_MAX_FILES };
  let files;
  try {
    const info = await stat(options.source).catch(() => {
      throw new StartupError(`${options.source}: no such file or folder`);
    });
    if (info.isDirectory()) files = await readFolder(options.source, limits);
    else if (/\.(md|markdown|html?)$/i.test(options.source) && info.size <= limits.maxBytes)
      files = [{ path: basename(options.source), bytes: await readFile(options.source) }];
    else if (info.size > limits.maxBytes)
      throw new StartupError(`${options.source} is larger than KB_IMPORT_MAX_BYTES (${limits.maxBytes} bytes)`);
    else files = readZip(await readFile(options.source), limits);
  } catch (err) {
    if (err instanceof AppError) throw new StartupError(`${options.source}: ${err.message}`);
    throw err;
  }
  return withCliDatabase(config, (db) =>
    importArticles(
      db,
      files,
      { publish: options.publish, category: options.category },
      { ...systemActor, channel: 'system' },
      systemClock.now(),
    ),
  );
}
