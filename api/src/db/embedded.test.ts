import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './embedded.js';

function capturingLogger() {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(l) });
  return { logger, lines };
}

describe('embedded PostgreSQL', () => {
  let base: string;
  afterAll(async () => {
    if (base) await rm(base, { recursive: true, force: true });
  });

  it('initialises once, restarts from its data, and removes a stale postmaster.pid left by a crash', async () => {
    base = await mkdtemp(join(tmpdir(), 'dm-emb-'));
    await chmod(base, 0o755);
    const dataDir = join(base, 'data');
    const { logger, lines } = capturingLogger();

    const first = await startEmbeddedPostgres({ dataDir, logger, fast: true });
    const c1 = new pg.Client({ connectionString: first.url });
    await c1.connect();
    await c1.query('CREATE TABLE kept (v text)');
    await c1.query("INSERT INTO kept VALUES ('still here')");
    await c1.end();
    await first.stop();
    expect(lines.filter((l) => l.includes('initialising'))).toHaveLength(1);

    // A postmaster.pid whose process no longer exists, as a power cut would leave it.
    await writeFile(join(dataDir, 'pg', 'postmaster.pid'), '2147483\n');
    const second = await startEmbeddedPostgres({ dataDir, logger, fast: true });
    try {
      expect(lines.some((l) => l.includes('removing a stale postmaster.pid'))).toBe(true);
      expect(lines.filter((l) => l.includes('initialising'))).toHaveLength(1);
      const c2 = new pg.Client({ connectionString: second.url });
      await c2.connect();
      const { rows } = await c2.query<{ v: string }>('SELECT v FROM kept');
      await c2.end();
      expect(rows).toEqual([{ v: 'still here' }]);
    } finally {
      await second.stop();
    }
  });
});
