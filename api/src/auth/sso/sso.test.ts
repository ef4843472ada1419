import { and, eq } from 'drizzle-orm';
import { generate } from 'otplib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditEvents, authTokens, groupMembers, userSessions, users } from '../../db/schema.js';
import { ssoIdentities } from '../../db/schema-sso.js';
import { startTestApp, type TestApp } from '../../test/app.js';
import { call, createUserWithPassword, loginAs, sessionCookie, TEST_PASSWORD } from '../../test/auth.js';
import { TestBrowser, type Page } from '../../test/browser.js';
import { createGroup, createUser } from '../../test/factories.js';
import { startTestIdp, type TestIdp } from '../../test/idp.js';
import { encrypt, sha256 } from '../../security/crypto.js';

// Deskmate against a real OpenID provider (oidc-provider) on loopback, configured like an
// install: OIDC_* variables, the redirect URI registered with the provider, browsers that follow
// redirects and post the provider's sign-in and consent forms.
let idp: TestIdp;
let app: TestApp;
let admin: Awaited<ReturnType<typeof createUserWithPassword>>;
let adminCookie: string;
const CLIENT = { clientId: 'deskmate-test', clientSecret: 'test-client-secret-that-is-long-enough' };

beforeAll(async () => {
  idp = await startTestIdp();
  app = await startTestApp({
    env: {
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: CLIENT.clientId,
      OIDC_CLIENT_SECRET: CLIENT.clientSecret,
      OIDC_DISPLAY_NAME: 'Test IdP',
      OIDC_ALLOWED_DOMAINS: 'example.com',
    },
  });
  idp.addClient({ ...CLIENT, redirectUri: `${app.url}/api/auth/oidc/callback` });
  admin = await createUserWithPassword(app.runtime.services.db, { role: 'admin', email: 'root@corp.test' });
  adminCookie = sessionCookie(app, admin);
});

afterAll(async () => {
  await app?.stop();
  await idp?.stop();
});

beforeEach(async () => {
  // Each test starts from the default policy and provider options.
  const res = await call(app, 'PUT', '/admin/sso/policy', { cookie: adminCookie, body: {} });
  expect(res.status).toBe(200);
  await call(app, 'PUT', '/admin/sso/env-provider', { cookie: adminCookie, body: { options: {} } });
});

const db = () => app.runtime.services.db;
const isCallback = (url: string) => url.startsWith(`${app.url}/api/auth/oidc/callback`);

/** Start at Deskmate, sign in at the provider (and allow access), stop at the redirect back to Deskmate. */
async function atProvider(
  browser: TestBrowser,
  account: string,
  options: { mfa?: boolean; query?: string } = {},
): Promise<{ authorize: URL; callback: string }> {
  const start = await browser.request(`${app.url}/api/auth/oidc/login${options.query ?? ''}`);
  expect(start.status).toBe(302);
  const authorize = new URL(start.location!);
  let page: Page = await browser.follow(authorize.href, isCallback);
  expect(page.text).toContain('Test IdP sign-in');
  page = await browser.submit(
    page,
    { login: account, password: 'anything', ...(options.mfa ? { mfa: 'yes' } : {}) },
    isCallback,
  );
  if (!(page.location && isCallback(page.location))) {
    expect(page.text).toContain('Allow access');
    page = await browser.submit(page, {}, isCallback);
  }
  expect(page.location && isCallback(page.location)).toBe(true);
  return { authorize, callback: page.location! };
}

/** The whole sign-in; `json`: the callback answered as to a script (errors as JSON). */
async function ssoSignIn(browser: TestBrowser, account: string, options: { mfa?: boolean; json?: boolean } = {}) {
  const { callback, authorize } = await atProvider(browser, account, options);
  const done = await browser.request(callback, options.json ? { accept: 'application/json' } : {});
  return { done, callback, authorize };
}

const me = (browser: TestBrowser) =>
  call<{ user: { id: string; email: string; role: string; invited: boolean } }>(app, 'GET', '/auth/me', {
    cookie: browser.cookieHeader(),
  });

async function auditOf(action: string, entityId?: string) {
  return db()
    .select()
    .from(auditEvents)
    .where(
      entityId
        ? and(eq(auditEvents.action, action), eq(auditEvents.entityId, entityId))
        : eq(auditEvents.action, action),
    );
}

