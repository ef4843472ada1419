import { and, eq } from 'drizzle-orm';
import { ZErrorBody } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, apiTokens } from '../db/schema.js';
import { apiRoutes } from '../http/api.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';
import type { UserRow } from '../http/context.js';

const testDatabase = useTestDatabase();
let database: TestDatabase;
let app: TestApp;
let admin: UserRow;
let agent: UserRow;
let requester: UserRow;
let adminCookie: string;

beforeAll(async () => {
  database = testDatabase.current;
  app = await startTestApp({ database, env: { INTEGRATION_TOKEN: 'dm_configured-integration-token-0123456789' } });
  admin = await createUserWithPassword(database.db, { role: 'admin' });
  agent = await createUserWithPassword(database.db, { role: 'agent' });
  requester = await createUserWithPassword(database.db, { role: 'requester' });
  adminCookie = sessionCookie(app, admin);
});
afterAll(async () => {
  await app.stop();
});

const sample = (path: string) => path.replace(/:id\b/g, '00000000-0000-4000-8000-000000000000');

describe('every admin route refuses agents and requesters (walked from the route table)', () => {
  const adminOnly = apiRoutes.filter((r) => r.access === 'admin');

  it('has admin routes to check', () => {
    expect(adminOnly.length).toBeGreaterThanOrEqual(12);
  });

  it.each(adminOnly.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('%s', async (_name, route) => {
    const method = route.method.toUpperCase();
    const body = method === 'GET' || method === 'DELETE' ? undefined : {};
    expect((await call(app, method, sample(route.path), { body })).status).toBe(401);
    for (const user of [agent, requester]) {
      const res = await call(app, method, sample(route.path), { cookie: sessionCookie(app, user), body });
      expect(res.status).toBe(403);
      expect(ZErrorBody.parse(res.body).error.code).toBe('forbidden');
    }
    // An integration token is not an admin either.
    const viaToken = await call(app, method, sample(route.path), {
      bearer: 'dm_configured-integration-token-0123456789',
      body,
    });
    expect(viaToken.status).toBe(403);
  });
});

describe('no route answers 5xx to bad input (walked from the route table, as an admin)', () => {
  const withBody = apiRoutes.filter((r) => r.body && r.access === 'admin');
  it.each(withBody.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('%s', async (_name, route) => {
    for (const body of [
      { unexpected: true },
      { name: 42, email: [], role: 'king', memberIds: 'x' },
      'not an object',
      null,
    ]) {
      const res = await call(app, route.method.toUpperCase(), sample(route.path), {
        cookie: adminCookie,
        rawBody: JSON.stringify(body),
      });
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(body)).toBeLessThan(500);
      ZErrorBody.parse(res.body);
    }
  });
});

describe('user administration', () => {
  it('lists and filters users', async () => {
    const res = await call<{ items: { role: string }[] }>(app, 'GET', '/users?role=agent', { cookie: adminCookie });
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items.every((u) => u.role === 'agent')).toBe(true);
    expect((await call(app, 'GET', '/users?role=wizard', { cookie: adminCookie })).status).toBe(400);
    expect((await call(app, 'GET', '/users?sort=evil', { cookie: adminCookie })).status).toBe(400);
  });

  it('answers 404 for an unknown user and 400 for a malformed id', async () => {
    expect((await call(app, 'GET', `/users/${sample(':id')}`, { cookie: adminCookie })).status).toBe(404);
    expect((await call(app, 'GET', '/users/not-a-uuid', { cookie: adminCookie })).status).toBe(400);
  });

  it('changes a role with an audit row holding before and after', async () => {
    const user = await createUserWithPassword(database.db, { role: 'requester' });
    const res = await call(app, 'POST', `/users/${user.id}/role`, {
      cookie: adminCookie,
      body: { role: 'agent' },
      headers: { 'user-agent': 'AdminUI/1' },
    });
    expect(res.body).toMatchObject({ user: { role: 'agent' } });
    const [row] = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, user.id), eq(auditEvents.action, 'user.role_changed')));
    expect(row).toMatchObject({
      actorId: admin.id,
      before: { role: 'requester' },
      after: { role: 'agent' },
      userAgent: 'AdminUI/1',
    });
  });

  it('keeps at least one active admin and refuses deactivating yourself', async () => {
    const solo = await startTestApp();
    try {
      const only = await createUserWithPassword(solo.database.db, { role: 'admin' });
      const cookie = sessionCookie(solo, only);
      const demote = await call(solo, 'POST', `/users/${only.id}/role`, { cookie, body: { role: 'agent' } });
      expect(demote.status).toBe(409);
      expect(ZErrorBody.parse(demote.body).error.message).toMatch(/one active admin/);
      expect((await call(solo, 'POST', `/users/${only.id}/deactivate`, { cookie })).status).toBe(409);
    } finally {
      await solo.stop();
    }
  });

  it('deactivates and reactivates with audit rows', async () => {
    const user = await createUserWithPassword(database.db);
    expect((await call(app, 'POST', `/users/${user.id}/deactivate`, { cookie: adminCookie })).body).toMatchObject({
      user: { active: false },
    });
    expect((await call(app, 'POST', `/users/${user.id}/reactivate`, { cookie: adminCookie })).body).toMatchObject({
      user: { active: true },
    });
    const actions = (await database.db.select().from(auditEvents).where(eq(auditEvents.entityId, user.id))).map(
      (r) => r.action,
    );
    expect(actions).toEqual(expect.arrayContaining(['user.deactivated', 'user.reactivated']));
  });
});

