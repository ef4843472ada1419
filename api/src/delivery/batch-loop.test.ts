import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../logger.js';
import { BatchLoop } from './batch-loop.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A loop over a queue of row counts: each batch takes `size` rows at most. */
function loopOver(rows: { waiting: number }, size = 10) {
  const batches: number[] = [];
  let release: (() => void) | undefined;
  const hold = { on: false };
  const loop = new BatchLoop(
    async () => {
      if (hold.on) await new Promise<void>((r) => (release = r));
      const taken = Math.min(rows.waiting, size);
      rows.waiting -= taken;
      batches.push(taken);
      return taken;
    },
    { size, coalesceMs: 20, logger: silentLogger(), name: 'test pass' },
  );
  return { loop, batches, hold, release: () => release?.() };
}

describe('a batch loop', () => {
  it('gives the kicks of one moment one pass, which takes batches until one is short', async () => {
    const rows = { waiting: 0 };
    const { loop, batches } = loopOver(rows);
    for (let i = 0; i < 25; i++) {
      rows.waiting++;
      loop.kick();
    }
    await vi.advanceTimersByTimeAsync(19);
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(batches).toEqual([10, 10, 5]);
    await loop.stop();
  });

  it('runs another pass right after the running one when kicked during it', async () => {
    const rows = { waiting: 3 };
    const { loop, batches, hold, release } = loopOver(rows);
    hold.on = true;
    loop.kick();
    await vi.advanceTimersByTimeAsync(20);
    rows.waiting += 4;
    loop.kick();
    hold.on = false;
    release();
    await vi.advanceTimersByTimeAsync(0);
    // The first batch took all seven; the second pass, asked for during it, found none.
    expect(batches).toEqual([7, 0]);
    await loop.stop();
  });

  it('runs nothing once stopped, not even a pass it was kicked for', async () => {
    const rows = { waiting: 5 };
    const { loop, batches } = loopOver(rows);
    loop.kick();
    await loop.stop();
    await vi.advanceTimersByTimeAsync(100);
    loop.kick();
    await vi.advanceTimersByTimeAsync(100);
    expect(batches).toEqual([]);
  });
});
