import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, eq } from 'drizzle-orm';
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { TKbImportResult } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { auditEvents, kbArticles } from '../../db/schema.js';
import type { UserRow } from '../../http/context.js';
import { startTestApp, type TestApp } from '../../test/app.js';
import { createUserWithPassword, sessionCookie } from '../../test/auth.js';
import { importArticlesFromCli } from './cli.js';

let app: TestApp;
let admin: UserRow;
let agent: UserRow;

beforeAll(async () => {
  app = await startTestApp({
    role: 'api',
    env: { KB_IMPORT_MAX_FILES: '20', KB_IMPORT_MAX_BYTES: String(256 * 1024) },
  });
  admin = await createUserWithPassword(app.database.db, { role: 'admin' });
  agent = await createUserWithPassword(app.database.db, { role: 'agent' });
}, 60_000);
afterAll(async () => {
  await app?.stop();
});

async function upload(
  user: UserRow,
  body: Uint8Array,
  query = '',
  type = 'application/zip',
): Promise<{ status: number; body: TKbImportResult & { error?: { code: string; message: string } } }> {
  const res = await app.fetch(`/api/kb/import${query}`, {
    method: 'POST',
    headers: {
      cookie: sessionCookie(app, user),
      origin: new URL(app.url).origin,
      'content-type': type,
      accept: 'application/json',
    },
    body: new Uint8Array(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as TKbImportResult & { error?: { code: string; message: string } },
  };
}

const zip = (files: Record<string, string | Uint8Array>) =>
  zipSync(
    Object.fromEntries(
      Object.entries(files).map(([name, content]) => [name, typeof content === 'string' ? strToU8(content) : content]),
    ) as Zippable,
  );

const article = async (slug: string) =>
  (await app.database.db.select().from(kbArticles).where(eq(kbArticles.slug, slug)))[0];
const articleCount = async () => (await app.database.db.select({ n: count() }).from(kbArticles))[0]!.n;
const outcomeOf = (result: TKbImportResult, path: string) => result.items.find((i) => i.path === path);

const printers = (body: string) => `---
title: Printing from your laptop
category: hardware
keywords: printer, print queue
synonyms: [printer offline, cannot print]
slug: printer-help
---

# Printing from your laptop

${body}
`;

const wifiGuest = '# Guest Wi-Fi for visitors\n\nVisitors join **Guest**; the password is on the reception desk.\n';

const htmlPage = `<!doctype html><html><head><title>Remote desktop | Contoso wiki</title>
<meta name="keywords" content="rdp, remote desktop"><script>steal()</script></head>
<body><h1>Connect with Remote Desktop</h1>
<p onclick="steal()">Open <a href="javascript:alert(1)">the client</a> or read <a href="https://learn.example.com/rdp">the guide</a>.</p>
<img src="x" onerror="steal()" alt="screenshot"><img src="data:image/png;base64,AAAA" alt="inline">
<iframe src="https://evil.example.com"></iframe>
<table><tr><th>Setting</th><th>Value</th></tr><tr><td>Port</td><td>3389</td></tr></table>
<style>body{display:none}</style></body></html>`;

describe('importing articles from a zip', () => {
  const files = {
    'kb/network/wifi-guest.md': wifiGuest,
    'kb/printers.md': printers('Choose **Add printer** and pick the one nearest to you.'),
    'kb/guides/rdp-connect.html': htmlPage,
    // The shipped article remote-desktop is not this file's: skipped, not overwritten.
    'kb/remote-desktop.md': '# Remote desktop\n\nOur own text.\n',
    'kb/bad/broken.md': '---\ntitle: [unclosed\n---\nbody\n',
    'kb/bad/finance.md': '---\ncategory: finance\n---\n# Expenses\n\nAsk finance.\n',
    'kb/bad/empty.md': '# Only a title\n',
    'kb/logo.png': randomBytes(64),
    'kb/.DS_Store': 'junk',
    '__MACOSX/kb/._printers.md': 'junk',
  };

  it('is for admins: an agent gets 403 and nothing is imported', async () => {
    const before = await articleCount();
    const res = await upload(agent, zip(files));
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe('forbidden');
    expect(await articleCount()).toBe(before);
  });

  it('creates articles from front matter, headings and folders, converts HTML, and reports bad files', async () => {
    const res = await upload(admin, zip(files), '?category=software');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 3, updated: 0, skipped: 5 });
    expect(res.body.items.map((i) => i.path)).not.toContain('kb/.DS_Store');
    expect(res.body.items.some((i) => i.path.includes('__MACOSX'))).toBe(false);

    expect(outcomeOf(res.body, 'kb/network/wifi-guest.md')).toMatchObject({
      outcome: 'created',
      slug: 'wifi-guest',
      title: 'Guest Wi-Fi for visitors',
    });
    expect(await article('wifi-guest')).toMatchObject({
      category: 'network', // the folder
      published: false,
      sourcePath: 'kb/network/wifi-guest.md',
      body: 'Visitors join **Guest**; the password is on the reception desk.',
    });
    expect(await article('printer-help')).toMatchObject({
      title: 'Printing from your laptop',
      category: 'hardware',
      tags: ['printer', 'print queue'],
      synonyms: ['printer offline', 'cannot print'],
      body: 'Choose **Add printer** and pick the one nearest to you.', // the heading repeating the title is dropped
    });
    const rdp = (await article('rdp-connect'))!;
    expect(rdp).toMatchObject({
      title: 'Connect with Remote Desktop',
      category: 'software',
      tags: ['rdp', 'remote desktop'],
    });

    expect(outcomeOf(res.body, 'kb/bad/broken.md')).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringMatching(/^front matter is not valid YAML/),
    });
    expect(outcomeOf(res.body, 'kb/bad/finance.md')?.reason).toMatch(
      /category "finance" is not one of access, network/,
    );
    expect(outcomeOf(res.body, 'kb/bad/empty.md')?.reason).toBe('the article has no text');
    expect(outcomeOf(res.body, 'kb/logo.png')?.reason).toBe('not a Markdown (.md) or HTML (.html) file');
    expect(outcomeOf(res.body, 'kb/remote-desktop.md')?.reason).toMatch(
      /^an article with the slug remote-desktop exists and was not imported from this file: write `slug: remote-desktop`/,
    );
    expect((await article('remote-desktop'))!.body).not.toContain('Our own text');

    const [audit] = await app.database.db.select().from(auditEvents).where(eq(auditEvents.action, 'kb.imported'));
    expect(audit).toMatchObject({ actorId: admin.id, after: { created: 3, updated: 0, skipped: 5, publish: false } });
  });

  it('sanitises HTML: no script, style, frames, event handlers, javascript: or data: addresses', async () => {
    const { body } = (await article('rdp-connect'))!;
    expect(body).not.toMatch(/steal|script|onerror|onclick|iframe|evil\.example|display:none|javascript:|data:/i);
    expect(body).toContain('[the guide](https://learn.example.com/rdp)');
    expect(body).toContain('Open the client or read');
    expect(body).toMatch(/\| Setting \| Value \|/);
    expect(body).not.toContain('Connect with Remote Desktop'); // it is the title
  });

  it('sanitises raw HTML and links inside Markdown, leaving code as written', async () => {
    const md = [
      '---',
      'category: security',
      '---',
      '# Report a phishing mail',
      '',
      '<script>steal()</script>Use the **Report** button. <b onmouseover="steal()">Never</b> click [this](javascript:steal()).',
      '',
      '```html',
      '<script>this is an example</script>',
      '```',
    ].join('\n');
    const res = await upload(admin, zip({ 'phishing-report.md': md }));
    expect(outcomeOf(res.body, 'phishing-report.md')?.outcome).toBe('created');
    const { body } = (await article('phishing-report'))!;
    expect(body).toContain('Use the **Report** button. <b>Never</b> click this.');
    expect(body).not.toMatch(/steal|onmouseover|javascript:/);
    expect(body).toContain('```html\n<script>this is an example</script>\n```');
  });

  it('a re-import updates what changed, skips what did not, and never duplicates', async () => {
    const before = await articleCount();
    const res = await upload(
      admin,
      zip({
        ...files,
        'kb/printers.md': printers('Choose **Add printer**; ask us if it is not listed.'),
      }),
      '?category=software&publish=true',
    );
    expect(res.status).toBe(200);
    expect(await articleCount()).toBe(before);
    expect(res.body).toMatchObject({ created: 0, updated: 3, skipped: 5 });
    expect(await article('printer-help')).toMatchObject({
      body: 'Choose **Add printer**; ask us if it is not listed.',
      published: true,
    });
    // Published now: the search of the running instance follows.
    await expect
      .poll(async () => app.runtime.services.kb!.search('guest wifi visitors password').map((h) => h.slug))
      .toContain('wifi-guest');

    const again = await upload(admin, zip({ 'kb/network/wifi-guest.md': wifiGuest }));
    expect(again.body).toMatchObject({ created: 0, updated: 0, skipped: 1 });
    expect(outcomeOf(again.body, 'kb/network/wifi-guest.md')?.reason).toBe('unchanged: wifi-guest already says this');
  });

  it('a file whose front-matter slug changed updates the article imported from the same path', async () => {
    const renamed = printers('Same text.').replace('slug: printer-help', 'slug: printing-help');
    const res = await upload(admin, zip({ 'kb/printers.md': renamed }));
    expect(outcomeOf(res.body, 'kb/printers.md')).toMatchObject({ outcome: 'updated', slug: 'printer-help' });
    expect(await article('printing-help')).toBeUndefined();
    expect((await article('printer-help'))!.body).toBe('Same text.');
  });

  it('refuses a zip with a path outside the archive (zip-slip), importing nothing from it', async () => {
    const before = await articleCount();
    for (const evil of ['../outside.md', 'kb/../../outside.md', '/etc/outside.md', 'C:\\temp\\outside.md']) {
      const res = await upload(admin, zip({ 'kb/fine.md': wifiGuest.replace('Guest', 'Fine'), [evil]: wifiGuest }));
      expect(res.status, evil).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'bad_request', message: expect.stringContaining('unsafe path') });
    }
    expect(await articleCount()).toBe(before);
  });

  it('refuses too many files, too many bytes, something not a zip, and another content type, with 4xx', async () => {
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`a${i}.md`, `# A ${i}\n\ntext\n`]));
    const tooMany = await upload(admin, zip(many), '?category=other');
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error?.message).toBe('The zip holds 21 files; at most 20 can be imported at once');

    const big = await upload(admin, zip({ 'big.md': randomBytes(300 * 1024) }));
    expect(big.status).toBe(413);
    expect(big.body.error?.code).toBe('payload_too_large');

    const notZip = await upload(admin, strToU8('# just markdown'));
    expect(notZip.status).toBe(400);
    expect(notZip.body.error?.message).toMatch(/^This is not a zip file that can be read/);

    const json = await upload(admin, strToU8('{}'), '', 'application/json');
    expect(json.status).toBe(415);

    const badQuery = await upload(admin, zip({ 'x.md': wifiGuest }), '?category=finance');
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error?.code).toBe('validation_failed');
  });
});

