import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { apiSignIn, PASSWORD, SHOTS, signIn, watchErrors } from './helpers.js';

/** Everyday friction found by trying Deskmate as a new user would (issue 18, items 7-14). */

/** A ticket of Alice's, opened through the API so that no other test's ticket is touched. */
async function openTicket(request: APIRequestContext, baseURL: string, title: string): Promise<string> {
  await apiSignIn(request, baseURL, 'alice@deskmate.local');
  const res = await request.post('/api/tickets', {
    headers: { origin: baseURL },
    data: { title, description: 'Opened by the friction e2e test.' },
  });
  expect(res.status()).toBe(201);
  return ((await res.json()) as { ticket: { key: string } }).ticket.key;
}

/** Fill the sign-in form the page is on (keeping its ?next=). */
async function signInHere(page: Page, email: string): Promise<void> {
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

test('reply and note drafts survive a reload and a new sign-in, are cleared when sent, and a deliberate sign-out deletes them', async ({
  page,
  context,
  playwright,
  baseURL,
}) => {
  test.setTimeout(60_000);
  const errors = watchErrors(page);
  const key = await openTicket(await playwright.request.newContext({ baseURL }), baseURL!, 'Drafts survive');
  await signIn(page, 'agent@deskmate.local');
  await page.goto(`/tickets/${key}`);
  const composer = page.locator('#composer-text');
  const note = page.getByRole('button', { name: /Internal note/ });
  const reply = page.getByRole('button', { name: /^Reply/ });

  await composer.fill('Hello Alice, I am looking at it now.');
  await note.click();
  await expect(composer).toHaveValue(''); // a draft per kind
  await composer.fill('Checked the switch port: fine.');

  await page.reload();
  await expect(page.getByRole('heading', { name: new RegExp(key) })).toBeVisible();
  await reply.click();
  await expect(composer).toHaveValue('Hello Alice, I am looking at it now.');
  await note.click();
  await expect(composer).toHaveValue('Checked the switch port: fine.');

  // The session ends behind the page's back (expiry, revocation): sign in again, back to the ticket.
  await context.clearCookies();
  await page.reload();
  await expect(page).toHaveURL(new RegExp(`/login\\?next=%2Ftickets%2F${key}`));
  await signInHere(page, 'agent@deskmate.local');
  await expect(page).toHaveURL(new RegExp(`/tickets/${key}$`));
  await reply.click();
  await expect(composer).toHaveValue('Hello Alice, I am looking at it now.');

  // Sent: the reply draft is gone, the note draft stays.
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByText('Reply sent')).toBeVisible();
  await expect(composer).toHaveValue('');
  await page.reload();
  await reply.click();
  await expect(composer).toHaveValue('');
  await note.click();
  await expect(composer).toHaveValue('Checked the switch port: fine.');

  // Signing out on purpose (a shared computer) asks first, then leaves none of this person's words.
  await page.locator('.user-menu summary').click();
  const asked = new Promise<string>((resolve) =>
    page.once('dialog', (dialog) => {
      resolve(dialog.message());
      void dialog.accept();
    }),
  );
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  expect(await asked).toContain('an unsent reply or note');
  await expect(page).toHaveURL(/\/login$/);
  expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('deskmate:draft:')))).toEqual(
    [],
  );
  await signInHere(page, 'agent@deskmate.local');
  await page.goto(`/tickets/${key}`);
  await note.click();
  await expect(composer).toHaveValue('');
  expect(errors).toEqual([]);
});

test('a requester’s reply draft in the portal survives a reload', async ({ page, playwright, baseURL }) => {
  const key = await openTicket(await playwright.request.newContext({ baseURL }), baseURL!, 'Portal draft');
  await signIn(page, 'alice@deskmate.local');
  await page.goto(`/portal/tickets/${key}`);
  const box = page.getByRole('textbox', { name: 'Reply' });
  await box.fill('It happened again at 10:15.');
  await page.reload();
  await expect(box).toHaveValue('It happened again at 10:15.');
});

test('a ticket link opened while signed out comes back to that ticket after sign-in; a requester on a console address lands on the portal’s view', async ({
  page,
  playwright,
  baseURL,
}) => {
  const key = await openTicket(await playwright.request.newContext({ baseURL }), baseURL!, 'Follow this link');
  await page.goto(`/portal/tickets/${key}`);
  await signInHere(page, 'alice@deskmate.local');
  await expect(page).toHaveURL(new RegExp(`/portal/tickets/${key}$`));
  await expect(page.getByRole('heading', { name: new RegExp(key) })).toBeVisible();

  await page.goto(`/tickets/${key}`);
  await expect(page).toHaveURL(new RegExp(`/portal/tickets/${key}$`));
});

/** The page fits the viewport's width, and this element is wholly inside it. */
async function expectFits(page: Page, width: number, what: ReturnType<Page['getByRole']>): Promise<void> {
  expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(width);
  const box = await what.boundingBox();
  expect(box).not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(width);
}