describe('groups', () => {
  it('creates a group of agents, refuses requesters as members and duplicate names', async () => {
    const created = await call<{ group: { id: string; memberIds: string[] } }>(app, 'POST', '/groups', {
      cookie: adminCookie,
      body: { name: 'Network', roundRobin: true, memberIds: [agent.id] },
    });
    expect(created.status).toBe(201);
    expect(created.body.group.memberIds).toEqual([agent.id]);
    expect((await call(app, 'POST', '/groups', { cookie: adminCookie, body: { name: 'network' } })).status).toBe(409);
    const bad = await call(app, 'PUT', `/groups/${created.body.group.id}/members`, {
      cookie: adminCookie,
      body: { memberIds: [requester.id] },
    });
    expect(bad.status).toBe(400);
    const agents = await call(app, 'GET', '/groups', { cookie: sessionCookie(app, agent) });
    expect(agents.status).toBe(200);
    expect((await call(app, 'GET', '/groups', { cookie: sessionCookie(app, requester) })).status).toBe(403);
    const renamed = await call(app, 'PATCH', `/groups/${created.body.group.id}`, {
      cookie: adminCookie,
      body: { name: 'Networking', roundRobin: false },
    });
    expect(renamed.body).toMatchObject({ group: { name: 'Networking', roundRobin: false } });
    expect((await call(app, 'DELETE', `/groups/${created.body.group.id}`, { cookie: adminCookie })).status).toBe(204);
    expect((await call(app, 'GET', `/groups/${created.body.group.id}`, { cookie: adminCookie })).status).toBe(404);
  });
});

