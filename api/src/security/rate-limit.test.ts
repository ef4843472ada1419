import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rateLimitHits } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import { FakeClock } from '../test/clock.js';
import { useTestDatabase } from '../test/db.js';
import { check, consume, rateState, recordHit, type RateLimit } from './rate-limit.js';

const db = useTestDatabase();

const refusal = async (work: Promise<unknown>): Promise<AppError> => {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
};

async function hits(key: string): Promise<number> {
  const r = await db.current.db.execute<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM ${rateLimitHits} WHERE ${rateLimitHits.key} = ${key}`,
  );
  return r.rows[0]!.n;
}

describe('rate limits', () => {
  it('allows max attempts in the window, then refuses until the oldest of them ages out', async () => {
    const clock = new FakeClock('2026-06-01T09:00:00Z');
    const limit: RateLimit = { key: 'test:window', max: 3, windowMs: 60_000 };
    for (let i = 0; i < 3; i++) {
      await consume(db.current.db, [limit], clock);
      clock.advance(10_000);
    }
    // Hits at 0 s, 10 s, 20 s; now 30 s: the first frees a slot at 60 s.
    const err = await refusal(consume(db.current.db, [limit], clock));
    expect(err.code).toBe('rate_limited');
    expect(err.headers).toEqual({ 'Retry-After': '30' });
    expect(await hits('test:window')).toBe(3); // a refused attempt is not counted
    clock.advance(30_001);
    await consume(db.current.db, [limit], clock);
    expect(await hits('test:window')).toBe(4);
  });

  it('counts against several limits together or not at all, and waits for the fullest', async () => {
    const clock = new FakeClock('2026-06-01T09:00:00Z');
    const perPerson: RateLimit = { key: 'test:person', max: 2, windowMs: 60_000 };
    const perAddress: RateLimit = { key: 'test:address', max: 5, windowMs: 600_000 };
    await consume(db.current.db, [perPerson, perAddress], clock);
    clock.advance(1_000);
    await consume(db.current.db, [perPerson, perAddress], clock);
    const err = await refusal(consume(db.current.db, [perAddress, perPerson], clock));
    expect(err.headers).toEqual({ 'Retry-After': '59' });
    expect([await hits('test:person'), await hits('test:address')]).toEqual([2, 2]);
    // A limit with more hits than its max (failures recorded elsewhere): free when enough age out.
    const earlier = new FakeClock(new Date(clock.now().getTime() - 5_000).toISOString());
    for (let i = 0; i < 6; i++, earlier.advance(1_000)) await recordHit(db.current.db, 'test:over', earlier);
    const state = await rateState(db.current.db, { key: 'test:over', max: 3, windowMs: 60_000 }, clock);
    // Newest first: 0, 1, 2 s old — the third newest leaves the window in 58 s, leaving two.
    expect(state).toEqual({ limited: true, retryAfterSec: 58 });
    await expect(
      check(db.current.db, [{ key: 'test:over', max: 7, windowMs: 60_000 }], clock),
    ).resolves.toBeUndefined();
  });

  it('costs one short index probe per limit whatever the number of hits in the window', async () => {
    const clock = new FakeClock('2026-06-01T09:00:00Z');
    const read = async (key: string, existing: number): Promise<number> => {
      await db.current.db.execute(
        sql`INSERT INTO rate_limit_hits (key, at, seq)
            SELECT ${key}, ${clock.now()}::timestamptz - ((${existing} - g) * interval '1 millisecond'), g
              FROM generate_series(1, ${existing}) g`,
      );
      await db.current.db.execute(sql`INSERT INTO rate_limit_keys (key, seq) VALUES (${key}, ${existing})`);
      await db.current.db.execute(sql`ANALYZE rate_limit_hits`);
      // Rows read by one attempt and one check, as PostgreSQL counts them for this backend (the
      // difference around the two calls: earlier transactions' counts may not be flushed yet).
      return db.current.db.transaction(async (tx) => {
        const rowsRead = async () => {
          const r = await tx.execute<{ n: number }>(
            sql`SELECT (coalesce(sum(idx_tup_fetch), 0) + coalesce(sum(seq_tup_read), 0))::int AS n
                  FROM pg_stat_xact_user_tables WHERE relname IN ('rate_limit_hits', 'rate_limit_keys')`,
          );
          return r.rows[0]!.n;
        };
        const before = await rowsRead();
        await consume(tx, [{ key, max: 1_000_000, windowMs: 3_600_000 }], clock);
        await rateState(tx, { key, max: 20, windowMs: 3_600_000 }, clock);
        return (await rowsRead()) - before;
      });
    };
    const busy = await read('test:busy', 20_000);
    // The limit is far above the hits: counting the window would read all 20,000 of them.
    expect(busy).toBeGreaterThan(0);
    expect(busy).toBeLessThan(10);
  });
});
