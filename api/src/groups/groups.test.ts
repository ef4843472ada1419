import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '../http/context.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { useTestDatabase } from '../test/db.js';

const database = useTestDatabase();
let app: TestApp;
let admin: UserRow;
let agent: UserRow;
let requester: UserRow;
let retired: UserRow;

beforeAll(async () => {
  app = await startTestApp({ database: database.current });
  const db = database.current.db;
  admin = await createUserWithPassword(db, { role: 'admin' });
  agent = await createUserWithPassword(db, { role: 'agent' });
  requester = await createUserWithPassword(db, { role: 'requester' });
  retired = await createUserWithPassword(db, { role: 'agent', active: false });
});
afterAll(async () => {
  await app?.stop();
});

describe('group policy', () => {
  it('agents read groups; only admins create them; members must be active agents or admins', async () => {
    const as = (u: UserRow) => ({ cookie: sessionCookie(app, u) });
    expect((await call(app, 'GET', '/groups', as(agent))).status).toBe(200);
    expect((await call(app, 'GET', '/groups', as(requester))).status).toBe(403);
    expect((await call(app, 'POST', '/groups', { ...as(agent), body: { name: 'Network' } })).status).toBe(403);

    const created = await call<{ group: { id: string } }>(app, 'POST', '/groups', {
      ...as(admin),
      body: { name: 'Network', memberIds: [agent.id] },
    });
    expect(created.status).toBe(201);
    const members = (memberIds: string[]) =>
      call(app, 'PUT', `/groups/${created.body.group.id}/members`, { ...as(admin), body: { memberIds } });
    expect((await members([agent.id, requester.id])).status).toBe(400);
    expect((await members([retired.id])).status).toBe(400);
    expect((await members([agent.id, admin.id])).status).toBe(200);
  });
});
