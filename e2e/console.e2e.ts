import { mkdirSync } from 'node:fs';
import { expect, test } from '@playwright/test';

mkdirSync('e2e/screenshots', { recursive: true });

test('the console page loads and reports a healthy server', async ({ page, request }) => {
  const health = await request.get('/healthz');
  expect(health.status()).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok', database: 'up' });

  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Deskmate' })).toBeVisible();
  await expect(page.getByTestId('health')).toHaveText(/Server ok, database up/);
  await page.screenshot({ path: 'e2e/screenshots/console-placeholder.png', fullPage: true });
  expect(errors).toEqual([]);
});
