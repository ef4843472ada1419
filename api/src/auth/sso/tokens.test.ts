import { and, eq } from 'drizzle-orm';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditEvents, userIdentities, users } from '../../db/schema.js';
import { ssoIdentities } from '../../db/schema-sso.js';
import { startTestApp, type TestApp } from '../../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../../test/auth.js';
import { TestBrowser } from '../../test/browser.js';
import { createUser } from '../../test/factories.js';
import { startTokenIdp, type TokenIdp } from '../../test/token-idp.js';
import { resolveChatIdentity } from '../../users/service.js';
import { systemActor } from '../../audit/record.js';

// ID tokens no real provider would send, from a provider whose tokens the test writes: every
// check here is made by openid-client (issuer, audience, expiry, nonce, signature and key id),
// none by Deskmate's code. The presets with fixed https issuers (Entra ID, Slack) are answered by
// nock: no request leaves the machine.
let app: TestApp;
let adminCookie: string;
let generic: TokenIdp;
let entra: TokenIdp;
let slack: TokenIdp;
let google: TokenIdp;
const CLIENT_ID = 'deskmate-client';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OTHER_TENANT = '11111111-2222-3333-4444-555555555555';

beforeAll(async () => {
  generic = await startTokenIdp();
  await generic.publish(['k1']);
  entra = await startTokenIdp({
    origin: 'https://login.microsoftonline.com',
    issuerPath: '/organizations/v2.0',
    discoveryIssuer: 'https://login.microsoftonline.com/{tenantid}/v2.0',
  });
  await entra.publish(['entra-1']);
  slack = await startTokenIdp({ origin: 'https://slack.com' });
  await slack.publish(['slack-1']);
  google = await startTokenIdp({ origin: 'https://accounts.google.com' });
  await google.publish(['google-1']);
  app = await startTestApp();
  const admin = await createUserWithPassword(app.runtime.services.db, { role: 'admin' });
  adminCookie = sessionCookie(app, admin);
  const add = async (body: Record<string, unknown>) => {
    const res = await call(app, 'POST', '/admin/sso/providers', { cookie: adminCookie, body });
    expect(res.status).toBe(201);
  };
  await add({
    id: 'tiny',
    kind: 'oidc',
    displayName: 'Tiny',
    issuer: generic.issuer,
    clientId: CLIENT_ID,
    clientSecret: 'tiny-secret',
    options: { allowedDomains: ['example.com'] },
  });
  await add({
    id: 'entra',
    kind: 'entra',
    displayName: 'Microsoft',
    tenant: 'organizations',
    clientId: CLIENT_ID,
    clientSecret: 'entra-secret',
    options: { allowedTenants: [TENANT], allowedDomains: ['contoso.com'] },
  });
  await add({
    id: 'google',
    kind: 'google',
    displayName: 'Google',
    clientId: CLIENT_ID,
    clientSecret: 'google-secret',
    options: { hostedDomain: 'corp.example', allowedDomains: ['corp.example'] },
  });
  await add({ id: 'slack', kind: 'slack', displayName: 'Slack', clientId: CLIENT_ID, clientSecret: 'slack-secret' });
});

afterAll(async () => {
  await app?.stop();
  await generic?.stop();
  nock.cleanAll();
});

afterEach(() => {
  vi.useRealTimers();
});

const db = () => app.runtime.services.db;

/** Start a sign-in; the provider's side is skipped: the callback comes with a code and the state. */
async function begin(provider: string, browser = new TestBrowser()) {
  const start = await browser.request(`${app.url}/api/auth/oidc/login?provider=${provider}`);
  expect(start.status).toBe(302);
  const authorize = new URL(start.location!);
  const state = authorize.searchParams.get('state')!;
  const nonce = authorize.searchParams.get('nonce')!;
  const finish = () =>
    browser.request(`${app.url}/api/auth/oidc/callback?code=code-${state.slice(0, 8)}&state=${state}`, {
      accept: 'application/json',
    });
  return { browser, authorize, nonce, finish };
}

const reasonOf = (page: { text: string }) =>
  (JSON.parse(page.text) as { error: { details: { reason: string } } }).error.details.reason;

async function lastFailure() {
  const rows = await db().select().from(auditEvents).where(eq(auditEvents.action, 'auth.sso_failed'));
  return rows.at(-1)!.after as { reason: string; hint: string };
}

