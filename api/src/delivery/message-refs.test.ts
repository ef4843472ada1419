import { describe, expect, it } from 'vitest';
import { messageRefs } from '../db/schema-delivery.js';
import { useTestDatabase } from '../test/db.js';
import { createTicket, createUser } from '../test/factories.js';
import { findMessageRefTicket, loadMessageRef, refKeyColumns, refKeyOf, saveMessageRef } from './message-refs.js';

const database = useTestDatabase();
const now = new Date('2026-12-07T10:00:00Z');

describe('message references', () => {
  it('keeps one message per channel and ref key: a second save replaces it, other keys stay apart', async () => {
    const { db } = database.current;
    const ticket = await createTicket(db);
    const other = await createUser(db);
    const card = { purpose: 'triage_card', ticketId: ticket.id } as const;
    const dm = { purpose: 'dm_thread', ticketId: ticket.id, userId: ticket.requesterId } as const;
    await saveMessageRef(db, 'slack', card, { conversation: 'C0TRIAGE', message: '1.1' }, now);
    await saveMessageRef(db, 'slack', card, { conversation: 'C0TRIAGE', message: '1.2' }, now);
    await saveMessageRef(db, 'teams', card, { conversation: '19:t', message: '77', serviceUrl: 'https://s/' }, now);
    await saveMessageRef(db, 'slack', dm, { conversation: 'D0RITA', message: '2.1' }, now);
    await saveMessageRef(db, 'slack', dm, { conversation: 'D0RITA', message: '2.2' }, now);

    expect(await loadMessageRef(db, 'slack', card)).toEqual({ conversation: 'C0TRIAGE', message: '1.2' });
    expect(await loadMessageRef(db, 'teams', card)).toEqual({
      conversation: '19:t',
      message: '77',
      serviceUrl: 'https://s/',
    });
    expect(await loadMessageRef(db, 'slack', dm)).toEqual({ conversation: 'D0RITA', message: '2.2' });
    expect(await loadMessageRef(db, 'slack', { ...dm, userId: other.id })).toBeNull();
    expect(await db.select().from(messageRefs)).toHaveLength(3);
  });

  it('traces a message back to its ticket with what a message in its thread becomes; others are not ours', async () => {
    const { db } = database.current;
    const ticket = await createTicket(db);
    await saveMessageRef(
      db,
      'slack',
      { purpose: 'triage_card', ticketId: ticket.id },
      { conversation: 'C1', message: '5.5' },
      now,
    );
    await saveMessageRef(
      db,
      'email',
      { purpose: 'email_thread', ticketId: ticket.id, userId: ticket.requesterId },
      { conversation: '<root@x>', message: '5.5' },
      now,
    );
    expect(await findMessageRefTicket(db, { channel: 'slack', conversation: 'C1', message: '5.5' })).toEqual({
      purpose: 'triage_card',
      visibility: 'internal',
      ticketKey: ticket.key,
    });
    expect(await findMessageRefTicket(db, { channel: 'teams', conversation: 'C1', message: '5.5' })).toBeNull();
    expect(await findMessageRefTicket(db, { channel: 'slack', conversation: 'C1', message: '5.6' })).toBeNull();
  });

  it('stores a plan’s ref key as columns and reads the same key back', () => {
    const keys = [
      null,
      { purpose: 'triage_card', ticketId: '3f1e0b0c-6a3e-4a57-9d36-3f1f0e1f2a01' },
      {
        purpose: 'dm_thread',
        ticketId: '3f1e0b0c-6a3e-4a57-9d36-3f1f0e1f2a01',
        userId: '7c9d2a10-1b2c-4d3e-8f40-5a6b7c8d9e0f',
      },
    ] as const;
    for (const key of keys) {
      const c = refKeyColumns(key);
      expect(refKeyOf({ purpose: c.refPurpose, ticketId: c.refTicketId, userId: c.refUserId })).toEqual(key);
    }
  });
});
