import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ticketCategories } from '@deskmate/shared';
import { ArticleError, loadArticles, parseArticle } from './articles.js';

const good = `---
title: Reset your password
slug: password-help
category: access
tags: [password]
synonyms: [forgot password]
---

Use **Forgot my password** on the sign-in page.
`;

describe('the shipped articles', () => {
  const articles = loadArticles();

  it('are at least 150, with unique slugs and a known category each', () => {
    expect(articles.length).toBeGreaterThanOrEqual(150);
    expect(new Set(articles.map((a) => a.slug)).size).toBe(articles.length);
    for (const a of articles) expect(ticketCategories).toContain(a.category);
  });

  it('each have a body of 150 to 500 words, tags and synonyms', () => {
    for (const a of articles) {
      const words = a.body.split(/\s+/).filter(Boolean).length;
      expect(words, a.slug).toBeGreaterThanOrEqual(150);
      expect(words, a.slug).toBeLessThanOrEqual(500);
      expect(a.tags.length, a.slug).toBeGreaterThan(0);
      expect(a.synonyms.length, a.slug).toBeGreaterThan(0);
    }
  });

  it('each end by saying when to file a ticket instead', () => {
    for (const a of articles) {
      const headings = [...a.body.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
      expect(headings.at(-1), a.slug).toBe('When to file a ticket');
    }
  });

  it('cover the topics the help desk is asked about most', () => {
    const slugs = articles.map((a) => a.slug);
    for (const slug of ['vpn-connect', 'password-reset', 'account-locked', 'mfa-new-phone', 'report-phishing']) {
      expect(slugs).toContain(slug);
    }
  });

  it('cover each area of the service catalogue, and each common VPN client', () => {
    const slugs = new Set(articles.map((a) => a.slug));
    const areas = [
      ['vpn-cisco-secure-client', 'vpn-globalprotect', 'vpn-forticlient', 'vpn-openvpn', 'vpn-wireguard'],
      ['vpn-zscaler', 'vpn-ivanti-pulse-secure', 'ethernet-not-working', 'website-not-loading-dns', 'proxy-errors'],
      ['email-bounced', 'junk-spam-quarantine', 'meeting-invites', 'calendar-not-syncing', 'keeps-asking-for-password'],
      ['scan-to-email', 'printer-driver', 'printer-toner-quality', 'secure-print-release', 'print-duplex'],
      ['bluetooth-pairing', 'headset-not-working', 'webcam-not-working', 'usb-c-charging', 'keyboard-layout-language'],
      ['mobile-device-enrolment', 'esim-sim-card', 'windows-update', 'macos-update', 'blue-screen-crash'],
      ['bitlocker-recovery-key', 'filevault-recovery-key', 'file-locked-for-editing', 'pdf-edit-sign', 'zip-files'],
      ['teams-not-loading', 'google-meet', 'webex-meetings', 'meeting-room-display', 'wireless-casting'],
      ['lost-badge', 'door-access-denied', 'visitor-access', 'admin-rights-request', 'equipment-request'],
      ['entered-password-fake-page', 'ransomware', 'compromised-account', 'data-sent-wrong-person', 'found-usb-device'],
      ['mfa-fatigue-unexpected-prompts', 'first-day-it-setup', 'leaving-company-checklist', 'return-equipment'],
    ].flat();
    expect(areas.filter((slug) => !slugs.has(slug))).toEqual([]);
  });
});

describe('parseArticle', () => {
  it('returns the typed article with the body after the front matter', () => {
    const a = parseArticle('password-help.md', good);
    expect(a).toMatchObject({ slug: 'password-help', category: 'access', tags: ['password'] });
    expect(a.body).toBe('Use **Forgot my password** on the sign-in page.');
  });

  it('rejects an unknown category, naming the file and the field', () => {
    const bad = good.replace('category: access', 'category: printers');
    expect(() => parseArticle('articles/password-help.md', bad)).toThrow(ArticleError);
    expect(() => parseArticle('articles/password-help.md', bad)).toThrow(/articles\/password-help\.md: .*category/);
  });

  it('rejects a file without front matter', () => {
    expect(() => parseArticle('notes.md', '# Just a heading\n\ntext')).toThrow(/notes\.md: missing YAML front matter/);
  });

  it('rejects front matter that is not valid YAML', () => {
    const bad = good.replace('title: Reset your password', 'title: Reset: your password');
    expect(() => parseArticle('password-help.md', bad)).toThrow(/password-help\.md: front matter is not valid YAML/);
  });

  it('rejects a slug that differs from the file name', () => {
    expect(() => parseArticle('reset.md', good)).toThrow(
      /reset\.md: slug "password-help" must match the file name "reset"/,
    );
  });
});

describe('loadArticles', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stops at the first bad file and names it', () => {
    dir = mkdtempSync(join(tmpdir(), 'kb-articles-'));
    writeFileSync(join(dir, 'password-help.md'), good);
    writeFileSync(
      join(dir, 'broken.md'),
      good.replace('slug: password-help', 'slug: broken').replace(/title: .*\n/, ''),
    );
    expect(() => loadArticles(dir)).toThrow(/broken\.md: invalid article \(title: /);
  });

  it('reads every markdown file of a folder, sorted by slug', () => {
    dir = mkdtempSync(join(tmpdir(), 'kb-articles-'));
    writeFileSync(join(dir, 'password-help.md'), good);
    writeFileSync(join(dir, 'a-first.md'), good.replace('slug: password-help', 'slug: a-first'));
    writeFileSync(join(dir, 'README.txt'), 'not an article');
    expect(loadArticles(dir).map((a) => a.slug)).toEqual(['a-first', 'password-help']);
  });
});