describe('ID token checks made by openid-client', () => {
  const good = (nonce: string, extra: Record<string, unknown> = {}) => ({
    iss: generic.issuer,
    aud: CLIENT_ID,
    sub: 'tok-user',
    nonce,
    email: 'tok@example.com',
    email_verified: true,
    ...extra,
  });

  it('accepts a well-formed token (the control for the refusals below)', async () => {
    const flow = await begin('tiny');
    generic.nextToken = { claims: good(flow.nonce) };
    const done = await flow.finish();
    expect(done.status).toBe(302);
    expect(done.location).toBe(`${app.url}/`);
    // The code was redeemed with the PKCE verifier of this sign-in and the client's secret.
    const request = generic.tokenRequests.at(-1)!;
    expect(request.get('grant_type')).toBe('authorization_code');
    expect(request.get('code_verifier')).toMatch(/^[\w-]{43,128}$/);
    expect(request.get('client_secret')).toBe('tiny-secret');
    expect(request.get('redirect_uri')).toBe(`${app.url}/api/auth/oidc/callback`);
  });

  it.each([
    ['another audience', (nonce: string) => ({ claims: good(nonce, { aud: 'someone-else' }) }), /aud/],
    ['an expired token', (nonce: string) => ({ claims: good(nonce, { iat: 1_000_000, exp: 1_000_600 }) }), /exp/],
    ['the wrong nonce', () => ({ claims: good('a-nonce-from-another-sign-in') }), /nonce/],
    ['another issuer', (nonce: string) => ({ claims: good(nonce, { iss: 'http://127.0.0.1:1/evil' }) }), /iss/],
  ])('refuses %s', async (_name, token, hint) => {
    const flow = await begin('tiny');
    generic.nextToken = token(flow.nonce);
    const done = await flow.finish();
    expect(done.status).toBe(401);
    expect(reasonOf(done)).toBe('provider');
    expect(flow.browser.cookies.has('deskmate_session')).toBe(false);
    expect((await lastFailure()).hint).toMatch(hint);
  });

  it('refuses a token signed by a key the provider does not publish (unknown key id)', async () => {
    const flow = await begin('tiny');
    generic.nextToken = { claims: good(flow.nonce), kid: 'not-published', key: await generic.keyOf('not-published') };
    const done = await flow.finish();
    expect(done.status).toBe(401);
    expect((await lastFailure()).hint).toMatch(/key/i);
  });

  it('refuses a token whose key id is published but whose signature is another key’s', async () => {
    const flow = await begin('tiny');
    generic.nextToken = { claims: good(flow.nonce), kid: 'k1', key: await generic.keyOf('forger') };
    const done = await flow.finish();
    expect(done.status).toBe(401);
    expect((await lastFailure()).hint).toMatch(/signature/i);
  });

  it('follows a key rotation: a new key id makes the library fetch the JWKS again', async () => {
    const first = await begin('tiny');
    generic.nextToken = { claims: good(first.nonce) };
    expect((await first.finish()).status).toBe(302);
    await generic.publish(['k2']);
    // openid-client refetches keys for an unknown kid once its copy is a minute old.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + 61_000);
    const second = await begin('tiny');
    generic.nextToken = { claims: good(second.nonce), kid: 'k2' };
    const done = await second.finish();
    expect(done.status).toBe(302);
    expect(done.location).toBe(`${app.url}/`);
  });
});