test('the portal fits a 390 px phone: links whole, suggestion buttons wrapped, one Cancel at the summary', async ({
  page,
}) => {
  test.setTimeout(60_000);
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, 'bob@deskmate.local');
  await expect(page).toHaveURL(/\/portal$/);
  const account = page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Account' });
  await expectFits(page, 390, account);
  await expectFits(page, 390, page.getByRole('button', { name: 'Sign out' }));

  const question = page.locator('#wizard-question');
  const step = () => question.getAttribute('data-step');
  if ((await step()) !== 'describe') {
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Ask for something else' }).click();
  }
  await expect(question).toHaveAttribute('data-step', 'describe');
  await page
    .getByRole('textbox', { name: 'Your problem' })
    .fill("I forgot my password and can't sign in to outlook email on my phone");
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(question).toHaveAttribute('data-step', 'suggest');
  // Several articles, each answer naming one: long labels wrap inside their buttons.
  const solved = page.getByRole('button', { name: /solved it/ });
  expect(await solved.count()).toBeGreaterThan(1);
  for (const button of await solved.all()) await expectFits(page, 390, button);
  await expectFits(page, 390, account);
  await page.screenshot({ path: `${SHOTS}/friction-portal-390.png`, fullPage: true });

  await page.getByRole('button', { name: 'I still need help' }).click();
  await expect(question).toHaveAttribute('data-step', 'category');
  await page
    .getByRole('button', { name: /Accounts/ })
    .first()
    .click();
  await expect(question).toHaveAttribute('data-step', 'impact');
  await page.getByRole('radio', { name: 'Just me' }).check();
  await page.getByRole('radio', { name: "I can't work" }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(question).toHaveAttribute('data-step', 'details');
  await page.getByRole('button', { name: 'Skip' }).click();
  await expect(question).toHaveAttribute('data-step', 'summary');
  await expect(page.getByRole('button', { name: 'Cancel' })).toHaveCount(1);
  await expect(page.locator('.summary dd').first()).toHaveText(
    "I forgot my password and can't sign in to outlook email on my phone",
  );
  await expectFits(page, 390, account);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(question).toHaveAttribute('data-step', 'cancelled');
});

test('the SLA policy table fits 1440 px and reads targets in business days', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page, 'admin@deskmate.local');
  await page.goto('/admin/sla');
  const table = page.getByTestId('sla-policies');
  await expect(table).toBeVisible();
  expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(1440);
  const wrap = await table.evaluate((t) => ({
    scroll: t.parentElement!.scrollWidth,
    client: t.parentElement!.clientWidth,
  }));
  expect(wrap.scroll).toBeLessThanOrEqual(wrap.client);
  // The demo's Medium policy: 1,440 business minutes of the 09:00-17:00 calendar.
  const medium = table.locator('tr[data-priority="medium"]');
  await expect(medium.getByLabel(/Resolution minutes/)).toHaveValue('1440');
  await expect(medium).toContainText('3 business days');
  await page.screenshot({ path: `${SHOTS}/friction-sla-1440.png` });
});

test('the queue shows counts beside each queue and a compact density kept per user', async ({ page, browser }) => {
  await signIn(page, 'agent@deskmate.local');
  await page.goto('/queue/all');
  const header = page.locator('.page-header p');
  await expect(header).toHaveText(/^\d+ tickets/);
  const listed = /^(\d+)/.exec((await header.textContent()) ?? '')![1];
  await expect(page.getByTestId('count-all')).toHaveText(listed!);
  // The link keeps its name; the count is its description for screen readers.
  const all = page.getByRole('link', { name: 'All tickets', exact: true });
  await expect(all).toHaveAccessibleDescription(`${listed} tickets`);
  for (const id of ['mine', 'unassigned', 'groups', 'at-risk', 'breached'])
    await expect(page.getByTestId(`count-${id}`)).toHaveText(/^\d+$/);

  const row = page.locator('.ticket-li').first();
  expect((await row.boundingBox())!.height).toBe(64);
  await page.getByRole('button', { name: 'Compact' }).click();
  await expect(page.getByRole('button', { name: 'Compact' })).toHaveAttribute('aria-pressed', 'true');
  expect((await row.boundingBox())!.height).toBe(40);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Compact' })).toHaveAttribute('aria-pressed', 'true');
  expect((await page.locator('.ticket-li').first().boundingBox())!.height).toBe(40);

  // Someone else on the same browser (agent2 has a second factor after auth.e2e) has their own choice.
  const other = await browser.newContext({ storageState: await page.context().storageState() });
  const page2 = await other.newPage();
  await page2.context().clearCookies();
  await signIn(page2, 'admin@deskmate.local');
  await page2.goto('/queue/all');
  await expect(page2.getByRole('button', { name: 'Comfortable' })).toHaveAttribute('aria-pressed', 'true');
  await other.close();
});

test('the audit log names tickets by key; Integrations says "not configured" for channels that are not', async ({
  page,
}) => {
  await signIn(page, 'admin@deskmate.local');
  await page.goto('/admin/audit');
  await page.getByLabel('Entity', { exact: true }).selectOption('ticket');
  const first = page.locator('table tbody tr').first();
  await expect(first.getByRole('link', { name: /^IT-\d+$/ })).toBeVisible();

  await page.goto('/admin/integrations');
  const slack = page.getByRole('region', { name: 'Slack status' });
  await expect(slack).toContainText('Not configured');
  await expect(slack.locator('dt:has-text("Last sent") + dd')).toHaveText('not configured');
  const email = page.getByRole('region', { name: 'Email status' });
  await expect(email.locator('dt:has-text("Last sent") + dd')).toHaveText(/^not configured/);
});
