/**
 * `deskmate kb import <folder|zip> [--publish] [--category …]`: Markdown and HTML articles into
 * the knowledge base of the configured database. Prints one line per file (created, updated or
 * skipped, with the reason) and a summary; a source that cannot be read is one line and exit 1.
 */
import { ConfigError, StartupError, importArticlesFromCli, loadConfig } from '@deskmate/api';
import { ZTicketCategory, ticketCategories } from '@deskmate/shared';

interface Options {
  source: string | undefined;
  publish: boolean;
  category: string | undefined;
  fail(message: string): never;
}

export async function kbImport(options: Options): Promise<void> {
  const { fail } = options;
  const source =
    options.source || fail('kb import needs a folder or zip, e.g. deskmate kb import ./articles --category network');
  let category;
  if (options.category !== undefined) {
    const parsed = ZTicketCategory.safeParse(options.category.trim().toLowerCase());
    if (!parsed.success)
      fail(`--category must be one of ${ticketCategories.join(', ')} (got ${JSON.stringify(options.category)})`);
    category = parsed.data;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  let result;
  try {
    result = await importArticlesFromCli(config, { source, publish: options.publish, category });
  } catch (err) {
    if (err instanceof StartupError) fail(err.message);
    throw err;
  }
  const lines = result.items.map((i) =>
    i.outcome === 'skipped'
      ? `skipped  ${i.path}: ${i.reason ?? ''}`
      : `${i.outcome.padEnd(8)} ${i.path} -> ${i.slug ?? ''} (${i.title ?? ''})`,
  );
  lines.push(
    `${result.created} created, ${result.updated} updated, ${result.skipped} skipped` +
      (result.created && !options.publish
        ? ' (new articles are drafts: publish them in the console, or use --publish)'
        : ''),
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}
