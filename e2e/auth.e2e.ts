import { expect, test } from '@playwright/test';
import { generate } from 'otplib';
import { apiSignIn, captureScreen, PASSWORD, signIn, watchErrors } from './helpers.js';

const code = (secret: string, atMs: number) => generate({ secret, epoch: Math.floor(atMs / 1000) });

test('an agent enrols TOTP, signs in again with a computed code, then claims, replies, notes and resolves a ticket', async ({
  page,
  request,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const errors = watchErrors(page);
  await signIn(page, 'agent2@deskmate.local');
  await expect(page.getByRole('heading', { name: 'Mine' })).toBeVisible();

  // Active sessions: this browser is "This device"; another sign-in (an API client) is listed too,
  // and signing it out from here ends it.
  await apiSignIn(request, baseURL!, 'agent2@deskmate.local');
  await page.goto('/account');
  const sessions = page.getByRole('list', { name: 'Active sessions' }).getByRole('listitem');
  await expect(sessions).toHaveCount(2);
  await expect(sessions.filter({ hasText: 'This device' })).toHaveCount(1);
  await sessions
    .filter({ hasNotText: 'This device' })
    .getByRole('button', { name: /^Sign out/ })
    .click();
  await expect(sessions).toHaveCount(1);
  expect((await request.get('/api/auth/me')).status()).toBe(401);

  // Enrol: QR code and secret, a first code, then the recovery codes.
  await page.getByRole('button', { name: 'Use an authenticator app' }).click();
  await page.getByRole('button', { name: 'Set up authenticator app' }).click();
  await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible();
  await page.getByText('Cannot scan? Type this key instead').click();
  const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  await captureScreen(page, 'totp-enrol');
  const enrolledAt = Date.now();
  await page.getByLabel('Six-digit code').fill(await code(secret, enrolledAt));
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await expect(page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')).toHaveCount(10);
  await captureScreen(page, 'totp-recovery-codes');
  await page.getByRole('button', { name: 'I have saved them' }).click();
  await expect(page.getByTestId('2fa-status')).toContainText('on');

  // Sign out, and back in with the password and a code of the next time step (codes are single-use).
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Email').fill('agent2@deskmate.local');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Two-factor sign-in' })).toBeVisible();
  await captureScreen(page, 'login-2fa');
  await page.getByLabel('Code', { exact: true }).fill(await code(secret, enrolledAt + 30_000));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('heading', { name: 'Mine' })).toBeVisible();

  // Claim an unassigned ticket from its page.
  await page.goto('/queue/unassigned');
  await page.getByRole('link', { name: /IT-1012/ }).click();
  await expect(page.getByRole('heading', { name: /MFA prompts not arriving/ })).toBeVisible();
  await page.getByRole('button', { name: /^Claim/ }).click();
  await expect(page.getByTestId('assignee')).toHaveText('Assigned to you');

  // A public reply, then an internal note: they look different and say so.
  const composer = page.getByRole('textbox', { name: /Reply to Bob Requester/ });
  await composer.fill('Hi Bob, I have reset your MFA registration. Please sign in again and re-enrol.');
  await page.getByRole('button', { name: 'Send reply' }).click();
  const reply = page.locator('[data-visibility="public"]', { hasText: 'reset your MFA registration' });
  await expect(reply).toBeVisible();
  await expect(reply.getByText('Public reply')).toBeVisible();

  await page.getByRole('button', { name: /Internal note/ }).click();
  await page
    .getByRole('textbox', { name: /Internal note/ })
    .fill('Old phone was wiped; verified identity by video call.');
  await page.getByRole('button', { name: 'Add note' }).click();
  const note = page.locator('[data-visibility="internal"]', { hasText: 'verified identity by video call' });
  await expect(note).toBeVisible();
  await expect(note.getByText('Internal note')).toBeVisible();

  await page.getByRole('button', { name: 'Resolve' }).click();
  await expect(page.locator('.ticket-header .badge-status-resolved')).toHaveText('Resolved');
  await expect(page.getByRole('button', { name: 'Reopen' })).toBeVisible();
  await captureScreen(page, 'ticket-resolved');
  expect(errors).toEqual([]);
});

test('an expired session returns to the sign-in form and back to the same page after', async ({ page, context }) => {
  await signIn(page, 'agent@deskmate.local');
  await page.goto('/queue/all');
  await expect(page.getByRole('link', { name: /IT-1001/ })).toBeVisible();
  await context.clearCookies();
  await page.getByRole('link', { name: 'Unassigned', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByText('Your session has ended')).toBeVisible();
  await page.getByLabel('Email').fill('agent@deskmate.local');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/queue\/unassigned/);
  await expect(page.getByRole('heading', { name: 'Unassigned' })).toBeVisible();
});
