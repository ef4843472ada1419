import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { useTestDatabase } from '../test/db.js';
import { LockTimeoutError, SessionConnection } from './session.js';
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

  it('waits for a session lock: behind its own process in turn, behind another until it is free, then gives up', async () => {
    const [first, second] = [await open('deskmate-wait-1'), await open('deskmate-wait-2')];
    // One process: a session lock is re-entrant, so its callers take turns in the process first.
    const order: string[] = [];
    const turn = (name: string) =>
      first.withLockWaiting('test:wait', async () => {
        order.push(`${name} in`);
        await new Promise((r) => setTimeout(r, 50));
        order.push(`${name} out`);
        return name;
      });
    expect(await Promise.all([turn('a'), turn('b'), turn('c')])).toEqual(['a', 'b', 'c']);
    expect(order).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
    expect(await advisoryLocks()).toBe(0);

    // Another process holds it: wait (no pooled connection held meanwhile), then run.
    let release!: () => void;
    const held = first.withLock('test:wait', () => new Promise<void>((r) => (release = r)));
    await until(async () => (await advisoryLocks()) === 1, 3000, 'the lock taken');
    let ran = false;
    const waiting = second.withLockWaiting('test:wait', async () => (ran = true), 10_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(ran).toBe(false);
    release();
    await held;
    await waiting;
    expect(ran).toBe(true);

    // Held past the wait: LockTimeoutError, and the work never ran.
    const again = first.withLock('test:wait', () => new Promise<void>((r) => (release = r)));
    await until(async () => (await advisoryLocks()) === 1, 3000, 'the lock taken again');
    ran = false;
    await expect(second.withLockWaiting('test:wait', async () => (ran = true), 300)).rejects.toBeInstanceOf(
      LockTimeoutError,
    );
    expect(ran).toBe(false);
    release();
    await again;
    expect(await advisoryLocks()).toBe(0);
  });

  async function advisoryLocks(): Promise<number> {
    const { rows } = await db.current.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database =
         (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    return rows[0]!.n;
  }

  it('takes several session locks in one go: only those free in every session and not taken by this one', async () => {
    const a = await open('deskmate-test-many-a');
    const b = await open('deskmate-test-many-b');
    expect(await a.tryLockMany(['k1', 'k2'])).toEqual(new Set(['k1', 'k2']));
    // Re-entrant in PostgreSQL, but not twice in one process; and not what another session holds.
    expect(await a.tryLockMany(['k1', 'k3'])).toEqual(new Set(['k3']));
    expect(await b.tryLockMany(['k1', 'k2', 'k3', 'k4'])).toEqual(new Set(['k4']));
    await a.unlockMany(['k1', 'k3']);
    expect(await b.tryLockMany(['k1', 'k3'])).toEqual(new Set(['k1', 'k3']));
    // Given back, a key is this process's to take again once the other session lets go.
    await b.unlockMany(['k1', 'k3', 'k4']);
    expect(await a.tryLockMany(['k1'])).toEqual(new Set(['k1']));
    await a.unlockMany(['k1', 'k2']);
  });
});
