import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test/clock.js';
import { databaseBeforeMigration } from '../test/migration.js';
import { consume, rateState } from './rate-limit.js';

const MIGRATION = '0019_hot_path_functions';

describe(`migration ${MIGRATION}`, () => {
  it('numbers the hits recorded before it in time order, so limits reached before the upgrade still hold', async () => {
    const { client, database, upgrade, close } = await databaseBeforeMigration(MIGRATION);
    try {
      const clock = new FakeClock('2026-06-01T09:10:00Z');
      const hit = `INSERT INTO rate_limit_hits (key, at) VALUES ($1, $2)`;
      // Written out of order: the numbering follows the times, not the ids.
      for (const minute of [9, 2, 5, 7, 8])
        await client.query(hit, ['login:account:a@x.test', `2026-06-01T09:0${minute}:00Z`]);
      await client.query(hit, ['login:account:b@x.test', '2026-06-01T09:09:00Z']);
      await upgrade();
      const { rows } = await client.query<{ key: string; at: Date; seq: string }>(
        `SELECT key, at, seq FROM rate_limit_hits ORDER BY key, seq`,
      );
      expect(rows.map((r) => [r.key.slice(14, 15), r.at.toISOString().slice(14, 16), Number(r.seq)])).toEqual([
        ['a', '02', 1],
        ['a', '05', 2],
        ['a', '07', 3],
        ['a', '08', 4],
        ['a', '09', 5],
        ['b', '09', 1],
      ]);
      // Five in ten minutes for a: a limit of five frees a slot when 09:02 ages out (09:12), a limit
      // of four when its fourth newest, 09:05, does (09:15).
      const a = { key: 'login:account:a@x.test', max: 5, windowMs: 10 * 60_000 };
      expect(await rateState(database.db, a, clock)).toEqual({ limited: true, retryAfterSec: 120 });
      expect(await rateState(database.db, { ...a, max: 4 }, clock)).toEqual({ limited: true, retryAfterSec: 300 });
      // b goes on counting from its last number.
      await consume(database.db, [{ key: 'login:account:b@x.test', max: 5, windowMs: 600_000 }], clock);
      const b = await client.query<{ seq: string }>(
        `SELECT seq FROM rate_limit_hits WHERE key = 'login:account:b@x.test' ORDER BY seq`,
      );
      expect(b.rows.map((r) => Number(r.seq))).toEqual([1, 2]);
    } finally {
      await close();
    }
  });
});
