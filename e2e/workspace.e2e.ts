import { expect, test } from '@playwright/test';
import { apiSignIn, captureScreen, signIn, watchErrors } from './helpers.js';

test('an agent uses canned responses, watchers, bulk actions, saved views, merge and the live notification bell', async ({
  page,
  playwright,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const errors = watchErrors(page);
  const admin = await playwright.request.newContext({ baseURL });
  await apiSignIn(admin, baseURL!, 'admin@deskmate.local');
  const origin = { origin: baseURL! };
  expect(
    (
      await admin.post('/api/canned-responses', {
        headers: origin,
        data: {
          title: 'Greeting',
          body: 'Hello {{requester.firstName}}, thanks for reporting {{ticket.key}}.',
          shared: true,
        },
      })
    ).status(),
  ).toBe(201);

  await signIn(page, 'agent@deskmate.local');

  // Canned response, filled in for this ticket; watching.
  await page.goto('/tickets/IT-1003');
  await page.getByRole('combobox', { name: 'Canned response' }).selectOption({ label: 'Greeting' });
  await expect(page.getByRole('textbox', { name: /Reply to Alice Requester/ })).toHaveValue(
    'Hello Alice, thanks for reporting IT-1003.',
  );
  await page.getByRole('button', { name: 'Watch', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Remove Sam Agent from watchers' })).toBeVisible();

  // Bulk: two tickets to high priority at once.
  await page.goto('/queue/all?sort=createdAt');
  await page.getByRole('checkbox', { name: 'Select IT-1004' }).check();
  await page.getByRole('checkbox', { name: 'Select IT-1010' }).check();
  await expect(page.getByRole('region', { name: 'Bulk actions' })).toContainText('2 selected');
  await captureScreen(page, 'queue-bulk');
  await page
    .getByRole('region', { name: 'Bulk actions' })
    .getByRole('combobox', { name: 'Priority' })
    .selectOption('high');
  await expect(page.getByText('Priority changed: 2 tickets')).toBeVisible();

  // A saved view of high-priority tickets shows in the sidebar and opens with its filters.
  await page.goto('/queue/all?priority=high');
  await page.getByRole('button', { name: 'Save view' }).click();
  await page.getByRole('dialog', { name: 'Save this view' }).getByLabel('Name').fill('Hot tickets');
  await page.getByRole('dialog', { name: 'Save this view' }).getByRole('button', { name: 'Save view' }).click();
  await page.goto('/queue/mine');
  await page.getByRole('link', { name: 'Hot tickets' }).click();
  await expect(page).toHaveURL(/\/queue\/all\?priority=high/);
  await expect(page.getByRole('link', { name: /IT-1004/ })).toBeVisible();

  // Merge a duplicate.
  await page.goto('/tickets/IT-1005');
  await page.getByRole('button', { name: 'Merge…' }).click();
  await page.getByLabel('Merge into ticket').fill('IT-1003');
  await page.getByRole('dialog').getByRole('button', { name: 'Merge' }).click();
  await expect(page.getByText('Merged into IT-1003', { exact: true })).toBeVisible();

  // Someone assigns a ticket to this agent: the bell counts it without a reload.
  const badge = page.getByTestId('unread-count');
  const before = (await badge.count()) ? Number(await badge.textContent()) : 0;
  const agents = (await (await admin.get('/api/users?role=agent')).json()) as {
    items: { id: string; email: string }[];
  };
  const sam = agents.items.find((u) => u.email === 'agent@deskmate.local')!;
  expect((await admin.patch('/api/tickets/IT-1002', { headers: origin, data: { assigneeId: sam.id } })).status()).toBe(
    200,
  );
  await expect(badge).toHaveText(String(before + 1), { timeout: 10_000 });
  await page.getByRole('button', { name: /Notifications/ }).click();
  await expect(
    page.getByRole('region', { name: 'Notifications' }).getByRole('link', { name: /IT-1002/ }),
  ).toBeVisible();
  await captureScreen(page, 'notification-bell', { axe: true });
  await admin.dispose();
  expect(errors).toEqual([]);
});
