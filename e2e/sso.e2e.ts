import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { startTestIdp, type TestIdp } from '../api/src/test/idp.js';
import { freePort, repoRoot, waitForHealthy } from '../test/process.js';
import { captureScreen, PASSWORD, watchErrors } from './helpers.js';

// Single sign-on through the real console in Chromium: a real OpenID provider (oidc-provider) on
// loopback, and a Deskmate of its own (the built app, `node dist/cli.js`) configured for it by
// the OIDC_* variables, as an install would be.
let idp: TestIdp;
let deskmate: ChildProcess;
let base: string;
const dataDir = join('e2e', '.data-sso');
const CLIENT = { clientId: 'deskmate-e2e', clientSecret: 'e2e-client-secret-long-enough-to-look-real' };

test.beforeAll(async () => {
  test.setTimeout(90_000);
  idp = await startTestIdp();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  idp.addClient({ ...CLIENT, redirectUri: `${base}/api/auth/oidc/callback` });
  idp.accounts.set('ada', { email: 'ada@example.com', email_verified: true, name: 'Ada Lovelace' });
  idp.accounts.set('agent', { email: 'agent@deskmate.local', email_verified: true, name: 'Agent Smith' });
  rmSync(join(repoRoot, dataDir), { recursive: true, force: true });
  deskmate = spawn(process.execPath, ['dist/cli.js'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      PORT: String(port),
      DESKMATE_DATA_DIR: dataDir,
      DESKMATE_DEMO: 'true',
      LOG_LEVEL: 'error',
      LOG_PRETTY: 'false',
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: CLIENT.clientId,
      OIDC_CLIENT_SECRET: CLIENT.clientSecret,
      OIDC_DISPLAY_NAME: 'Test IdP',
      OIDC_ALLOWED_DOMAINS: 'example.com',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await waitForHealthy(base, 60_000);
});

test.afterAll(async () => {
  if (deskmate && deskmate.exitCode === null) {
    const exited = new Promise((resolve) => deskmate.once('exit', resolve));
    deskmate.kill('SIGTERM');
    await exited;
  }
  await idp?.stop();
});

test('a new person signs in with “Sign in with Test IdP” and lands in the portal as a requester', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(`${base}/login`);
  const button = page.getByRole('link', { name: 'Sign in with Test IdP' });
  await expect(button).toBeVisible();
  await captureScreen(page, 'login-sso');
  await button.click();

  // The provider's own pages: sign in, then allow Deskmate.
  await expect(page.getByRole('heading', { name: 'Test IdP sign-in' })).toBeVisible();
  await page.getByLabel('Account').fill('ada');
  await page.getByLabel('Password').fill('anything');
  await page.getByRole('button', { name: 'Sign in to Test IdP' }).click();
  await page.getByRole('button', { name: 'Allow' }).click();

  await expect(page).toHaveURL(`${base}/portal`);
  const me = await page.request.get(`${base}/api/auth/me`);
  expect(me.status()).toBe(200);
  expect((await me.json()).user).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace', role: 'requester' });
  expect(errors).toEqual([]);
});

test('an agent is matched by verified email and lands in their queue; the admin tests the provider and sees the break-glass rule', async ({
  page,
}) => {
  await page.goto(`${base}/login?next=${encodeURIComponent('/queue/unassigned')}`);
  await page.getByRole('link', { name: 'Sign in with Test IdP' }).click();
  await page.getByLabel('Account').fill('agent');
  await page.getByLabel('Password').fill('anything');
  await page.getByRole('button', { name: 'Sign in to Test IdP' }).click();
  await page.getByRole('button', { name: 'Allow' }).click();
  await expect(page).toHaveURL(`${base}/queue/unassigned`);
  expect((await (await page.request.get(`${base}/api/auth/me`)).json()).user).toMatchObject({
    email: 'agent@deskmate.local',
    role: 'agent',
  });
  const out = await page.request.post(`${base}/api/auth/logout`, { headers: { origin: base } });
  expect(out.status()).toBe(204);
  await page.context().clearCookies();

  // Back from the provider with a second factor due, the sign-in page asks for the code.
  await page.goto(`${base}/login?sso_step=email`);
  await expect(page.getByRole('heading', { name: 'Two-factor sign-in' })).toBeVisible();
  await expect(page.getByText('We emailed a six-digit code to your email address.')).toBeVisible();

  // A refused sign-in comes back to the sign-in page with the reason.
  await page.goto(`${base}/login?sso_error=domain_not_allowed`);
  await expect(page.getByRole('alert')).toContainText(
    'your email domain is not one that gets an account automatically',
  );

  // The admin signs in with a password (no SSO policy yet) and opens the single sign-on page.
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill('admin@deskmate.local');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto(`${base}/admin/sso`);
  await expect(page.getByRole('heading', { name: 'Single sign-on' })).toBeVisible();
  await expect(page.getByTestId('redirect-uri')).toHaveText(`${base}/api/auth/oidc/callback`);
  const card = page.getByRole('region', { name: 'Provider Test IdP' });
  await card.getByRole('button', { name: 'Test' }).click();
  const result = card.getByRole('status', { name: 'Test result' });
  await expect(result).toContainText('Discovery works');
  await expect(result).toContainText(`${idp.issuer}/auth`);
  await expect(page.getByTestId('break-glass')).toContainText('At least one admin can always sign in');
  await captureScreen(page, 'admin-sso');

  // Requiring SSO for admins with no admin ready to break the glass is refused, and said.
  await page
    .getByRole('group', { name: /Require single sign-on/ })
    .getByLabel('Admins')
    .check();
  await page.getByRole('button', { name: 'Save policy' }).click();
  await expect(page.getByRole('alert')).toContainText('lock every admin out');
});