describe('importing a folder (the CLI)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kb-import-'));
    await mkdir(join(dir, 'access'), { recursive: true });
    await mkdir(join(dir, '.git'), { recursive: true });
    await writeFile(join(dir, 'access', 'badge-lost.md'), '# Lost your badge?\n\nTell reception at once.\n');
    await writeFile(
      join(dir, 'shared-calendar.html'),
      '<h1>Share a calendar</h1><p>In Outlook, choose <b>Share</b>.</p>',
    );
    await writeFile(join(dir, 'notes.txt'), 'not an article');
    await writeFile(join(dir, '.git', 'config'), '[core]');
    await symlink('/etc/hostname', join(dir, 'linked.md'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('imports the folder into the configured database, and a re-import updates nothing that is unchanged', async () => {
    const config = loadConfig({ DATABASE_URL: app.database.url, LOG_LEVEL: 'silent' });
    const result = await importArticlesFromCli(config, { source: dir, publish: true, category: 'email' });
    expect(result).toMatchObject({ created: 2, updated: 0, skipped: 2 });
    expect(result.items.map((i) => [i.path, i.outcome, i.reason])).toEqual([
      ['access/badge-lost.md', 'created', null],
      ['linked.md', 'skipped', 'a symbolic link: not followed'],
      ['notes.txt', 'skipped', 'not a Markdown (.md) or HTML (.html) file'],
      ['shared-calendar.html', 'created', null],
    ]);
    expect(await article('badge-lost')).toMatchObject({
      category: 'access',
      published: true,
      title: 'Lost your badge?',
    });
    expect(await article('shared-calendar')).toMatchObject({
      category: 'email',
      title: 'Share a calendar',
      body: 'In Outlook, choose **Share**.',
    });
    const again = await importArticlesFromCli(config, { source: dir, publish: true, category: 'email' });
    expect(again).toMatchObject({ created: 0, updated: 0, skipped: 4 });
  });

  it('a source that does not exist is one clear line', async () => {
    const config = loadConfig({ DATABASE_URL: app.database.url, LOG_LEVEL: 'silent' });
    await expect(importArticlesFromCli(config, { source: join(dir, 'nope'), publish: false })).rejects.toThrow(
      `${join(dir, 'nope')}: no such file or folder`,
    );
  });
});
