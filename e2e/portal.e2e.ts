import { expect, test, type Page } from '@playwright/test';
import { captureScreen, signIn, watchErrors } from './helpers.js';

const step = (page: Page) => page.locator('#wizard-question').getAttribute('data-step');

test('a requester files a ticket through the portal wizard and finds it under My tickets', async ({ page }) => {
  test.setTimeout(60_000);
  const errors = watchErrors(page);
  await signIn(page, 'alice@deskmate.local');
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.locator('#wizard-question')).toHaveAttribute('data-step', 'describe');
  await captureScreen(page, 'portal-wizard');

  await page
    .getByRole('textbox', { name: 'Your problem' })
    .fill('The projector in meeting room Birch shows no signal from my laptop over HDMI');
  await page.getByRole('button', { name: 'Continue' }).click();

  // The same wizard as in chat: answer whatever it asks until the ticket exists.
  for (let i = 0; i < 12; i++) {
    await expect(page.locator('.wizard')).toHaveAttribute('aria-busy', 'false');
    const current = await step(page);
    if (current === 'created') break;
    if (current === 'suggest') {
      await captureScreen(page, 'portal-suggestions');
      await page.getByRole('button', { name: 'I still need help' }).click();
    } else if (current === 'category') {
      await page.getByRole('button', { name: 'Hardware & devices' }).click();
    } else if (current === 'impact') {
      await page.getByRole('radio', { name: 'Just me' }).check();
      await page.getByRole('radio', { name: "I can't work" }).check();
      await page.getByRole('button', { name: 'Continue' }).click();
    } else if (current === 'details') {
      await page.getByRole('textbox', { name: 'Details (optional)' }).fill('Tried two cables. Other laptops work.');
      await page.getByRole('button', { name: 'Continue' }).click();
    } else if (current === 'summary') {
      await expect(page.getByText('The projector in meeting room Birch', { exact: false }).first()).toBeVisible();
      await captureScreen(page, 'portal-summary');
      await page.getByRole('button', { name: 'Confirm' }).click();
    } else {
      throw new Error(`unexpected wizard step ${current}`);
    }
    await page.waitForFunction(
      (before) => document.querySelector('#wizard-question')?.getAttribute('data-step') !== before,
      current,
    );
  }
  await expect(page.locator('#wizard-question')).toHaveAttribute('data-step', 'created');
  const done = (await page.locator('#wizard-question').textContent()) ?? '';
  const key = /IT-\d+/.exec(done)?.[0];
  expect(key, done).toBeTruthy();

  await page.getByRole('link', { name: `View ${key}` }).click();
  await expect(page.getByRole('heading', { name: new RegExp(key!) })).toBeVisible();
  await captureScreen(page, 'portal-ticket');

  await page.getByRole('link', { name: 'My tickets' }).click();
  await expect(page.getByRole('link', { name: new RegExp(key!) })).toBeVisible();
  await captureScreen(page, 'portal-my-tickets');
  expect(errors).toEqual([]);
});
