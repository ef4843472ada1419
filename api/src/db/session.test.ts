import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { useTestDatabase } from '../test/db.js';
import { SessionConnection } from './session.js';
import { until } from '../test/until.js';

describe('the session connection (LISTEN and session locks beside the pool)', () => {
  const db = useTestDatabase();
  const sessions: SessionConnection[] = [];
  const open = async (name: string) => {
    const s = new SessionConnection(db.current.url, silentLogger(), name);
    await s.start();
    sessions.push(s);
    return s;
  };
  afterAll(async () => {
    for (const s of sessions) await s.stop();
  });

  it('listens on several channels at once, and again after its connection is cut, telling each listener', async () => {
    const session = await open('deskmate-test-session');
    const got: string[] = [];
    let connects = 0;
    await session.listen('test_a', { onNotify: (p) => got.push(`a:${p}`), onConnect: () => connects++ });
    const stopB = await session.listen('test_b', { onNotify: (p) => got.push(`b:${p}`) });
    await db.current.pool.query(`SELECT pg_notify('test_a', '1'), pg_notify('test_b', '2')`);
    await until(() => got.length === 2, 3000, 'both notifications');
    expect(got.sort()).toEqual(['a:1', 'b:2']);

    const { rows } = await db.current.pool.query<{ ok: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'deskmate-test-session'`,
    );
    expect(rows).toEqual([{ ok: true }]);
    await until(() => connects === 1, 5000, 'reconnected');
    await stopB();
    await db.current.pool.query(`SELECT pg_notify('test_a', '3'), pg_notify('test_b', '4')`);
    await until(() => got.includes('a:3'), 3000, 'a notification after the reconnection');
    await new Promise((r) => setTimeout(r, 100));
    expect(got.sort()).toEqual(['a:1', 'a:3', 'b:2']);
  });

  it('runs work under a session lock one process at a time, and releases it after', async () => {
    const [first, second] = [await open('deskmate-lock-1'), await open('deskmate-lock-2')];
    let release!: () => void;
    const held = first.withLock('test:lock', () => new Promise<string>((r) => (release = () => r('first ran'))));
    await until(async () => (await advisoryLocks()) === 1, 3000, 'the lock taken');
    expect(await second.withLock('test:lock', async () => 'second ran')).toBeNull();
    release();
    expect(await held).toBe('first ran');
    expect(await advisoryLocks()).toBe(0);
    expect(await second.withLock('test:lock', async () => 'second ran')).toBe('second ran');
  });

  async function advisoryLocks(): Promise<number> {
    const { rows } = await db.current.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database =
         (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    return rows[0]!.n;
  }
});
