import type { TTicket } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../test/clock.js';
import type { UserRow } from './context.js';
import { apiRoutes } from './api.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';
import { createGroup } from '../test/factories.js';

const testDatabase = useTestDatabase();
let database: TestDatabase;
let app: TestApp;
let admin: UserRow;
let agent: UserRow;
let agent2: UserRow;
let alice: UserRow;
const clock = new FakeClock('2026-05-04T09:00:00Z');
const as = (u: UserRow) => sessionCookie(app, u);

beforeAll(async () => {
  database = testDatabase.current;
  app = await startTestApp({ database, clock });
  admin = await createUserWithPassword(database.db, { role: 'admin' });
  agent = await createUserWithPassword(database.db, { role: 'agent', name: 'Sam Agent' });
  agent2 = await createUserWithPassword(database.db, { role: 'agent' });
  alice = await createUserWithPassword(database.db, { name: 'Alice Smith' });
  await createGroup(database.db, { name: 'Desk', members: [agent.id, agent2.id] });
});
afterAll(async () => {
  await app.stop();
});

describe('the notification inbox', () => {
  it('counts unread, marks read and unread, reads all, and refuses another user’s notification', async () => {
    const t = (
      await call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
        cookie: as(alice),
        body: { title: 'Inbox test', description: 'x' },
      })
    ).body.ticket;
    for (let i = 0; i < 3; i++)
      await call(app, 'POST', `/tickets/${t.key}/replies`, { cookie: as(agent), body: { body: `Reply ${i}` } });
    const count = async () =>
      (await call<{ count: number }>(app, 'GET', '/notifications/unread-count', { cookie: as(alice) })).body.count;
    expect(await count()).toBe(3);
    const list = await call<{ items: { id: string; read: boolean; type: string }[] }>(app, 'GET', '/notifications', {
      cookie: as(alice),
    });
    expect(list.body.items).toHaveLength(3);
    const id = list.body.items[0]!.id;
    expect((await call(app, 'POST', `/notifications/${id}/read`, { cookie: as(alice) })).status).toBe(200);
    expect(await count()).toBe(2);
    expect((await call(app, 'POST', `/notifications/${id}/unread`, { cookie: as(alice) })).status).toBe(200);
    expect(await count()).toBe(3);
    expect((await call(app, 'POST', `/notifications/${id}/read`, { cookie: as(agent) })).status).toBe(404);
    expect(
      (await call<{ updated: number }>(app, 'POST', '/notifications/read-all', { cookie: as(alice) })).body.updated,
    ).toBe(3);
    expect(await count()).toBe(0);
    const unread = await call<{ items: unknown[] }>(app, 'GET', '/notifications?unread=true', { cookie: as(alice) });
    expect(unread.body.items).toEqual([]);
  });
});

describe('the audit log API', () => {
  it('filters by entity, action and time, newest first, with a cursor', async () => {
    const t = (
      await call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
        cookie: as(alice),
        body: { title: 'Audit me', description: 'x' },
      })
    ).body.ticket;
    await call(app, 'PATCH', `/tickets/${t.key}`, { cookie: as(agent), body: { priority: 'high' } });
    const res = await call<{
      items: { action: string; entityId: string; before: unknown; after: unknown }[];
      nextCursor: string | null;
    }>(app, 'GET', `/audit?entity=ticket&entityId=${t.id}`, { cookie: as(admin) });
    expect(res.body.items.map((i) => i.action)).toEqual(['ticket.updated', 'ticket.created']);
    expect(res.body.items[0]).toMatchObject({ before: { priority: 'medium' }, after: { priority: 'high' } });
    const none = await call<{ items: unknown[] }>(app, 'GET', `/audit?entityId=${t.id}&to=2000-01-01T00:00:00Z`, {
      cookie: as(admin),
    });
    expect(none.body.items).toEqual([]);
    expect((await call(app, 'GET', '/audit?from=yesterday', { cookie: as(admin) })).status).toBe(400);
    expect((await call(app, 'GET', '/audit?cursor=abc', { cookie: as(admin) })).status).toBe(400);
  });

  it('names a ticket by its key and a group by its name, and finds a ticket’s rows by its key', async () => {
    const t = (
      await call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
        cookie: as(alice),
        body: { title: 'Label me', description: 'x' },
      })
    ).body.ticket;
    const group = await call<{ group: { id: string } }>(app, 'POST', '/groups', {
      cookie: as(admin),
      body: { name: 'Field service' },
    });
    expect(group.status).toBe(201);
    type TRow = { action: string; entityType: string; entityId: string; entityLabel: string | null };
    const list = async (query: string) =>
      (await call<{ items: TRow[] }>(app, 'GET', `/audit?${query}`, { cookie: as(admin) })).body.items;

    const byKey = await list(`entityId=${t.key}`);
    expect(byKey.map((i) => [i.action, i.entityId, i.entityLabel])).toEqual([['ticket.created', t.id, t.key]]);
    expect(await list(`entityId=${t.key.toLowerCase()}`)).toHaveLength(1);
    expect(await list('entityId=IT-999999')).toEqual([]);
    const groups = await list(`entity=group&entityId=${group.body.group.id}`);
    expect(groups.map((i) => [i.action, i.entityLabel])).toEqual([['group.created', 'Field service']]);
    // Rows of entities with no name to give keep a null label.
    const settings = await list('entity=settings');
    expect(settings.every((i) => i.entityLabel === null)).toBe(true);
  });
});

