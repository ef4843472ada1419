import { randomUUID } from 'node:crypto';
import { eq, like } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudits } from '../audit/record.js';
import { queueOutbox } from '../delivery/outbox.js';
import { LIVE_CHANNEL, publishLive } from '../live/bus.js';
import { countedDatabase, type CountedDatabase } from '../test/counted.js';
import { useTestDatabase } from '../test/db.js';
import { until } from '../test/until.js';
import { auditEvents, outbox } from './schema.js';

const testDatabase = useTestDatabase();
let counted: CountedDatabase;
let listener: pg.Client;
const heard: string[] = [];

beforeAll(async () => {
  counted = countedDatabase(testDatabase.current.url);
  listener = new pg.Client({ connectionString: testDatabase.current.url });
  await listener.connect();
  listener.on('notification', (n) =>
    heard.push((JSON.parse(n.payload ?? '{}') as { ticketId?: string }).ticketId ?? ''),
  );
  await listener.query(`LISTEN ${LIVE_CHANNEL}`);
});
afterAll(async () => {
  await listener.end();
  await counted.close();
});

const system = { userId: null, type: 'system' as const };
const audits = (entityId: string) =>
  testDatabase.current.db.select().from(auditEvents).where(eq(auditEvents.entityId, entityId));
const outboxRows = (prefix: string) =>
  testDatabase.current.db
    .select()
    .from(outbox)
    .where(like(outbox.dedupeKey, `${prefix}%`));

/** Audit rows, outbox rows (one key twice) and a live event, as a change writes them. */
async function change(db: CountedDatabase['db'], id: string): Promise<void> {
  await recordAudits(db, system, [{ action: 'probe.done', entityType: 'ticket', entityId: id }]);
  await queueOutbox(
    db,
    'ticket.changed',
    [1, 2].map(() => ({ dedupeKey: `probe:${id}`, payload: { ticketId: id, key: 'IT-1', action: 'probe.done' } })),
    'skip',
  );
  await recordAudits(db, system, [{ action: 'probe.again', entityType: 'ticket', entityId: id }]);
  await publishLive(db, { type: 'ticket.updated', ticketId: id, ticketKey: 'IT-1', visibility: 'public' });
}

describe('writes put off to the end of a transaction', () => {
  it('are written together in one statement just before it commits', async () => {
    const id = randomUUID();
    const before = counted.statements();
    await counted.db.transaction(async (tx) => {
      await change(tx, id);
      // Not yet: they wait for the end.
      expect(await tx.select().from(auditEvents).where(eq(auditEvents.entityId, id))).toEqual([]);
    });
    // BEGIN, the check above, the one statement with every write, COMMIT.
    expect(counted.statements() - before).toBe(4);
    expect((await audits(id)).map((a) => a.action).sort()).toEqual(['probe.again', 'probe.done']);
    // The second row with a taken key is skipped, as `skip` says, in the same statement.
    expect(await outboxRows(`probe:${id}`)).toHaveLength(1);
    // And the NOTIFY among them went out.
    await until(() => heard.includes(id));
  });

  it('are never written when the transaction fails', async () => {
    const id = randomUUID();
    await expect(
      counted.db.transaction(async (tx) => {
        await change(tx, id);
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    expect(await audits(id)).toEqual([]);
    expect(await outboxRows(`probe:${id}`)).toEqual([]);
    // A NOTIFY is only delivered at commit: this one never is (the one heard last is the kept one's).
    const kept = randomUUID();
    await counted.db.transaction((tx) => change(tx, kept));
    await until(() => heard.includes(kept));
    expect(heard).not.toContain(id);
  });

  it('are written at once outside a transaction and in a savepoint, which may roll them back', async () => {
    const kept = randomUUID();
    const dropped = randomUUID();
    await change(counted.db, kept);
    expect(await audits(kept)).toHaveLength(2);
    await counted.db.transaction(async (tx) => {
      await tx
        .transaction(async (sp) => {
          await change(sp, dropped);
          expect(await sp.select().from(auditEvents).where(eq(auditEvents.entityId, dropped))).toHaveLength(2);
          throw new Error('the savepoint fails');
        })
        .catch(() => undefined);
    });
    expect(await audits(dropped)).toEqual([]);
    expect(await outboxRows(`probe:${kept}`)).toHaveLength(1);
  });
});