describe('integration credentials', () => {
  it('creates a token shown once, stores only its hash, and revokes it', async () => {
    const created = await call<{ token: string; apiToken: { id: string; prefix: string } }>(
      app,
      'POST',
      '/integrations/tokens',
      {
        cookie: adminCookie,
        body: { name: 'Slack bot', scopes: ['chat:act'] },
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^dm_/);
    const [row] = await database.db.select().from(apiTokens).where(eq(apiTokens.id, created.body.apiToken.id));
    expect(row?.tokenHash).not.toContain(created.body.token);
    expect(
      JSON.stringify((await call(app, 'GET', '/integrations/tokens', { cookie: adminCookie })).body),
    ).not.toContain(created.body.token);

    const resolve = await call<{ user: { id: string }; created: boolean }>(app, 'POST', '/integrations/identities', {
      bearer: created.body.token,
      body: { provider: 'slack', providerUserId: 'U0TEST1', email: 'slacker@example.test', name: 'Sam Slack' },
    });
    expect(resolve.status).toBe(200);
    expect(resolve.body.created).toBe(true);
    // Acting as that chat user.
    const me = await call(app, 'GET', '/auth/me', {
      bearer: created.body.token,
      headers: { 'x-deskmate-act-as-provider': 'slack', 'x-deskmate-act-as-user': 'U0TEST1' },
    });
    expect(me.body).toMatchObject({ user: { id: resolve.body.user.id, email: 'slacker@example.test' } });

    expect(
      (await call(app, 'DELETE', `/integrations/tokens/${created.body.apiToken.id}`, { cookie: adminCookie })).status,
    ).toBe(204);
    const after = await call(app, 'POST', '/integrations/identities', {
      bearer: created.body.token,
      body: { provider: 'slack', providerUserId: 'U0TEST2' },
    });
    expect(after.status).toBe(401);
    const actions = (
      await database.db.select().from(auditEvents).where(eq(auditEvents.entityId, created.body.apiToken.id))
    ).map((r) => r.action);
    expect(actions).toEqual(['api_token.created', 'api_token.revoked']);
  });

  it('maps a chat user by stored id, else by email (linking), else a new requester; once under concurrency', async () => {
    const token = 'dm_configured-integration-token-0123456789';
    const byEmail = await call<{ user: { id: string }; linked: boolean }>(app, 'POST', '/integrations/identities', {
      bearer: token,
      body: { provider: 'teams', providerUserId: 'aad-1', email: agent.email.toUpperCase() },
    });
    expect(byEmail.body).toMatchObject({ user: { id: agent.id }, linked: true, created: false });
    const burst = await Promise.all(
      Array.from({ length: 5 }, () =>
        call<{ user: { id: string } }>(app, 'POST', '/integrations/identities', {
          bearer: token,
          body: { provider: 'slack', providerUserId: 'UNEW' },
        }),
      ),
    );
    expect(new Set(burst.map((r) => r.body.user.id)).size).toBe(1);
    expect(burst.filter((r) => (r.body as { created?: boolean }).created)).toHaveLength(1);
  });

  it('refuses a token without the scope, and acting as an unknown chat user', async () => {
    const readOnly = await call<{ token: string }>(app, 'POST', '/integrations/tokens', {
      cookie: adminCookie,
      body: { name: 'Reader', scopes: ['api:read'] },
    });
    const res = await call(app, 'POST', '/integrations/identities', {
      bearer: readOnly.body.token,
      body: { provider: 'slack', providerUserId: 'U1' },
    });
    expect(res.status).toBe(403);
    const unknown = await call(app, 'GET', '/auth/me', {
      bearer: 'dm_configured-integration-token-0123456789',
      headers: { 'x-deskmate-act-as-provider': 'slack', 'x-deskmate-act-as-user': 'UNKNOWN' },
    });
    expect(unknown.status).toBe(404);
    expect((await call(app, 'GET', '/auth/me', { bearer: 'dm_not-a-real-token' })).status).toBe(401);
  });
});

describe('the dev outbox', () => {
  it('is readable by admins only', async () => {
    await call(app, 'POST', '/auth/password/forgot', { body: { email: requester.email } });
    // The reset mail is queued by a job after the answer: wait for it to show.
    const listed = async () => {
      const res = await call<{ items: { to: string; kind: string }[] }>(app, 'GET', '/admin/mail', {
        cookie: adminCookie,
      });
      return res.body.items.some((m) => m.to === requester.email && m.kind === 'password_reset');
    };
    const deadline = Date.now() + 15_000;
    while (!(await listed()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(await listed()).toBe(true);
  });
});
