import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase, dropDatabase } from '../api/src/test/db.js';
import { spawnDeskmate } from './process.js';

describe('deskmate kb import', () => {
  const made: string[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const name of made) await dropDatabase(name);
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('imports a folder into DATABASE_URL, one line per file and a summary; bad options are one line, exit 1', async () => {
    const { url, name } = await createEmptyDatabase();
    made.push(name);
    const dir = await mkdtemp(join(tmpdir(), 'kb-cli-'));
    dirs.push(dir);
    await mkdir(join(dir, 'hardware'));
    await writeFile(join(dir, 'hardware', 'dock-firmware.md'), '# Update your dock firmware\n\nRun the updater.\n');
    await writeFile(join(dir, 'wiki-export.html'), '<h1>Book a desk</h1><p>Use the booking app.</p>');
    await writeFile(join(dir, 'readme.txt'), 'hello');

    const ok = spawnDeskmate({ DATABASE_URL: url }, ['kb', 'import', dir, '--publish', '--category', 'other']);
    expect(await ok.exited).toBe(0);
    expect(ok.output().trim().split('\n')).toEqual([
      'created  hardware/dock-firmware.md -> dock-firmware (Update your dock firmware)',
      'skipped  readme.txt: not a Markdown (.md) or HTML (.html) file',
      'created  wiki-export.html -> wiki-export (Book a desk)',
      '2 created, 0 updated, 1 skipped',
    ]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const rows = await client.query<{ slug: string; category: string; published: boolean }>(
      'SELECT slug, category, published FROM kb_articles WHERE source_path IS NOT NULL ORDER BY slug',
    );
    await client.end();
    expect(rows.rows).toEqual([
      { slug: 'dock-firmware', category: 'hardware', published: true },
      { slug: 'wiki-export', category: 'other', published: true },
    ]);

    const badCategory = spawnDeskmate({ DATABASE_URL: url }, ['kb', 'import', dir, '--category', 'finance']);
    expect(await badCategory.exited).toBe(1);
    expect(badCategory.output().trim()).toBe(
      '--category must be one of access, network, hardware, software, email, security, onboarding, other (got "finance")',
    );
    const missing = spawnDeskmate({ DATABASE_URL: url }, ['kb', 'import', join(dir, 'nope.zip')]);
    expect(await missing.exited).toBe(1);
    expect(missing.output().trim()).toBe(`${join(dir, 'nope.zip')}: no such file or folder`);
  }, 60_000);
});
