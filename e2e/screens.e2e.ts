import { expect, test } from '@playwright/test';
import { captureScreen, signIn, watchErrors } from './helpers.js';

/** Every main screen at desktop and phone width, each checked with axe-core. */
test.describe('main screens', () => {
  test.describe.configure({ timeout: 120_000 });

  test('agent workspace screens', async ({ page }) => {
    const errors = watchErrors(page);
    await signIn(page, 'agent@deskmate.local');
    await page.goto('/queue/mine');
    await expect(page.getByRole('link', { name: /IT-1001/ })).toBeVisible();
    await captureScreen(page, 'queue-mine');

    await page.goto('/queue/all?priority=high,urgent');
    await expect(page.getByRole('link', { name: /IT-1008/ })).toBeVisible();
    await captureScreen(page, 'queue-all-filtered');

    // Keyboard: j/k move, Enter opens, ? shows the shortcuts.
    await page.goto('/queue/all');
    await expect(page.getByRole('link', { name: /IT-1008/ })).toBeVisible();
    await page.keyboard.press('?');
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
    await captureScreen(page, 'shortcuts-help');
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeHidden();
    await page.keyboard.press('j');
    // The cursor moved before Enter opens what it is on (the list may re-render under load).
    await expect(page.locator('.row-link[aria-current="true"]')).toBeVisible();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/tickets\/IT-\d+/);

    await page.goto('/tickets/IT-1001');
    await expect(page.getByText('5.2.1 has the known keep-alive bug')).toBeVisible();
    await captureScreen(page, 'ticket');
    await page.getByRole('tab', { name: 'Audit' }).click();
    await captureScreen(page, 'ticket-history');

    await page.goto('/notifications');
    await expect(page.getByRole('heading', { name: 'Notifications' })).toBeVisible();
    await captureScreen(page, 'notifications');

    await page.goto('/reports');
    await expect(page.getByRole('heading', { name: 'Ticket volume' })).toBeVisible();
    await expect(page.locator('.recharts-surface').first()).toBeVisible();
    await captureScreen(page, 'reports');

    await page.goto('/account');
    await captureScreen(page, 'account');

    // Dark theme.
    await page.evaluate(() => localStorage.setItem('deskmate:theme', 'dark'));
    await page.goto('/queue/all');
    await expect(page.getByRole('link', { name: /IT-1008/ })).toBeVisible();
    await captureScreen(page, 'queue-dark');
    await page.goto('/tickets/IT-1001');
    await expect(page.getByText('5.2.1 has the known keep-alive bug')).toBeVisible();
    await captureScreen(page, 'ticket-dark');
    expect(errors).toEqual([]);
  });

  test('admin screens', async ({ page }) => {
    const errors = watchErrors(page);
    await signIn(page, 'admin@deskmate.local');
    const screens: [string, string][] = [
      ['/admin/users', 'Users'],
      ['/admin/groups', 'Groups and round-robin'],
      ['/admin/sla', 'SLA policies and calendars'],
      ['/admin/kb', 'Knowledge base'],
      ['/admin/canned', 'Canned responses'],
      ['/admin/announcements', 'Announcements'],
      ['/admin/integrations', 'Integrations'],
      ['/admin/audit', 'Audit log'],
    ];
    for (const [path, heading] of screens) {
      await page.goto(path);
      await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
      await expect(page.locator('.loading')).toHaveCount(0);
      await captureScreen(page, `admin-${path.split('/').pop()}`);
    }
    // The chat channels' inbox: requests answered and not yet acted on, and failed ones.
    await page.goto('/admin/integrations');
    const slack = page.getByRole('region', { name: 'Slack status' });
    await expect(slack.getByText('Requests waiting')).toBeVisible();
    await expect(slack.getByText('Failed requests')).toBeVisible();
    // The knowledge-base editor with its preview.
    await page.goto('/admin/kb');
    await page.getByRole('list', { name: 'Articles' }).getByRole('button').first().click();
    await expect(page.getByRole('region', { name: 'Preview' })).toBeVisible();
    await captureScreen(page, 'admin-kb-editor');
    // The admin sees the ticket's audit log, with the change just made.
    await page.goto('/tickets/IT-1005');
    await page.getByRole('combobox', { name: 'Priority' }).selectOption('high');
    // The toast (the timeline also says "Priority changed …" once the change is live).
    await expect(page.getByRole('status').getByText('Priority changed', { exact: true })).toBeVisible();
    await page.getByRole('tab', { name: 'Audit' }).click();
    await expect(page.getByRole('table')).toBeVisible();
    await captureScreen(page, 'ticket-audit');
    expect(errors).toEqual([]);
  });
});
