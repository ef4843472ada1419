import type { TSavedView } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '../http/context.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';

const testDatabase = useTestDatabase();
let database: TestDatabase;
let app: TestApp;
let agent: UserRow;
let other: UserRow;

beforeAll(async () => {
  database = testDatabase.current;
  app = await startTestApp({ database, role: 'api' });
  agent = await createUserWithPassword(database.db, { role: 'agent', name: 'Sam Agent' });
  other = await createUserWithPassword(database.db, { role: 'agent', name: 'Riley Agent' });
});
afterAll(async () => {
  await app.stop();
});

const as = (user: UserRow) => ({ cookie: sessionCookie(app, user) });
const save = (user: UserRow, body: unknown) => call<{ view: TSavedView }>(app, 'PUT', '/views', { ...as(user), body });
const list = async (user: UserRow) => {
  const res = await call<{ items: TSavedView[] }>(app, 'GET', '/views', as(user));
  expect(res.status).toBe(200);
  return res.body.items;
};

describe('saved views', () => {
  it('are kept per person on the server, listed by name, and replaced by name', async () => {
    const hot = await save(agent, { name: 'Hot tickets', queue: 'unassigned', search: 'priority=high,urgent' });
    expect(hot.status).toBe(200);
    expect(hot.body.view).toMatchObject({ name: 'Hot tickets', queue: 'unassigned', search: 'priority=high,urgent' });
    await save(agent, { name: 'at risk mine', queue: 'at-risk', search: '' });
    const again = await save(agent, { name: 'HOT TICKETS', queue: 'all', search: 'priority=urgent' });
    expect(again.body.view.id).toBe(hot.body.view.id);
    expect((await list(agent)).map((v) => [v.name, v.queue, v.search])).toEqual([
      ['at risk mine', 'at-risk', ''],
      ['HOT TICKETS', 'all', 'priority=urgent'],
    ]);
    expect(await list(other)).toEqual([]);
  });

  it('someone else’s view cannot be deleted (404, as if unknown), one’s own can', async () => {
    const mine = (await save(agent, { name: 'To delete', queue: 'mine' })).body.view;
    const theirs = await call(app, 'DELETE', `/views/${mine.id}`, as(other));
    expect(theirs.status).toBe(404);
    expect((await list(agent)).some((v) => v.id === mine.id)).toBe(true);
    expect((await call(app, 'DELETE', `/views/${mine.id}`, as(agent))).status).toBe(204);
    expect((await list(agent)).some((v) => v.id === mine.id)).toBe(false);
    expect((await call(app, 'DELETE', `/views/${mine.id}`, as(agent))).status).toBe(404);
  });

  it('refuses bad input with 400 and writes nothing; signed-out callers get 401', async () => {
    const before = await list(agent);
    for (const body of [
      {},
      { name: '', queue: 'mine' },
      { name: 'x'.repeat(61), queue: 'mine' },
      { name: 'Bad queue', queue: 'Mine; DROP' },
      { name: 'Leading ?', queue: 'mine', search: '?status=open' },
      { name: 'Extra', queue: 'mine', owner: other.id },
    ]) {
      const res = await save(agent, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    expect(await list(agent)).toEqual(before);
    expect((await call(app, 'GET', '/views')).status).toBe(401);
    expect((await call(app, 'DELETE', '/views/not-a-uuid', as(agent))).status).toBe(400);
  });

  it('holds at most 50 per person, even when saved in parallel', async () => {
    const fresh = await createUserWithPassword(database.db, { role: 'agent' });
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => save(fresh, { name: `View ${i}`, queue: 'all', search: `q=${i}` })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(50);
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(10);
    expect(JSON.stringify(refused[0]!.body)).toContain('delete one');
    expect(await list(fresh)).toHaveLength(50);
  });
});
