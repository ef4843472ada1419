import type { TDirectoryAgent } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '../http/context.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';
import { createGroup } from '../test/factories.js';

const testDatabase = useTestDatabase();
let database: TestDatabase;
let app: TestApp;
let admin: UserRow;
let agent: UserRow;
let away: UserRow;
let requester: UserRow;
let desk: string;
let network: string;
const as = (user: UserRow) => sessionCookie(app, user);

beforeAll(async () => {
  database = testDatabase.current;
  app = await startTestApp({ database });
  const db = database.db;
  admin = await createUserWithPassword(db, { role: 'admin', name: 'Ada Admin', email: 'ada@example.test' });
  agent = await createUserWithPassword(db, { role: 'agent', name: 'Bea Agent', email: 'bea@example.test' });
  away = await createUserWithPassword(db, { role: 'agent', name: 'Cy Away', email: 'cy@example.test', away: true });
  const gone = await createUserWithPassword(db, { role: 'agent', name: 'Dee Gone', active: false });
  requester = await createUserWithPassword(db, { role: 'requester', name: 'Abe Requester' });
  desk = (await createGroup(db, { name: 'Service desk', members: [agent.id, away.id, gone.id] })).id;
  network = (await createGroup(db, { name: 'Network', members: [agent.id] })).id;
});
afterAll(async () => {
  await app.stop();
});

describe('GET /api/directory/agents', () => {
  it('lists active agents and admins by name with their groups and away flag, never requesters or deactivated agents', async () => {
    const expected: TDirectoryAgent[] = [
      { id: admin.id, name: 'Ada Admin', email: 'ada@example.test', role: 'admin', away: false, groupIds: [] },
      {
        id: agent.id,
        name: 'Bea Agent',
        email: 'bea@example.test',
        role: 'agent',
        away: false,
        groupIds: [desk, network].sort(),
      },
      { id: away.id, name: 'Cy Away', email: 'cy@example.test', role: 'agent', away: true, groupIds: [desk] },
    ];
    for (const user of [agent, admin]) {
      const res = await call(app, 'GET', '/directory/agents', { cookie: as(user) });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: expected });
    }
  });

  it('refuses requesters (403) and anonymous callers (401) in the one error shape', async () => {
    const res = await call(app, 'GET', '/directory/agents', { cookie: as(requester) });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({
      error: { code: 'forbidden', message: 'Only agents can do this', details: { requiredRole: 'agent' } },
    });
    expect((await call(app, 'GET', '/directory/agents')).status).toBe(401);
  });

  it('takes no query (400)', async () => {
    const res = await call<{ error: { code: string } }>(app, 'GET', '/directory/agents?role=admin', {
      cookie: as(agent),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });
});