describe('canned responses', () => {
  it('fills placeholders for a ticket; private ones stay private; only the author or an admin edits', async () => {
    const t = (
      await call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
        cookie: as(alice),
        body: { title: 'Printer jam', description: 'x' },
      })
    ).body.ticket;
    const created = await call<{ cannedResponse: { id: string } }>(app, 'POST', '/canned-responses', {
      cookie: as(agent),
      body: {
        title: 'Greeting',
        body: 'Hi {{requester.firstName}}, about {{ticket.key}} ({{ticket.title}}): {{agent.name}} here. {{unknown.thing}}',
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.cannedResponse.id;
    const rendered = await call<{ body: string }>(app, 'GET', `/canned-responses/${id}/render?ticket=${t.key}`, {
      cookie: as(agent),
    });
    expect(rendered.body.body).toBe(`Hi Alice, about ${t.key} (Printer jam): Sam Agent here. {{unknown.thing}}`);
    expect(
      (await call(app, 'PUT', `/canned-responses/${id}`, { cookie: as(agent2), body: { title: 'x', body: 'y' } }))
        .status,
    ).toBe(403);
    expect(
      (await call(app, 'PUT', `/canned-responses/${id}`, { cookie: as(admin), body: { title: 'Hello', body: 'y' } }))
        .status,
    ).toBe(200);
    const mine = await call<{ cannedResponse: { id: string } }>(app, 'POST', '/canned-responses', {
      cookie: as(agent),
      body: { title: 'Mine', body: 'z', shared: false },
    });
    const others = await call<{ items: { id: string }[] }>(app, 'GET', '/canned-responses', { cookie: as(agent2) });
    expect(others.body.items.map((c) => c.id)).not.toContain(mine.body.cannedResponse.id);
    expect(
      (
        await call(app, 'GET', `/canned-responses/${mine.body.cannedResponse.id}/render?ticket=${t.key}`, {
          cookie: as(agent2),
        })
      ).status,
    ).toBe(404);
    expect((await call(app, 'GET', '/canned-responses', { cookie: as(alice) })).status).toBe(403);
  });
});

describe('announcements', () => {
  it('show inside their window, to their audience', async () => {
    const post = (body: object) => call(app, 'POST', '/announcements', { cookie: as(admin), body });
    expect(
      (
        await post({
          title: 'Now',
          body: 'Wi-Fi maintenance tonight',
          startsAt: '2026-05-04T08:00:00Z',
          endsAt: '2026-05-05T08:00:00Z',
        })
      ).status,
    ).toBe(201);
    await post({ title: 'Agents', body: 'Rota change', audience: 'agents', startsAt: '2026-05-04T08:00:00Z' });
    await post({ title: 'Later', body: 'Office move', startsAt: '2026-06-01T08:00:00Z' });
    expect(
      (await post({ title: 'Bad', body: 'x', startsAt: '2026-05-04T08:00:00Z', endsAt: '2026-05-01T08:00:00Z' }))
        .status,
    ).toBe(400);
    const titles = async (u: UserRow) =>
      (await call<{ items: { title: string }[] }>(app, 'GET', '/announcements/active', { cookie: as(u) })).body.items
        .map((a) => a.title)
        .sort();
    expect(await titles(alice)).toEqual(['Now']);
    expect(await titles(agent)).toEqual(['Agents', 'Now']);
    clock.set('2026-06-02T00:00:00Z');
    expect(await titles(alice)).toEqual(['Later']);
    clock.set('2026-05-04T09:00:00Z');
  });
});

describe('OpenAPI', () => {
  it('describes every route, generated from the zod schemas', async () => {
    const res = await call<{
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown; summary: string }>>;
    }>(app, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    for (const route of apiRoutes) {
      const path = `/api${route.path.replace(/:(\w+)/g, '{$1}')}`;
      const op = res.body.paths[path]?.[route.method];
      expect(op, `${route.method} ${path}`).toBeDefined();
      expect(Boolean(op?.requestBody)).toBe(Boolean(route.body));
    }
    const create = res.body.paths['/api/tickets']!.post!.requestBody as {
      content: { 'application/json': { schema: { required: string[]; additionalProperties: boolean } } };
    };
    expect(create.content['application/json'].schema.required).toEqual(['title', 'description']);
    expect(create.content['application/json'].schema.additionalProperties).toBe(false);
  });
});
