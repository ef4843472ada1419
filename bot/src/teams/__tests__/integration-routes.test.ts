import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, userIdentities } from '../../../../api/src/db/schema.js';
import { startTestApp, type TestApp } from '../../../../api/src/test/app.js';
import { call, sessionCookie } from '../../../../api/src/test/auth.js';
import { createUser, type UserRow } from '../../../../api/src/test/factories.js';

/**
 * The API routes the Teams bot needs (api/src/integrations/routes.ts): provider data kept with a
 * chat identity, the teams the bot is in, and the triage channel — which only admins choose.
 */
let app: TestApp;
let admin: UserRow;
let requester: UserRow;
let bearer: string;
const reference = {
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  channelId: 'msteams',
  conversation: { id: '19:triage@thread.tacv2', conversationType: 'channel', tenantId: 't-1' },
  bot: { id: '28:bot', name: 'Deskmate' },
};
const triage = {
  teamId: '19:team@thread.tacv2',
  teamName: 'IT',
  channelId: '19:triage@thread.tacv2',
  channelName: 'Triage',
  reference,
};
const actingAs = (providerUserId: string) => ({
  'x-deskmate-act-as-provider': 'teams',
  'x-deskmate-act-as-user': providerUserId,
});

beforeAll(async () => {
  app = await startTestApp();
  bearer = app.runtime.services.secrets.integrationToken;
  admin = await createUser(app.database.db, { role: 'admin', email: 'ada@example.com' });
  requester = await createUser(app.database.db, { email: 'rae@example.com' });
  for (const [id, email] of [
    ['aad-ada', 'ada@example.com'],
    ['aad-rae', 'rae@example.com'],
  ]) {
    const res = await call(app, 'POST', '/integrations/identities', {
      bearer,
      body: { provider: 'teams', providerUserId: id, email },
    });
    expect(res.status).toBe(200);
  }
});
afterAll(async () => {
  await app?.stop();
});

describe('POST /api/integrations/identities with data', () => {
  it('merges provider data into the identity key by key and returns what is stored', async () => {
    const first = await call<{ data: unknown; linked: boolean }>(app, 'POST', '/integrations/identities', {
      bearer,
      body: { provider: 'teams', providerUserId: 'aad-rae', data: { conversationReference: reference } },
    });
    expect(first.body.data).toEqual({ conversationReference: reference });
    const second = await call<{ data: unknown }>(app, 'POST', '/integrations/identities', {
      bearer,
      body: { provider: 'teams', providerUserId: 'aad-rae', data: { wizardCardId: 'm-9' } },
    });
    expect(second.body.data).toEqual({ conversationReference: reference, wizardCardId: 'm-9' });
    const without = await call<{ data: unknown }>(app, 'POST', '/integrations/identities', {
      bearer,
      body: { provider: 'teams', providerUserId: 'aad-rae' },
    });
    expect(without.body.data).toEqual({ conversationReference: reference, wizardCardId: 'm-9' });
    const [row] = await app.database.db
      .select()
      .from(userIdentities)
      .where(eq(userIdentities.providerUserId, 'aad-rae'));
    expect(row?.userId).toBe(requester.id);
  });

  it('refuses more than 16 KB of data with a 400 that says so', async () => {
    const res = await call<{ error: { code: string; message: string } }>(app, 'POST', '/integrations/identities', {
      bearer,
      body: { provider: 'teams', providerUserId: 'aad-rae', data: { big: 'x'.repeat(17_000) } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('16 KB');
  });
});

describe('Teams teams and triage channel', () => {
  it('the bot remembers and forgets teams (chat:act integration only)', async () => {
    const path = `/integrations/teams/teams/${encodeURIComponent(triage.teamId)}`;
    const put = await call(app, 'PUT', path, { bearer, body: { name: 'IT', reference } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ teamId: triage.teamId, name: 'IT', reference });
    expect((await call(app, 'PUT', path, { cookie: sessionCookie(app, admin), body: { reference } })).status).toBe(403);
    expect(
      (await call(app, 'PUT', path, { bearer, body: { reference: { ...reference, serviceUrl: 'ftp://x' } } })).status,
    ).toBe(400);
  });

  it('there is no triage channel until an admin chooses one', async () => {
    const res = await call(app, 'GET', '/integrations/teams/triage', { bearer });
    expect(res.body).toEqual({ triage: null });
  });

  it('a requester (through the bot) cannot choose the triage channel; nor can the bot on its own', async () => {
    const asRequester = await call(app, 'PUT', '/integrations/teams/triage', {
      bearer,
      headers: actingAs('aad-rae'),
      body: triage,
    });
    expect(asRequester.status).toBe(403);
    const asBot = await call(app, 'PUT', '/integrations/teams/triage', { bearer, body: triage });
    expect(asBot.status).toBe(403);
    expect((await call(app, 'GET', '/integrations/teams/triage', { bearer })).body).toEqual({ triage: null });
  });

  it('an admin chooses it (in Teams through the bot, or signed in); it is audited and the sender can read it', async () => {
    const res = await call(app, 'PUT', '/integrations/teams/triage', {
      bearer,
      headers: actingAs('aad-ada'),
      body: triage,
    });
    expect(res.status).toBe(200);
    const read = await call<{ triage: Record<string, unknown> }>(app, 'GET', '/integrations/teams/triage', { bearer });
    expect(read.body.triage).toMatchObject({ ...triage, setBy: admin.id });
    const audit = await app.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'teams.triage_set'));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: admin.id, actorType: 'integration' });
    const signedIn = await call(app, 'PUT', '/integrations/teams/triage', {
      cookie: sessionCookie(app, admin),
      body: { ...triage, channelName: 'Renamed' },
    });
    expect(signedIn.status).toBe(200);
    expect((await call(app, 'GET', '/integrations/teams/triage', { cookie: sessionCookie(app, admin) })).status).toBe(
      403,
    );
  });

  it('forgetting the team forgets its triage channel too', async () => {
    const res = await call(app, 'DELETE', `/integrations/teams/teams/${encodeURIComponent(triage.teamId)}`, { bearer });
    expect(res.status).toBe(204);
    expect((await call(app, 'GET', '/integrations/teams/triage', { bearer })).body).toEqual({ triage: null });
  });
});
