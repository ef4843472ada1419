import { strToU8, zipSync } from 'fflate';
import { expect, test } from '@playwright/test';
import { captureScreen, signIn, watchErrors } from './helpers.js';

test('an admin imports Markdown and HTML files on the KB page and sees what became of each', async ({ page }) => {
  const errors = watchErrors(page);
  await signIn(page, 'admin@deskmate.local');
  await page.goto('/admin/kb');
  await page.getByRole('button', { name: 'Import' }).click();
  const form = page.getByRole('form', { name: 'Import articles' });
  await expect(form).toBeVisible();
  await form.getByLabel('Files or a zip').setInputFiles([
    {
      name: 'parking-app.md',
      mimeType: 'text/markdown',
      buffer: Buffer.from('---\ncategory: other\n---\n# Pay for parking in the app\n\nOpen the parking app.\n'),
    },
    {
      name: 'printer-codes.html',
      mimeType: 'text/html',
      buffer: Buffer.from('<h1>Printer error codes</h1><p onclick="x()">E5 means a paper jam.</p><script>x()</script>'),
    },
    { name: 'notes.md', mimeType: 'text/markdown', buffer: Buffer.from('# Notes\n\nNo category here.\n') },
  ]);
  await form.getByLabel('Publish what is imported').check();
  await form.getByRole('button', { name: 'Import 3 files' }).click();
  await expect(form.getByRole('status')).toHaveText('1 created, 0 updated, 2 skipped.');
  const rows = form.locator('tbody tr');
  await expect(rows.filter({ hasText: 'parking-app.md' })).toContainText('created');
  await expect(rows.filter({ hasText: 'notes.md' })).toContainText('no category');
  await expect(rows.filter({ hasText: 'printer-codes.html' })).toContainText('no category');
  await captureScreen(page, 'admin-kb-import');

  // The same files again with a default category: one updated (unchanged: skipped), two created.
  await form.getByLabel('Category of files that name none').selectOption('hardware');
  const zip = zipSync({
    'parking-app.md': strToU8('---\ncategory: other\n---\n# Pay for parking in the app\n\nOpen the parking app.\n'),
    'printer-codes.html': strToU8('<h1>Printer error codes</h1><p onclick="x()">E5 means a paper jam.</p>'),
  });
  await form.getByLabel('Files or a zip').setInputFiles({
    name: 'articles.zip',
    mimeType: 'application/zip',
    buffer: Buffer.from(zip),
  });
  await form.getByRole('button', { name: 'Import 1 file' }).click();
  await expect(form.getByRole('status')).toHaveText('1 created, 0 updated, 1 skipped.');
  await expect(page.getByRole('list', { name: 'Articles' })).toContainText('Printer error codes');
  const article = (await (await page.request.get('/api/kb/articles/printer-codes')).json()) as {
    article: { body: string; category: string; published: boolean };
  };
  expect(article.article).toEqual(
    expect.objectContaining({ body: 'E5 means a paper jam.', category: 'hardware', published: true }),
  );
  expect(errors).toEqual([]);
});

test('the reports page shows how often the classifier agreed with the agents, and admins can retrain', async ({
  page,
}) => {
  const errors = watchErrors(page);
  await signIn(page, 'admin@deskmate.local');
  await page.goto('/reports');
  const card = page.getByRole('region', { name: 'Classifier agreement with agents' });
  await expect(card).toContainText(/Of \d+ tickets whose priority or category the classifier set/);
  await card.getByRole('button', { name: 'Retrain now' }).click();
  await expect(page.getByText('Retraining queued')).toBeVisible();
  await card.scrollIntoViewIfNeeded();
  await captureScreen(page, 'reports-classifier');
  expect(errors).toEqual([]);
});
