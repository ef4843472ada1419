import { expect, test } from '@playwright/test';
import { apiSignIn, signIn } from './helpers.js';

test('a claim by someone else shows on the open ticket and in the queue without a reload', async ({
  page,
  playwright,
  baseURL,
}) => {
  await signIn(page, 'agent@deskmate.local');
  await page.goto('/tickets/IT-1009');
  await expect(page.getByTestId('assignee')).toHaveText('Unassigned');
  await expect(page.locator('.live-live')).toBeVisible();

  const other = await playwright.request.newContext({ baseURL });
  await apiSignIn(other, baseURL!, 'admin@deskmate.local');
  const claim = await other.post('/api/tickets/IT-1009/claim', { headers: { origin: baseURL! } });
  expect(claim.status()).toBe(200);

  await expect(page.getByTestId('assignee')).toHaveText('Assigned to Ada Admin', { timeout: 10_000 });
  await expect(page.getByRole('button', { name: /^Claim/ })).toHaveCount(0);

  // An open queue drops a ticket someone else claims, the same way.
  await page.getByRole('link', { name: 'Unassigned', exact: true }).click();
  await expect(page.getByRole('link', { name: /IT-1008/ })).toBeVisible();
  await expect(page.getByRole('link', { name: /IT-1009/ })).toHaveCount(0);
  expect((await other.post('/api/tickets/IT-1008/claim', { headers: { origin: baseURL! } })).status()).toBe(200);
  await expect(page.getByRole('link', { name: /IT-1008/ })).toHaveCount(0, { timeout: 10_000 });
  await other.dispose();
});
