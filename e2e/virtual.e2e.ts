import { expect, test } from '@playwright/test';
import { presentedTicket } from '../shared/src/test/presented.js';
import { signIn } from './helpers.js';

const TOTAL = 1000;

/** A synthetic ticket in the API's shape. */
function fakeTicket(i: number) {
  const at = new Date(Date.UTC(2026, 0, 1) - i * 60_000).toISOString();
  return presentedTicket({
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    key: `IT-${2000 + i}`,
    title: `Synthetic ticket number ${i}`,
    description: 'Load test',
    status: 'open',
    priority: (['low', 'medium', 'high', 'urgent'] as const)[i % 4]!,
    category: 'hardware',
    channel: 'web',
    requester: { id: 'r', name: 'Alice Requester', email: 'alice@deskmate.local' },
    group: null,
    sla: { firstResponseDueAt: new Date(Date.now() + (i - 500) * 60_000).toISOString(), resolutionDueAt: null },
    createdAt: at,
    updatedAt: at,
  });
}

test('a queue of 1,000 tickets is virtualised and scrolls smoothly', async ({ page }) => {
  test.setTimeout(60_000);
  const all = Array.from({ length: TOTAL }, (_, i) => fakeTicket(i));
  await signIn(page, 'agent@deskmate.local');
  // The list endpoint answers from 1,000 synthetic tickets, 100 a page, like the real one.
  await page.route(/\/api\/tickets\?/, async (route) => {
    const url = new URL(route.request().url());
    const offset = Number(url.searchParams.get('cursor') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 25);
    const items = all.slice(offset, offset + limit);
    const next = offset + limit < TOTAL ? String(offset + limit) : null;
    await route.fulfill({ json: { items, nextCursor: next } });
  });
  await page.goto('/queue/all');
  await expect(page.getByRole('link', { name: /IT-2000/ })).toBeVisible();

  const scroller = page.getByTestId('ticket-scroll');
  const rendered = () => page.locator('.ticket-li').count();
  expect(await rendered()).toBeLessThan(60);

  // Scroll to the end in steps while measuring frame times.
  const frames = await scroller.evaluate(async (el) => {
    const times: number[] = [];
    let last = performance.now();
    for (let i = 0; i < 240; i++) {
      el.scrollTop += 300;
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      const now = performance.now();
      times.push(now - last);
      last = now;
      if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1 && el.scrollHeight > 60_000) break;
    }
    return times;
  });
  await expect(page.getByText('1000 tickets')).toBeVisible({ timeout: 15_000 });
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.getByRole('link', { name: /IT-2999/ })).toBeVisible();
  expect(await rendered()).toBeLessThan(60);

  const sorted = [...frames].sort((a, b) => a - b);
  const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  console.log(
    `1,000-ticket queue: ${frames.length} scroll frames, median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, ${await rendered()} rows in the DOM`,
  );
  expect(median).toBeLessThan(50);
  expect(p95).toBeLessThan(120);
});
