import { describe, expect, it } from 'vitest';
import { databaseBeforeMigration } from '../test/migration.js';
import { createTicket } from '../test/factories.js';

const MIGRATION = '0015_attachments';

describe(`migration ${MIGRATION}`, () => {
  it('turns email_attachments into attachments, keeping every row as a file from email', async () => {
    // The migrations before this one, as a database that already holds email attachments has them.
    const { client, database, upgrade, close } = await databaseBeforeMigration(MIGRATION);
    try {
      const ticket = await createTicket(database.db);
      await client.query(
        `INSERT INTO email_attachments (ticket_id, filename, content_type, size, sha256, content)
         VALUES ($1, 'logo.png', 'image/png', 3, 'abc', '\\x010203'::bytea)`,
        [ticket.id],
      );

      expect((await upgrade()).applied).toBeGreaterThanOrEqual(1);
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
      await close();
    }
  });
});
