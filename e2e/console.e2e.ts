import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { captureScreen, signIn, watchErrors } from './helpers.js';

test('the console shell loads: sign-in form, manifest, icons and service worker', async ({
  page,
  request,
  context,
}) => {
  const health = await request.get('/healthz');
  expect(health.status()).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok', database: 'up' });

  const manifest = await request.get('/manifest.webmanifest');
  expect(manifest.status()).toBe(200);
  const m = (await manifest.json()) as { icons: { src: string; sizes: string }[]; display: string; start_url: string };
  expect(m.display).toBe('standalone');
  for (const size of ['192x192', '512x512']) expect(m.icons.some((i) => i.sizes === size)).toBe(true);
  for (const icon of m.icons) expect((await request.get(icon.src)).status(), icon.src).toBe(200);
  const sw = await request.get('/sw.js');
  expect(sw.status()).toBe(200);
  expect(await sw.text()).toContain('/index.html');

  const errors = watchErrors(page);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  // The service worker installs and takes the page (what makes the console installable).
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  const registered = await page.evaluate(
    async () => (await navigator.serviceWorker.getRegistration())?.active?.scriptURL ?? null,
  );
  expect(registered).toMatch(/\/sw\.js$/);
  await captureScreen(page, 'login');
  expect(errors).toEqual([]);

  // Offline, the cached shell still opens (the API is never cached: sign-in says it cannot reach it).
  await page.reload();
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await context.setOffline(false);
});

test('the agent workspace loads under 250 kB of gzipped JavaScript, without the admin or reports code', async ({
  page,
  request,
}) => {
  const scripts = new Set<string>();
  page.on('response', (res) => {
    const url = new URL(res.url());
    if (url.pathname.endsWith('.js') && url.pathname.startsWith('/assets/')) scripts.add(url.pathname);
  });
  await signIn(page, 'agent@deskmate.local');
  await page.goto('/queue/mine');
  await expect(page.getByRole('link', { name: /IT-1001/ })).toBeVisible();
  await page.goto('/tickets/IT-1001');
  await expect(page.getByRole('heading', { name: /IT-1001/ })).toBeVisible();
  await page.waitForLoadState('networkidle');

  let gzip = 0;
  const sizes: string[] = [];
  for (const path of scripts) {
    const body = await (await request.get(path)).body();
    const size = gzipSync(body).length;
    gzip += size;
    sizes.push(`${path} ${(size / 1024).toFixed(1)} kB`);
  }
  console.log(`agent workspace JavaScript (gzip): ${(gzip / 1024).toFixed(1)} kB\n  ${sizes.join('\n  ')}`);
  expect([...scripts].some((s) => /AdminRoutes|ReportsPage|Markdown/.test(s))).toBe(false);
  expect(gzip).toBeLessThan(250 * 1024);
});
