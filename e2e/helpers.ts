import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, type APIRequestContext, type Page } from '@playwright/test';

export const PASSWORD = 'deskmate-demo';
export const SHOTS = 'e2e/screenshots';
mkdirSync(SHOTS, { recursive: true });

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const desktop = { width: 1280, height: 800 };
export const phone = { width: 375, height: 812 };

/** Sign in through the form (no second factor). */
export async function signIn(page: Page, email: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** Sign in an API context (another person acting while the page watches). */
export async function apiSignIn(request: APIRequestContext, baseURL: string, email: string): Promise<void> {
  const res = await request.post('/api/auth/login', {
    data: { email, password: PASSWORD },
    headers: { origin: baseURL },
  });
  expect(res.status()).toBe(200);
}

/**
 * axe-core in the page (evaluated over the DevTools protocol, so the page's CSP still holds for
 * everything else): no serious or critical violation is allowed.
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            opts: object,
          ) => Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.impact} ${v.id}: ${v.help} (${v.nodes
            .map((n) => JSON.stringify(n.target))
            .slice(0, 3)
            .join(', ')})`,
      );
  });
  expect(violations, `axe on ${screen}`).toEqual([]);
}

/** A screenshot at desktop and phone width, each checked with axe. */
export async function captureScreen(page: Page, name: string, { axe = true } = {}): Promise<void> {
  const original = page.viewportSize();
  for (const [label, size] of [
    ['desktop', desktop],
    ['375', phone],
  ] as const) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    if (axe) await expectAccessible(page, `${name} at ${label}`);
    await page.screenshot({ path: `${SHOTS}/${name}-${label}.png`, fullPage: label === 'desktop' });
  }
  if (original) await page.setViewportSize(original);
}

/** Collect page errors and console errors (a 401 while signed out is expected). */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (/status of 40[13]/.test(text)) return;
    errors.push(text);
  });
  return errors;
}
