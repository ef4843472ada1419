import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { outboxPayload, type TDeliveryFacts } from '@deskmate/shared';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import type { SessionConnection } from '../db/session.js';
import { outbox } from '../db/schema.js';
import { silentLogger } from '../logger.js';
import { useTestDatabase } from '../test/db.js';
import { readOutboxRow, writeOutbox } from './outbox.js';
import { OutboxRelay } from './relay.js';

const db = useTestDatabase();

describe('the typed outbox', () => {
  it('writes a payload that fits its kind and reads it back typed', async () => {
    const ticketId = randomUUID();
    const [row] = await writeOutbox(
      db.current.db,
      'ticket.changed',
      [{ dedupeKey: `t:${ticketId}`, payload: { ticketId, key: 'IT-1', action: 'ticket.created' } }],
      'skip',
    );
    const [stored] = await db.current.db.select().from(outbox).where(eq(outbox.id, row!.id));
    const message = readOutboxRow(stored!);
    expect(message.kind).toBe('ticket.changed');
    if (message.kind === 'ticket.changed') expect(message.payload.action).toBe('ticket.created');
  });

  it('refuses a payload that does not fit its kind, or names a key the contract does not', async () => {
    const ticketId = randomUUID();
    await expect(
      writeOutbox(
        db.current.db,
        'ticket.changed',
        // @ts-expect-error -- the key is missing: a wrong payload does not compile either
        [{ dedupeKey: `bad:${ticketId}`, payload: { ticketId, action: 'ticket.created' } }],
        'skip',
      ),
    ).rejects.toThrow();
    await expect(
      writeOutbox(
        db.current.db,
        'ticket.pending_reminder',
        // @ts-expect-error -- `extra` is not in the contract
        [{ dedupeKey: `extra:${ticketId}`, payload: { ticketId, key: 'IT-1', userId: ticketId, extra: 1 } }],
        'skip',
      ),
    ).rejects.toThrow();
    // @ts-expect-error -- an unknown kind does not compile
    await expect(writeOutbox(db.current.db, 'slack.post', [], 'skip')).resolves.toEqual([]);
    const rows = await db.current.db
      .select()
      .from(outbox)
      .where(eq(outbox.dedupeKey, `bad:${ticketId}`));
    expect(rows).toHaveLength(0);
  });

  it('appends ids to a pending row with the same key', async () => {
    const userId = randomUUID();
    const [a, b] = [randomUUID(), randomUUID()];
    const write = (id: string) =>
      writeOutbox(
        db.current.db,
        'email.digest',
        [
          {
            dedupeKey: `digest:${userId}`,
            payload: { userId, from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', notificationIds: [id] },
          },
        ],
        { append: 'notificationIds' },
      );
    await write(a);
    await write(b);
    const [row] = await db.current.db
      .select()
      .from(outbox)
      .where(eq(outbox.dedupeKey, `digest:${userId}`));
    expect((row!.payload as { notificationIds: string[] }).notificationIds).toEqual([a, b]);
  });

  it('a channel reads a payload only as its kind, checked', () => {
    const facts = { kind: 'email.direct', payload: { mailId: randomUUID(), to: 'a@example.com', userId: null } };
    expect(outboxPayload(facts, 'email.direct')?.to).toBe('a@example.com');
    expect(outboxPayload(facts, 'ticket.changed')).toBeNull();
    expect(() => outboxPayload({ ...facts, payload: { to: 'a@example.com' } }, 'email.direct')).toThrow(/mailId/);
    // Facts keep the loose shape the channels are built against; the reader is what types them.
    const loose: Pick<TDeliveryFacts, 'kind' | 'payload'> = facts;
    expect(loose.kind).toBe('email.direct');
  });

  it('the relay sets aside a stored row that breaks the contract, and relays the others', async () => {
    const d = db.current.db;
    const good = randomUUID();
    await d.insert(outbox).values([
      { kind: 'slack.post', dedupeKey: `unknown:${good}`, payload: {} },
      { kind: 'ticket.changed', dedupeKey: `wrong:${good}`, payload: { ticketId: 'not-a-uuid' } },
    ]);
    await writeOutbox(
      d,
      'ticket.changed',
      [{ dedupeKey: `good:${good}`, payload: { ticketId: good, key: 'IT-9', action: 'ticket.updated' } }],
      'skip',
    );
    const relay = new OutboxRelay({
      session: {} as SessionConnection,
      db: d,
      senders: [],
      clock: systemClock,
      logger: silentLogger(),
      pollMs: 60_000,
    });
    while ((await relay.relayBatch()) > 0);
    const status = async (key: string) => (await d.select().from(outbox).where(eq(outbox.dedupeKey, key)))[0]!;
    expect((await status(`unknown:${good}`)).status).toBe('dead');
    expect((await status(`unknown:${good}`)).lastError).toMatch(/unknown outbox kind/);
    expect((await status(`wrong:${good}`)).status).toBe('dead');
    expect((await status(`good:${good}`)).status).toBe('delivered');
  });
});
