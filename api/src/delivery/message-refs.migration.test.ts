import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { databaseBeforeMigration } from '../test/migration.js';
import { createTicket, createUser } from '../test/factories.js';
import { findMessageRefTicket, loadMessageRef } from './message-refs.js';

const MIGRATION = '0018_message_refs_typed';

describe(`migration ${MIGRATION}`, () => {
  it('backfills typed columns from the old string keys, so upgraded installs keep their cards and threads', async () => {
    // The migrations before this one, as an install that has sent cards, DMs and emails has them.
    const { client, database, upgrade, close } = await databaseBeforeMigration(MIGRATION);
    try {
      const ticket = await createTicket(database.db);
      const person = ticket.requesterId;
      const gone = await createUser(database.db);
      const ref = `INSERT INTO message_refs (ref_key, channel, ref) VALUES ($1, $2, $3)`;
      await client.query(ref, [`slack:triage:${ticket.id}`, 'slack', { conversation: 'C0TRIAGE', message: '1.1' }]);
      await client.query(ref, [`slack:dm:${ticket.id}:${person}`, 'slack', { conversation: 'D0RITA', message: '2.2' }]);
      await client.query(ref, [
        `teams:triage:${ticket.id}`,
        'teams',
        { conversation: '19:triage@thread.tacv2', message: '1700000000001', serviceUrl: 'https://smba.example.test/' },
      ]);
      await client.query(ref, [
        `email:thread:${ticket.id}:${person}`,
        'email',
        { conversation: '<IT-1@example.test>', message: '<m2@example.test>', references: ['<m1@example.test>'] },
      ]);
      // Never findable again: a key that does not parse, a ticket that is gone, a person who is gone.
      await client.query(ref, ['slack:triage:not-a-uuid', 'slack', { conversation: 'C0TRIAGE', message: '9.1' }]);
      await client.query(ref, [`slack:triage:${randomUUID()}`, 'slack', { conversation: 'C0TRIAGE', message: '9.2' }]);
      await client.query(ref, [
        `slack:dm:${ticket.id}:${gone.id}`,
        'slack',
        { conversation: 'D0GONE', message: '9.3' },
      ]);
      await client.query(`DELETE FROM users WHERE id = $1`, [gone.id]);
      const delivery = `INSERT INTO deliveries (outbox_id, channel, kind, target, ref_key) VALUES (1, 'slack', $1, $2, $3)`;
      await client.query(delivery, ['triage.card', 'C0TRIAGE', `slack:triage:${ticket.id}`]);
      await client.query(delivery, ['dm.notification', 'U0RITA', `slack:dm:${ticket.id}:${person}`]);
      await client.query(delivery, ['dm.created', 'rita@example.test', null]);
      await client.query(delivery, ['dm.odd', 'U0ODD', 'slack:dm:nonsense']);

      expect((await upgrade()).applied).toBeGreaterThanOrEqual(1);

      const { rows } = await client.query<Record<string, unknown>>(
        `SELECT provider, purpose, ticket_id, user_id, visibility, conversation_id, message_id, data
         FROM message_refs ORDER BY provider, purpose`,
      );
      expect(rows).toEqual([
        {
          provider: 'email',
          purpose: 'email_thread',
          ticket_id: ticket.id,
          user_id: person,
          visibility: null,
          conversation_id: '<IT-1@example.test>',
          message_id: '<m2@example.test>',
          data: { references: ['<m1@example.test>'] },
        },
        {
          provider: 'slack',
          purpose: 'dm_thread',
          ticket_id: ticket.id,
          user_id: person,
          visibility: 'public',
          conversation_id: 'D0RITA',
          message_id: '2.2',
          data: {},
        },
        {
          provider: 'slack',
          purpose: 'triage_card',
          ticket_id: ticket.id,
          user_id: null,
          visibility: 'internal',
          conversation_id: 'C0TRIAGE',
          message_id: '1.1',
          data: {},
        },
        {
          provider: 'teams',
          purpose: 'triage_card',
          ticket_id: ticket.id,
          user_id: null,
          visibility: 'internal',
          conversation_id: '19:triage@thread.tacv2',
          message_id: '1700000000001',
          data: { serviceUrl: 'https://smba.example.test/' },
        },
      ]);
      const { rows: planned } = await client.query<Record<string, unknown>>(
        `SELECT kind, ref_purpose, ref_ticket_id, ref_user_id FROM deliveries ORDER BY kind`,
      );
      expect(planned).toEqual([
        { kind: 'dm.created', ref_purpose: null, ref_ticket_id: null, ref_user_id: null },
        { kind: 'dm.notification', ref_purpose: 'dm_thread', ref_ticket_id: ticket.id, ref_user_id: person },
        { kind: 'dm.odd', ref_purpose: null, ref_ticket_id: null, ref_user_id: null },
        { kind: 'triage.card', ref_purpose: 'triage_card', ref_ticket_id: ticket.id, ref_user_id: null },
      ]);
      const columns = await client.query(
        `SELECT column_name FROM information_schema.columns
         WHERE table_name IN ('message_refs', 'deliveries') AND column_name IN ('ref_key', 'ref', 'channel')`,
      );
      expect(columns.rows).toEqual([{ column_name: 'channel' }]); // deliveries.channel stays

      // The next delivery finds each stored message by its typed key, with what rode along.
      expect(await loadMessageRef(database.db, 'teams', { purpose: 'triage_card', ticketId: ticket.id })).toEqual({
        conversation: '19:triage@thread.tacv2',
        message: '1700000000001',
        serviceUrl: 'https://smba.example.test/',
      });
      expect(
        await loadMessageRef(database.db, 'email', { purpose: 'email_thread', ticketId: ticket.id, userId: person }),
      ).toEqual({
        conversation: '<IT-1@example.test>',
        message: '<m2@example.test>',
        references: ['<m1@example.test>'],
      });
      // A message written in the DM thread is traced back to its ticket, as a public reply.
      expect(
        await findMessageRefTicket(database.db, { channel: 'slack', conversation: 'D0RITA', message: '2.2' }),
      ).toEqual({ purpose: 'dm_thread', visibility: 'public', ticketKey: ticket.key, userId: person });

      // One triage card per ticket and channel; a card never names a person.
      const card = `INSERT INTO message_refs (provider, purpose, ticket_id, user_id, visibility, conversation_id, message_id)
        VALUES ('slack', 'triage_card', $1, $2, 'internal', 'C0OTHER', '3.3')`;
      await expect(client.query(card, [ticket.id, null])).rejects.toThrow(/message_refs_card_idx/);
      await expect(client.query(card, [ticket.id, person])).rejects.toThrow(/message_refs_purpose_shape/);
    } finally {
      await close();
    }
  });
});