describe('Microsoft Entra ID, multi-tenant (organizations)', () => {
  const entraToken = (nonce: string, extra: Record<string, unknown> = {}) => ({
    iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
    aud: CLIENT_ID,
    sub: 'entra-pairwise-sub',
    tid: TENANT,
    oid: '00000000-0000-0000-0000-00000000a11c',
    nonce,
    name: 'Alice Contoso',
    preferred_username: 'alice@contoso.com',
    email: 'alice@contoso.com',
    ...extra,
  });

  it('reads the {tenantid} issuer template with the token’s tid, and refuses an issuer of another tenant', async () => {
    const wrong = await begin('entra');
    entra.nextToken = {
      claims: entraToken(wrong.nonce, {
        iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`,
        xms_edov: true,
      }),
    };
    const refused = await wrong.finish();
    expect(refused.status).toBe(401);
    expect((await lastFailure()).hint).toMatch(/iss/);

    const other = await begin('entra');
    entra.nextToken = {
      claims: entraToken(other.nonce, {
        iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`,
        tid: OTHER_TENANT,
        xms_edov: true,
      }),
    };
    const notAllowed = await other.finish();
    expect(notAllowed.status).toBe(403);
    expect(reasonOf(notAllowed)).toBe('tenant_not_allowed');
  });

  it('trusts Entra’s email only with xms_edov (never preferred_username), and joins the Teams user by object id', async () => {
    // The Teams bot met this person first: a chat-only requester keyed by the AAD object id.
    const teams = await resolveChatIdentity(
      app.runtime.services,
      {
        provider: 'teams',
        providerUserId: '00000000-0000-0000-0000-00000000a11c',
        providerTeamId: TENANT,
        name: 'Alice',
      },
      systemActor,
    );
    expect(teams.created).toBe(true);

    // An email without xms_edov does not count; the object id still finds the Teams user, who
    // keeps their placeholder address.
    const unverified = await begin('entra');
    entra.nextToken = { claims: entraToken(unverified.nonce, { sub: 'sub-a' }) };
    expect((await unverified.finish()).location).toBe(`${app.url}/`);
    let [user] = await db().select().from(users).where(eq(users.id, teams.user.id));
    expect(user!.email).toMatch(/@chat\.deskmate\.invalid$/);

    // With xms_edov: true the email is verified and the chat-only user takes it.
    const flow = await begin('entra');
    entra.nextToken = { claims: entraToken(flow.nonce, { sub: 'sub-b', xms_edov: true }) };
    expect((await flow.finish()).location).toBe(`${app.url}/`);
    const me = await call<{ user: { id: string; email: string } }>(app, 'GET', '/auth/me', {
      cookie: flow.browser.cookieHeader(),
    });
    expect(me.body.user).toMatchObject({ id: teams.user.id, email: 'alice@contoso.com' });
    [user] = await db().select().from(users).where(eq(users.id, teams.user.id));
    expect(user!.email).toBe('alice@contoso.com');
    const [identity] = await db().select().from(ssoIdentities).where(eq(ssoIdentities.subject, 'sub-b'));
    expect(identity).toMatchObject({
      chatProvider: 'teams',
      chatUserId: '00000000-0000-0000-0000-00000000a11c',
      tenantId: TENANT,
    });
  });

  it('does not link an existing account by an unverified Entra email (nOAuth)', async () => {
    const victim = await createUser(db(), { email: 'ceo@contoso.com', role: 'admin' });
    const flow = await begin('entra');
    entra.nextToken = {
      claims: entraToken(flow.nonce, {
        sub: 'attacker',
        oid: '00000000-0000-0000-0000-0000000000bb',
        email: 'ceo@contoso.com',
        preferred_username: 'ceo@contoso.com',
      }),
    };
    const done = await flow.finish();
    expect(done.status).toBe(403);
    expect(reasonOf(done)).toBe('unverified_email');
    expect(await db().select().from(ssoIdentities).where(eq(ssoIdentities.userId, victim.id))).toHaveLength(0);
  });
});

describe('Google Workspace', () => {
  it('asks for the Workspace domain and refuses an account of another domain (hd claim)', async () => {
    const outsider = await begin('google');
    expect(outsider.authorize.searchParams.get('hd')).toBe('corp.example');
    const claims = (nonce: string, extra: Record<string, unknown>) => ({
      iss: 'https://accounts.google.com',
      aud: CLIENT_ID,
      sub: '1234567890',
      nonce,
      email: 'pat@corp.example',
      email_verified: true,
      ...extra,
    });
    google.nextToken = { claims: claims(outsider.nonce, { hd: 'gmail.com', email: 'pat@gmail.com', sub: '999' }) };
    const refused = await outsider.finish();
    expect(refused.status).toBe(403);
    expect(reasonOf(refused)).toBe('hosted_domain');
    const member = await begin('google');
    google.nextToken = { claims: claims(member.nonce, { hd: 'corp.example' }) };
    expect((await member.finish()).location).toBe(`${app.url}/`);
  });
});

describe('Sign in with Slack', () => {
  it('makes the Slack user the same Deskmate user: the bot then acts for them', async () => {
    const agent = await createUserWithPassword(db(), { role: 'agent', email: 'sam@slack-corp.com' });
    const flow = await begin('slack');
    slack.nextToken = {
      claims: {
        iss: 'https://slack.com',
        aud: CLIENT_ID,
        sub: 'U0SAM123',
        nonce: flow.nonce,
        email: 'sam@slack-corp.com',
        email_verified: true,
        'https://slack.com/user_id': 'U0SAM123',
        'https://slack.com/team_id': 'T0CORP',
      },
    };
    expect((await flow.finish()).location).toBe(`${app.url}/`);
    const [identity] = await db()
      .select()
      .from(userIdentities)
      .where(and(eq(userIdentities.provider, 'slack'), eq(userIdentities.providerUserId, 'U0SAM123')));
    expect(identity).toMatchObject({ userId: agent.id, providerTeamId: 'T0CORP' });
    // The bot resolving the Slack user now finds the agent, not a new requester.
    const resolved = await resolveChatIdentity(
      app.runtime.services,
      { provider: 'slack', providerUserId: 'U0SAM123', providerTeamId: 'T0CORP' },
      systemActor,
    );
    expect(resolved).toMatchObject({ created: false, user: { id: agent.id } });
  });
});

