import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../db/client.js';
import { migrationsFolder, runMigrations } from '../db/migrate.js';
import { silentLogger } from '../logger.js';
import { createEmptyDatabase, dropDatabase } from '../test/db.js';
import { createTicket } from '../test/factories.js';

const MIGRATION = '0015_attachments';

describe(`migration ${MIGRATION}`, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'dm-migrations-'));
  let name: string | undefined;
  afterAll(async () => {
    rmSync(scratch, { recursive: true, force: true });
    if (name) await dropDatabase(name);
  });

  it('turns email_attachments into attachments, keeping every row as a file from email', async () => {
    // The migrations before this one, as a database that already holds email attachments has them.
    const before = join(scratch, 'drizzle');
    cpSync(migrationsFolder, before, { recursive: true });
    const journalPath = join(before, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
    const at = journal.entries.findIndex((e) => e.tag === MIGRATION);
    expect(at).toBeGreaterThan(0);
    writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));

    const empty = await createEmptyDatabase();
    name = empty.name;
    const client = new pg.Client({ connectionString: empty.url });
    await client.connect();
    const database = createDatabase(empty.url, { max: 1 });
    try {
      await migrate(drizzle(client), { migrationsFolder: before });
      const ticket = await createTicket(database.db);
      await client.query(
        `INSERT INTO email_attachments (ticket_id, filename, content_type, size, sha256, content)
         VALUES ($1, 'logo.png', 'image/png', 3, 'abc', '\\x010203'::bytea)`,
        [ticket.id],
      );

      expect((await runMigrations(empty.url, silentLogger())).applied).toBeGreaterThanOrEqual(1);
      const { rows } = await client.query<Record<string, unknown>>(
        'SELECT source, ticket_id, event_id, uploader_id, filename, size, attached_at FROM attachments',
      );
      expect(rows).toEqual([
        {
          source: 'email',
          ticket_id: ticket.id,
          event_id: null,
          uploader_id: null,
          filename: 'logo.png',
          size: 3,
          attached_at: null,
        },
      ]);
      expect((await client.query(`SELECT to_regclass('email_attachments') AS t`)).rows[0]).toEqual({ t: null });
      // The same file mailed again on the ticket is still kept once; an upload of it is its own file.
      const again = `INSERT INTO attachments (source, ticket_id, uploader_id, filename, content_type, size, sha256, content)
        VALUES ($1, $2, $3, 'logo.png', 'image/png', 3, 'abc', '\\x010203'::bytea) ON CONFLICT DO NOTHING`;
      expect((await client.query(again, ['email', ticket.id, null])).rowCount).toBe(0);
      expect((await client.query(again, ['upload', ticket.id, ticket.requesterId])).rowCount).toBe(1);
      // Only an upload may wait without a ticket.
      await expect(client.query(again, ['email', null, null])).rejects.toThrow(/attachments_ticket_or_pending/);
    } finally {
      await client.end();
      await database.close();
    }
  });
});