describe('single sign-on with OpenID Connect', () => {
  it('lists the provider from the environment on the sign-in page', async () => {
    const res = await call(app, 'GET', '/auth/oidc/providers');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      providers: [
        { id: 'default', displayName: 'Test IdP', kind: 'oidc', loginUrl: '/api/auth/oidc/login?provider=default' },
      ],
    });
  });

  it('sends the browser to the provider with the code flow, S256 PKCE, state, nonce and the registered redirect URI', async () => {
    const browser = new TestBrowser();
    const start = await browser.request(`${app.url}/api/auth/oidc/login`);
    expect(start.status).toBe(302);
    const url = new URL(start.location!);
    expect(url.origin).toBe(idp.issuer);
    const p = url.searchParams;
    expect(p.get('response_type')).toBe('code');
    expect(p.get('client_id')).toBe(CLIENT.clientId);
    expect(p.get('redirect_uri')).toBe(`${app.url}/api/auth/oidc/callback`);
    expect(p.get('scope')).toBe('openid email profile');
    expect(p.get('code_challenge_method')).toBe('S256');
    expect(p.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(p.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(p.get('nonce')).toMatch(/^[\w-]{20,}$/);
    // The browser is bound to the sign-in by an httpOnly cookie for the callback only.
    const cookie = start.headers.getSetCookie().find((c) => c.startsWith('deskmate_sso='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Path=\/api\/auth\/oidc/);
    expect(cookie).toMatch(/SameSite=Lax/i);
  });

  it('signs in a new person of an allowed domain as a requester, audited with provider and subject; logout ends it', async () => {
    idp.accounts.set('ada-sub', { email: 'ada@example.com', email_verified: true, name: 'Ada Lovelace' });
    const browser = new TestBrowser();
    const { done } = await ssoSignIn(browser, 'ada-sub');
    expect(done.status).toBe(302);
    expect(done.location).toBe(`${app.url}/`);
    const who = await me(browser);
    expect(who.status).toBe(200);
    expect(who.body.user).toMatchObject({ email: 'ada@example.com', role: 'requester', invited: false });
    const [user] = await db().select().from(users).where(eq(users.email, 'ada@example.com'));
    expect(user).toMatchObject({ name: 'Ada Lovelace', role: 'requester', passwordHash: null });
    const [identity] = await db().select().from(ssoIdentities).where(eq(ssoIdentities.userId, user!.id));
    expect(identity).toMatchObject({ providerId: 'default', issuer: idp.issuer, subject: 'ada-sub' });
    const [login] = await auditOf('auth.login', user!.id);
    expect(login!.after).toMatchObject({
      method: 'sso',
      provider: 'default',
      subject: 'ada-sub',
      secondFactor: 'none',
    });
    expect(await auditOf('user.created_from_sso', user!.id)).toHaveLength(1);
    // Same sessions as a password sign-in: one row, and logout ends it on the server.
    const sessions = await db().select().from(userSessions).where(eq(userSessions.userId, user!.id));
    expect(sessions).toHaveLength(1);
    const out = await call(app, 'POST', '/auth/logout', { cookie: browser.cookieHeader() });
    expect(out.status).toBe(204);
    const [ended] = await db().select().from(userSessions).where(eq(userSessions.userId, user!.id));
    expect(ended!.revokedAt).not.toBeNull();

    // The next sign-in finds the same user by provider and subject, even with a new email.
    idp.accounts.set('ada-sub', { email: 'ada.l@example.com', email_verified: true, name: 'Ada Lovelace' });
    const again = new TestBrowser();
    expect((await ssoSignIn(again, 'ada-sub')).done.location).toBe(`${app.url}/`);
    expect((await me(again)).body.user.id).toBe(user!.id);
  });

  it('links an existing user by verified email and applies the claim mapping to role and groups at each sign-in', async () => {
    const agent = await createUserWithPassword(db(), { role: 'agent', email: 'grace@corp.test' });
    const network = await createGroup(db(), { name: 'Network' });
    const unrelated = await createGroup(db(), { name: 'Facilities', members: [agent.id] });
    const mapping = {
      roleClaim: 'roles',
      roles: [
        { value: 'Deskmate.Admin', role: 'admin' },
        { value: 'Deskmate.Agent', role: 'agent' },
      ],
      groupClaim: 'groups',
      groups: [{ value: 'grp-network', groupId: network.id }],
    };
    const saved = await call(app, 'PUT', '/admin/sso/env-provider', {
      cookie: adminCookie,
      body: { options: { claimMapping: mapping } },
    });
    expect(saved.status).toBe(200);
    // corp.test is not an allowed domain: linking by a verified email does not need it.
    idp.accounts.set('grace-sub', {
      email: 'Grace@corp.test',
      email_verified: true,
      roles: ['Deskmate.Admin', 'Other'],
      groups: ['grp-network'],
    });
    const browser = new TestBrowser();
    expect((await ssoSignIn(browser, 'grace-sub')).done.location).toBe(`${app.url}/`);
    const first = await me(browser);
    expect(first.body.user).toMatchObject({ id: agent.id, role: 'admin' });
    const groupsOf = async () =>
      (await db().select().from(groupMembers).where(eq(groupMembers.userId, agent.id))).map((m) => m.groupId).sort();
    expect(await groupsOf()).toEqual([network.id, unrelated.id].sort());
    const [linked] = await auditOf('user.sso_linked', agent.id);
    expect(linked!.after).toMatchObject({ provider: 'default', subject: 'grace-sub', matchedBy: 'email' });

    // Removed from the admin role and the group at the provider: the next sign-in follows, and the
    // role change signs out the earlier session (token version), like any role change.
    idp.accounts.set('grace-sub', {
      email: 'grace@corp.test',
      email_verified: true,
      roles: ['Deskmate.Agent'],
      groups: [],
    });
    const later = new TestBrowser();
    await ssoSignIn(later, 'grace-sub');
    expect((await me(later)).body.user.role).toBe('agent');
    expect(await groupsOf()).toEqual([unrelated.id]);
    expect((await me(browser)).status).toBe(401);
    const changes = await auditOf('user.role_changed', agent.id);
    expect(changes.map((c) => (c.after as { role: string }).role)).toEqual(['admin', 'agent']);
  });

  it('refuses an email the provider did not verify, and a new person whose domain is not allowed', async () => {
    idp.accounts.set('eve-sub', { email: 'root@corp.test', email_verified: false });
    const eve = await ssoSignIn(new TestBrowser(), 'eve-sub', { json: true });
    expect(eve.done.status).toBe(403);
    expect(JSON.parse(eve.done.text)).toMatchObject({
      error: { code: 'forbidden', details: { reason: 'unverified_email' } },
    });
    expect(await db().select().from(ssoIdentities).where(eq(ssoIdentities.subject, 'eve-sub'))).toHaveLength(0);

    idp.accounts.set('mallory-sub', { email: 'mallory@elsewhere.test', email_verified: true });
    const mallory = await ssoSignIn(new TestBrowser(), 'mallory-sub');
    // A browser is sent back to the sign-in page, which explains.
    expect(mallory.done.status).toBe(302);
    expect(mallory.done.location).toBe(`${app.url}/login?sso_error=domain_not_allowed`);
    expect(await db().select().from(users).where(eq(users.email, 'mallory@elsewhere.test'))).toHaveLength(0);
    const failed = (await auditOf('auth.sso_failed')).map((a) => a.after as { reason: string });
    expect(failed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: 'unverified_email', provider: 'default' }),
        expect.objectContaining({ reason: 'domain_not_allowed', provider: 'default' }),
      ]),
    );
  });

  it('refuses a deactivated user even though the provider accepts them', async () => {
    await createUser(db(), { email: 'gone@example.com', active: false });
    idp.accounts.set('gone-sub', { email: 'gone@example.com', email_verified: true });
    const browser = new TestBrowser();
    const { done } = await ssoSignIn(browser, 'gone-sub', { json: true });
    expect(done.status).toBe(403);
    expect(JSON.parse(done.text).error.details.reason).toBe('deactivated');
    expect(browser.cookies.has('deskmate_session')).toBe(false);
  });

  it('refuses a callback with a state this browser did not start, and one from another browser', async () => {
    idp.accounts.set('sam-sub', { email: 'sam@example.com', email_verified: true });
    const browser = new TestBrowser();
    const { callback } = await atProvider(browser, 'sam-sub');
    const forged = new URL(callback);
    forged.searchParams.set('state', 'a-state-nobody-issued-0123456789');
    const wrong = await browser.request(forged.href, { accept: 'application/json' });
    expect(wrong.status).toBe(400);
    expect(JSON.parse(wrong.text).error.details.reason).toBe('state');
    // The right URL in another browser (login CSRF): no binding cookie, refused.
    const other = new TestBrowser();
    const stolen = await other.request(callback, { accept: 'application/json' });
    expect(stolen.status).toBe(400);
    expect(JSON.parse(stolen.text).error.details.reason).toBe('state');
    // Neither attempt used up the sign-in: its own browser finishes it.
    const done = await browser.request(callback);
    expect(done.location).toBe(`${app.url}/`);
  });

  it('refuses a replayed authorization code', async () => {
    idp.accounts.set('rita-sub', { email: 'rita@example.com', email_verified: true });
    const browser = new TestBrowser();
    const { callback } = await atProvider(browser, 'rita-sub');
    const binding = browser.cookies.get('deskmate_sso')!;
    expect((await browser.request(callback)).location).toBe(`${app.url}/`);
    // The same callback again, even with the binding cookie it had: its state is used up.
    browser.cookies.set('deskmate_sso', binding);
    const replay = await browser.request(callback, { accept: 'application/json' });
    expect(replay.status).toBe(400);
    expect(JSON.parse(replay.text).error.details.reason).toBe('expired');
    // The old code under a fresh sign-in's state: the provider refuses to redeem it twice.
    const fresh = await browser.request(`${app.url}/api/auth/oidc/login`);
    const state = new URL(fresh.location!).searchParams.get('state')!;
    const spliced = new URL(callback);
    spliced.searchParams.set('state', state);
    const reused = await browser.request(spliced.href, { accept: 'application/json' });
    expect(reused.status).toBe(401);
    expect(JSON.parse(reused.text).error.details.reason).toBe('provider');
    const [failed] = (await auditOf('auth.sso_failed')).filter(
      (a) => (a.after as { reason: string }).reason === 'provider',
    );
    expect((failed!.after as { hint: string }).hint).toMatch(/invalid_grant/);
  });
});

