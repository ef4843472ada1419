import { expect, test } from '@playwright/test';
import { captureScreen, signIn, watchErrors } from './helpers.js';

test('an admin edits an SLA policy and the change is kept', async ({ page }) => {
  const errors = watchErrors(page);
  await signIn(page, 'admin@deskmate.local');
  const probe = await page.request.get('/api/sla/policies');
  expect(probe.status()).toBe(200);

  await page.goto('/admin/sla');
  const row = page.locator('[data-testid="sla-policies"] tbody tr[data-priority="high"]').first();
  await expect(row).toBeVisible();
  const input = row.getByRole('spinbutton', { name: /First response minutes/ });
  const before = Number(await input.inputValue());
  const after = before === 45 ? 50 : 45;
  await input.fill(String(after));
  await page.getByRole('button', { name: 'Save policies' }).click();
  await expect(page.getByText('SLA policies saved')).toBeVisible();
  await captureScreen(page, 'admin-sla');

  await page.reload();
  await expect(
    page
      .locator('[data-testid="sla-policies"] tbody tr[data-priority="high"]')
      .first()
      .getByRole('spinbutton', { name: /First response minutes/ }),
  ).toHaveValue(String(after));
  const saved = (await (await page.request.get('/api/sla/policies')).json()) as {
    items: {
      priority: string;
      groupId: string | null;
      category: string | null;
      firstResponseMinutes: number;
      version: number;
    }[];
  };
  const high = saved.items.find((p) => p.priority === 'high' && p.groupId === null && p.category === null);
  expect(high?.firstResponseMinutes).toBe(after);
  expect(high?.version).toBeGreaterThan(1);
  expect(errors).toEqual([]);
});
