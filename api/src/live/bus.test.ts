import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { untilCommit } from '../db/client.js';
import { useTestDatabase } from '../test/db.js';
import { until } from '../test/until.js';
import { LIVE_CHANNEL, publishLive, publishLiveMany, type LiveEvent } from './bus.js';

const db = useTestDatabase();
let listener: pg.Client;
const heard: LiveEvent[] = [];

beforeAll(async () => {
  listener = new pg.Client({ connectionString: db.current.url });
  await listener.connect();
  listener.on('notification', (n) => heard.push(JSON.parse(n.payload!) as LiveEvent));
  await listener.query(`LISTEN ${LIVE_CHANNEL}`);
});
afterAll(async () => {
  await listener.end();
});

const event = (ticketKey: string): LiveEvent => ({ type: 'ticket.updated', ticketKey, visibility: 'public' });
const keysHeard = () => heard.map((e) => e.ticketKey);

describe('live events in a transaction', () => {
  it('are sent in order when it commits, a failed savepoint’s and a failed transaction’s never', async () => {
    heard.length = 0;
    await db.current.db.transaction(async (tx) => {
      // Held until the end: the transaction has a list for them; the pool and a savepoint do not.
      expect(untilCommit(tx, 'probe', () => sql`SELECT 1`)).toEqual([]);
      await tx.transaction(async (sp) => expect(untilCommit(sp, 'probe', () => sql`SELECT 1`)).toBeNull());
      await publishLive(tx, event('A-1'));
      await publishLiveMany(tx, [event('A-2'), event('A-3')]);
      // A savepoint that fails takes its own events with it.
      await tx
        .transaction(async (sp) => {
          await publishLive(sp, event('A-gone'));
          throw new Error('savepoint fails');
        })
        .catch(() => undefined);
      await publishLive(tx, event('A-4'));
    });
    await expect(
      db.current.db.transaction(async (tx) => {
        await publishLive(tx, event('B-1'));
        throw new Error('transaction fails');
      }),
    ).rejects.toThrow('transaction fails');
    // On the pool (no transaction): at once.
    expect(untilCommit(db.current.db, 'probe', () => sql`SELECT 1`)).toBeNull();
    await publishLive(db.current.db, event('C-1'));
    await until(() => heard.length >= 5);
    expect(keysHeard()).toEqual(['A-1', 'A-2', 'A-3', 'A-4', 'C-1']);
  });
});
