import { expect, request as playwrightRequest, test, type Locator, type Page } from '@playwright/test';
import sharp from 'sharp';
import { apiSignIn, captureScreen, PASSWORD, signIn, watchErrors } from './helpers.js';

/** A PNG of one colour, as a screenshot would be. */
const image = (width: number, height: number, background: string) =>
  sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toBuffer();

/** A Windows program (MZ and PE headers) dressed as a PDF. */
const program = (() => {
  const b = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(120)]);
  b.writeUInt32LE(0x40, 0x3c);
  b.write('PE\0\0', 0x40, 'latin1');
  return b;
})();

/** What the browser does when someone pastes a screenshot into a text field. */
async function pasteImage(field: Locator, bytes: Buffer) {
  await field.evaluate((el, base64) => {
    const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([data], 'image.png', { type: 'image/png' }));
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
  }, bytes.toString('base64'));
}

/** Every image in the list has loaded from the server (a refused preview would not decode). */
async function expectImagesLoaded(list: Locator, count: number) {
  const images = list.locator('img');
  await expect(images).toHaveCount(count);
  for (let i = 0; i < count; i++) {
    await expect
      .poll(() => images.nth(i).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);
  }
}

const pending = (page: Page) => page.getByRole('list', { name: 'Files to send' });

test('an agent attaches files by the picker and by pasting; the requester sees the previews in the timeline', async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const errors = watchErrors(page);
  const [photo, screenshot, secret] = await Promise.all([
    image(640, 480, '#2e7d32'),
    image(300, 200, '#c62828'),
    image(200, 200, '#6a1b9a'),
  ]);

  // Alice opens a ticket (through the API: the portal wizard is covered elsewhere).
  const alice = await playwrightRequest.newContext({ baseURL });
  await apiSignIn(alice, baseURL!, 'alice@deskmate.local');
  const opened = await alice.post('/api/tickets', {
    data: { title: 'Scanner shows error E-31', description: 'The scanner on floor 2 stops with E-31.' },
    headers: { origin: baseURL! },
  });
  expect(opened.status()).toBe(201);
  const { ticket } = (await opened.json()) as { ticket: { key: string } };
  await alice.dispose();

  await signIn(page, 'agent@deskmate.local');
  await page.goto(`/tickets/${ticket.key}`);
  const composer = page.locator('form.composer');
  const text = composer.getByRole('textbox');

  // The file picker: an image is kept, a program dressed as a PDF is refused with the server's reason.
  await composer.locator('input[type=file]').setInputFiles([
    { name: 'scanner-display.png', mimeType: 'image/png', buffer: photo },
    { name: 'invoice.pdf', mimeType: 'application/pdf', buffer: program },
  ]);
  await expect(pending(page).locator('[data-status="ready"]')).toContainText('scanner-display.png');
  const refused = pending(page).locator('[data-status="failed"]');
  await expect(refused).toContainText('invoice.pdf was not accepted: a program');
  await expect(composer.getByRole('button', { name: 'Send reply' })).toBeDisabled();
  await captureScreen(page, 'attachments-composer');
  await refused.getByRole('button', { name: 'Remove invoice.pdf' }).click();
  await expect(refused).toHaveCount(0);

  // A pasted screenshot joins them.
  await pasteImage(text, screenshot);
  await expect(pending(page).locator('[data-status="ready"]')).toHaveCount(2);
  await expect(pending(page)).toContainText(/pasted-\d{8}-\d{6}\.png/);

  await text.fill('The scanner needs a firmware update; the error on your display matches.');
  await composer.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.getByText('Reply sent')).toBeVisible();
  await expect(pending(page)).toHaveCount(0);
  const reply = page.locator('.event', { hasText: 'firmware update' });
  await expectImagesLoaded(reply.getByRole('list', { name: 'Files of this reply' }), 2);
  const src = await reply.getByRole('img', { name: 'scanner-display.png' }).getAttribute('src');
  const fileId = /attachments\/([0-9a-f-]{36})\/thumbnail$/.exec(src ?? '')?.[1];
  expect(fileId, src ?? '').toBeTruthy();

  // An internal note's file stays with the agents.
  await composer.getByRole('button', { name: /Internal note/ }).click();
  await composer.locator('input[type=file]').setInputFiles({
    name: 'asset-register.png',
    mimeType: 'image/png',
    buffer: secret,
  });
  await expect(pending(page).locator('[data-status="ready"]')).toHaveCount(1);
  await text.fill('Internal: serial numbers of the floor 2 scanners.');
  await composer.getByRole('button', { name: 'Add note' }).click();
  await expect(page.locator('.event-internal', { hasText: 'serial numbers' }).locator('img')).toHaveCount(1);
  // The refused upload is a 415 the browser logs; nothing else may fail.
  expect(errors.filter((e) => !/status of 415/.test(e))).toEqual([]);

  // Alice sees the reply's previews in her portal, and nothing of the note.
  const context = await browser.newContext({ baseURL });
  const portal = await context.newPage();
  const portalErrors = watchErrors(portal);
  // The link her notification email gives for the file: sign in first, then it downloads.
  await portal.goto(`/files/${ticket.key}/${fileId}`);
  await expect(portal).toHaveURL(/\/login\?next=/);
  await portal.getByLabel('Email').fill('alice@deskmate.local');
  await portal.getByLabel('Password').fill(PASSWORD);
  const download = portal.waitForEvent('download');
  await portal.getByRole('button', { name: 'Sign in' }).click();
  expect((await download).suggestedFilename()).toBe('scanner-display.png');
  await expect(portal.getByText('Your download of scanner-display.png (6 KB) has started.')).toBeVisible();
  await portal.goto(`/portal/tickets/${ticket.key}`);
  const seen = portal.locator('.event', { hasText: 'firmware update' });
  const files = seen.getByRole('list', { name: 'Files of this reply' });
  await expectImagesLoaded(files, 2);
  await expect(files.getByRole('img', { name: 'scanner-display.png' })).toHaveAttribute(
    'src',
    new RegExp(`/api/tickets/${ticket.key}/attachments/[0-9a-f-]{36}/thumbnail$`),
  );
  await expect(files.getByRole('link', { name: /scanner-display\.png/ })).toHaveAttribute(
    'download',
    'scanner-display.png',
  );
  await expect(portal.getByText('serial numbers')).toHaveCount(0);
  await expect(portal.getByText('asset-register.png')).toHaveCount(0);
  await captureScreen(portal, 'attachments-portal-timeline');
  expect(portalErrors).toEqual([]);
  await context.close();
});
