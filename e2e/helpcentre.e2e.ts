import { expect, test } from '@playwright/test';
import { captureScreen, signIn, watchErrors } from './helpers.js';

const QUESTION = 'vpn keeps disconnecting when I work from home';

test('a requester browses the help centre, searches, reads an article, says it did not help and files the question as a ticket', async ({
  page,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const errors = watchErrors(page);
  await signIn(page, 'alice@deskmate.local');
  await expect(page).toHaveURL(/\/portal$/);

  // Browse: the topics, then one topic's articles.
  await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Help articles' }).click();
  await expect(page).toHaveURL(/\/portal\/kb$/);
  await expect(page.getByRole('heading', { name: 'Browse by topic' })).toBeVisible();
  await captureScreen(page, 'help-centre');
  await page.getByRole('link', { name: 'Network & Wi-Fi' }).click();
  await expect(page).toHaveURL(/\/portal\/kb\/category\/network$/);
  await expect(page.getByRole('heading', { name: 'Network & Wi-Fi', level: 1 })).toBeVisible();
  const topic = page.getByRole('list', { name: 'Network & Wi-Fi articles' });
  await expect(topic.getByRole('link', { name: 'Connect to the VPN and fix dropped connections' })).toBeVisible();
  await captureScreen(page, 'help-centre-topic');

  // Search, in the person's own words.
  await page.getByRole('link', { name: 'Help articles' }).first().click();
  await page.getByRole('searchbox', { name: 'Search help articles' }).fill(QUESTION);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/\/portal\/kb\?q=/);
  await expect(page.getByRole('heading', { name: new RegExp(`articles? for “${QUESTION}”`) })).toBeVisible();
  await captureScreen(page, 'help-centre-search');
  const first = page.locator('.articles li').first().getByRole('link');
  const title = (await first.textContent())!.trim();
  expect(title).toMatch(/VPN/);
  await first.click();

  // The article page: the article, "Did this help?" No, then "Still need help?".
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  const slug = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
  await expect(page.getByRole('heading', { name: 'When to file a ticket' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Did this help?' })).toBeVisible();
  await captureScreen(page, 'help-centre-article');
  await page.getByRole('button', { name: 'No', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Sorry it didn’t help' })).toBeVisible();
  // The answer was recorded for Alice: a second one today is acknowledged and not counted.
  const again = await page.request.post(`/api/kb/articles/${slug}/feedback`, {
    data: { helpful: false },
    headers: { origin: baseURL! },
  });
  expect(await again.json()).toEqual({ recorded: false });
  await page.getByRole('button', { name: 'Still need help? Ask IT' }).click();

  // The wizard starts from the question: no articles offered again, straight to the category.
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.locator('#wizard-question')).toHaveAttribute('data-step', 'category');
  await expect(page.locator('.wizard .articles')).toHaveCount(0);
  await expect(page.getByText(`We started your request from your question, “${QUESTION}”`)).toBeVisible();
  await captureScreen(page, 'help-centre-still-need-help');
  // Back shows the question filled in as the description; continuing keeps it.
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.locator('#wizard-question')).toHaveAttribute('data-step', 'describe');
  await expect(page.getByRole('textbox', { name: 'Your problem' })).toHaveValue(QUESTION);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.locator('#wizard-question')).toHaveAttribute('data-step', /^(suggest|category)$/);
  // Described again, so articles may be offered again: the person can still go on.
  if ((await page.locator('#wizard-question').getAttribute('data-step')) === 'suggest')
    await page.getByRole('button', { name: 'I still need help' }).click();
  await expect(page.locator('#wizard-question')).toHaveAttribute('data-step', 'category');
  await page.getByRole('button', { name: 'Network & Wi-Fi' }).click();
  await expect(page.locator('#wizard-question')).toHaveAttribute('data-step', 'impact');
  await page.getByRole('radio', { name: 'Just me' }).check();
  await page.getByRole('radio', { name: "It's slowing me down" }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.locator('#wizard-question')).toHaveAttribute('data-step', 'details');
  await page.getByRole('button', { name: /skip/i }).click();
  await expect(page.locator('#wizard-question')).toHaveAttribute('data-step', 'summary');
  // The question carried over is the ticket's description.
  const summary = page.locator('.summary');
  await expect(summary.locator('dt', { hasText: 'Description' }).locator('+ dd')).toHaveText(QUESTION);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.locator('#wizard-question')).toHaveAttribute('data-step', 'created');
  const key = /IT-\d+/.exec((await page.locator('#wizard-question').textContent()) ?? '')?.[0];
  expect(key).toBeTruthy();
  await page.getByRole('link', { name: `View ${key}` }).click();
  await expect(page.locator('.description')).toHaveText(QUESTION);
  // Coming back to Get help starts a new, empty request: the question was used once.
  await page.getByRole('link', { name: 'Get help' }).click();
  await expect(page.locator('#wizard-question')).toHaveAttribute('data-step', 'describe');
  expect(await page.getByRole('textbox', { name: 'Your problem' }).inputValue()).toBe('');
  expect(errors).toEqual([]);
});