describe('the providers API', () => {
  it('asks which provider when there are several, and refuses unknown ones', async () => {
    const browser = new TestBrowser('application/json');
    const unnamed = await browser.request(`${app.url}/api/auth/oidc/login`);
    expect(unnamed.status).toBe(400);
    expect(JSON.parse(unnamed.text).error.message).toMatch(/provider=/);
    const unknown = await browser.request(`${app.url}/api/auth/oidc/login?provider=nope`);
    expect(unknown.status).toBe(404);
    expect(reasonOf(unknown)).toBe('unknown_provider');
    const page = await new TestBrowser().request(`${app.url}/api/auth/oidc/login?provider=nope`);
    expect(page.location).toBe(`${app.url}/login?sso_error=unknown_provider`);
    const offsite = await browser.request(`${app.url}/api/auth/oidc/login?provider=tiny&next=//evil.example`);
    expect(offsite.status).toBe(400);
  });

  it('validates providers: https issuers, a tenant for Entra, the environment’s id reserved, admins only', async () => {
    const post = (body: Record<string, unknown>) =>
      call(app, 'POST', '/admin/sso/providers', { cookie: adminCookie, body });
    const base = { kind: 'oidc', displayName: 'X', clientId: 'c' };
    expect((await post({ ...base, id: 'plain', issuer: 'http://idp.example.com' })).body).toMatchObject({
      error: { code: 'validation_failed', message: expect.stringMatching(/issuer/) },
    });
    expect((await post({ id: 'ms', kind: 'entra', displayName: 'X', clientId: 'c' })).status).toBe(400);
    expect((await post({ ...base, id: 'default', issuer: 'https://idp.example.com' })).status).toBe(409);
    expect((await post({ ...base, id: 'tiny', issuer: 'https://idp.example.com' })).status).toBe(409);
    expect((await post({ ...base, id: 'Bad Id', issuer: 'https://idp.example.com' })).status).toBe(400);
    const requester = await createUserWithPassword(db(), { role: 'requester' });
    expect((await call(app, 'GET', '/admin/sso', { cookie: sessionCookie(app, requester) })).status).toBe(403);
    // The secret is stored encrypted and never shown.
    const settings = await call<{ providers: { id: string; hasClientSecret: boolean }[] }>(app, 'GET', '/admin/sso', {
      cookie: adminCookie,
    });
    expect(settings.body.providers.find((p) => p.id === 'tiny')).toMatchObject({ hasClientSecret: true });
    expect(JSON.stringify(settings.body)).not.toContain('tiny-secret');
  });

  it('tests a provider: discovery, keys and the request a sign-in would send, or why it failed', async () => {
    const ok = await call<Record<string, unknown>>(app, 'POST', '/admin/sso/providers/tiny/test', {
      cookie: adminCookie,
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, issuer: generic.issuer, pkceS256: true, signingKeys: expect.any(Array) });
    const dryRun = new URL(ok.body.authorizationUrl as string);
    expect(dryRun.searchParams.get('redirect_uri')).toBe(`${app.url}/api/auth/oidc/callback`);
    expect(dryRun.searchParams.get('code_challenge_method')).toBe('S256');
    const created = await call(app, 'POST', '/admin/sso/providers', {
      cookie: adminCookie,
      body: { id: 'down', kind: 'oidc', displayName: 'Down', issuer: 'http://127.0.0.1:9', clientId: 'c' },
    });
    expect(created.status).toBe(201);
    const down = await call(app, 'POST', '/admin/sso/providers/down/test', { cookie: adminCookie });
    expect(down.status).toBe(200);
    expect(down.body).toMatchObject({ ok: false, error: expect.stringMatching(/^Discovery failed/) });
    expect((await call(app, 'DELETE', '/admin/sso/providers/down', { cookie: adminCookie })).status).toBe(204);
  });
});