describe('the single sign-on policy', () => {
  async function readyAdmin(email: string) {
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    return createUserWithPassword(db(), {
      role: 'admin',
      email,
      twoFactorMethod: 'totp',
      totpSecretEnc: encrypt(secret, app.runtime.services.secrets.encryptionKey),
    });
  }

  it('refuses a policy that would lock every admin out, and says so', async () => {
    const res = await call(app, 'PUT', '/admin/sso/policy', {
      cookie: adminCookie,
      body: { requireSsoRoles: ['agent', 'admin'], breakGlassAdminIds: [admin.id] },
    });
    // `admin` has no second factor: not a break-glass admin.
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      error: { code: 'conflict', message: expect.stringMatching(/lock every admin out/) },
    });
  });

  it('refuses password sign-in to roles that must use SSO, except the break-glass admin with a second factor', async () => {
    const glass = await readyAdmin('glass@corp.test');
    const otherAdmin = await createUserWithPassword(db(), { role: 'admin', email: 'other-admin@corp.test' });
    const agent = await createUserWithPassword(db(), { role: 'agent', email: 'pat@corp.test' });
    const requester = await createUserWithPassword(db(), { role: 'requester', email: 'rob@corp.test' });
    const saved = await call(app, 'PUT', '/admin/sso/policy', {
      cookie: adminCookie,
      body: { requireSsoRoles: ['agent', 'admin'], breakGlassAdminIds: [glass.id] },
    });
    expect(saved.status).toBe(200);

    const refused = await loginAs(app, agent.email);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'forbidden', details: { reason: 'sso_required' } } });
    expect(refused.cookie).toBeUndefined();
    expect((await loginAs(app, otherAdmin.email)).status).toBe(403);
    // A wrong password says nothing about the policy.
    expect((await loginAs(app, agent.email, 'wrong password')).body).toMatchObject({
      error: { code: 'unauthenticated' },
    });
    expect((await loginAs(app, requester.email)).status).toBe(200);
    const breakGlass = await loginAs(app, glass.email, TEST_PASSWORD);
    expect(breakGlass.status).toBe(200);
    expect(breakGlass.body).toEqual({ twoFactorRequired: true, method: 'totp' });
    expect(await auditOf('auth.password_refused', agent.id)).toHaveLength(1);

    const settings = await call<{ breakGlass: string; admins: { id: string; chosen: boolean; ready: boolean }[] }>(
      app,
      'GET',
      '/admin/sso',
      { cookie: adminCookie },
    );
    expect(settings.body.breakGlass).toContain(glass.name);
    expect(settings.body.admins.find((a) => a.id === glass.id)).toMatchObject({ chosen: true, ready: true });
    expect(settings.body.admins.find((a) => a.id === otherAdmin.id)).toMatchObject({ chosen: false, ready: false });

    // Everyone: requesters too.
    await call(app, 'PUT', '/admin/sso/policy', {
      cookie: adminCookie,
      body: { requireSsoRoles: ['requester', 'agent', 'admin'], breakGlassAdminIds: [glass.id] },
    });
    expect((await loginAs(app, requester.email)).status).toBe(403);
  });

  it('lets any admin break the glass (password then 2FA) once no chosen one can, and refuses invitations to SSO roles', async () => {
    const glass = await readyAdmin('glass2@corp.test');
    const spare = await createUserWithPassword(db(), { role: 'admin', email: 'spare@corp.test' });
    await call(app, 'PUT', '/admin/sso/policy', {
      cookie: adminCookie,
      body: { requireSsoRoles: ['agent', 'admin'], breakGlassAdminIds: [glass.id] },
    });
    expect((await loginAs(app, spare.email)).status).toBe(403);
    // The only break-glass admin leaves: someone must still be able to sign in without the provider.
    await db().update(users).set({ active: false }).where(eq(users.id, glass.id));
    const fallback = await loginAs(app, spare.email);
    expect(fallback.status).toBe(200);
    // With no second factor yet, the password alone is not enough: enrol first.
    expect(fallback.body).toEqual({ twoFactorRequired: true, method: 'enroll' });

    const invited = await createUser(db(), { role: 'agent', email: 'newbie@corp.test' });
    const token = 'invite-token-for-an-sso-only-agent';
    await db()
      .insert(authTokens)
      .values({
        userId: invited.id,
        purpose: 'invite',
        tokenHash: sha256(token),
        expiresAt: new Date(Date.now() + 86_400_000),
      });
    const accepted = await call(app, 'POST', '/auth/invite/accept', {
      body: { token, password: 'a long and unusual passphrase 42' },
    });
    expect(accepted.status).toBe(403);
    expect(accepted.body).toMatchObject({ error: { details: { reason: 'sso_required' } } });
    const [row] = await db().select().from(authTokens).where(eq(authTokens.userId, invited.id));
    expect(row!.usedAt).toBeNull();
  });

  it('asks Deskmate’s own second factor after SSO, unless the policy trusts the provider’s MFA and it was used', async () => {
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const agent = await createUserWithPassword(db(), {
      role: 'agent',
      email: 'tess@corp.test',
      twoFactorMethod: 'totp',
      totpSecretEnc: encrypt(secret, app.runtime.services.secrets.encryptionKey),
    });
    idp.accounts.set('tess-sub', { email: 'tess@corp.test', email_verified: true });

    // Provider MFA ignored (the default): a half token, the console asks for the TOTP code.
    const first = new TestBrowser();
    const half = await ssoSignIn(first, 'tess-sub', { mfa: true });
    expect(half.done.location).toBe(`${app.url}/login?sso_step=totp`);
    expect((await me(first)).status).toBe(401);
    const verified = await call(app, 'POST', '/auth/2fa/verify', {
      cookie: first.cookieHeader(),
      body: { code: await generate({ secret }) },
    });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ user: { id: agent.id } });
    const [ok] = await auditOf('auth.sso_ok', agent.id);
    expect(ok!.after).toMatchObject({ provider: 'default', subject: 'tess-sub', secondFactor: 'totp' });

    // Trusted: a sign-in the provider made multi-factor is enough; one without MFA is not.
    await call(app, 'PUT', '/admin/sso/policy', { cookie: adminCookie, body: { providerMfa: 'trusted' } });
    const withMfa = new TestBrowser();
    expect((await ssoSignIn(withMfa, 'tess-sub', { mfa: true })).done.location).toBe(`${app.url}/`);
    expect((await me(withMfa)).body.user.id).toBe(agent.id);
    const logins = await auditOf('auth.login', agent.id);
    expect(logins.at(-1)!.after).toMatchObject({ method: 'sso', secondFactor: 'provider' });
    const withoutMfa = new TestBrowser();
    expect((await ssoSignIn(withoutMfa, 'tess-sub')).done.location).toBe(`${app.url}/login?sso_step=totp`);
  });
});
