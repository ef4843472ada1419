import { readFile } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { emailIdentity } from './addresses.js';
import { readBounce } from './bounce-report.js';
import { detectNoise } from './classify.js';
import { loadReplyCorpus, normaliseForCompare } from '../test/reply-corpus.js';
import { replyText } from './strip.js';

/**
 * A second corpus (fixtures/blind), written by someone who had not seen our stripper, classifier
 * or fixtures, from the RFCs and the clients' and servers' documented formats: 53 replies and 42
 * mails that must never act. It first measured the work on issue #20 (the closing note has the
 * figures) and stays as a regression set.
 */
const blind = (name: string) => new URL(`./fixtures/blind/${name}/`, import.meta.url).pathname;

describe('the blind reply corpus: the stored reply is what the person wrote', async () => {
  const cases = await loadReplyCorpus(blind('replies'));
  it('holds the corpus', () => expect(cases.length).toBeGreaterThanOrEqual(50));
  it.each(cases.map((c) => [c.file, c] as const))('%s', (_file, c) => {
    expect(normaliseForCompare(replyText(c.mail, c.raw))).toBe(normaliseForCompare(c.expected));
  });
});

describe('the blind automatic-mail corpus: each is recognised; a hard bounce names its recipient', async () => {
  const folder = blind('automatic');
  const expected = JSON.parse(await readFile(`${folder}expected.json`, 'utf8')) as Record<
    string,
    { class: string; failedRecipient?: string }
  >;
  const identity = emailIdentity({ MAIL_FROM: 'IT <support@help.example.com>', EMAIL_REPLY_ADDRESS: undefined });
  it('holds the corpus', () => expect(Object.keys(expected).length).toBeGreaterThanOrEqual(40));
  it.each(Object.entries(expected))('%s', async (file, want) => {
    const mail = await simpleParser(await readFile(`${folder}${file}`));
    expect(detectNoise(mail, identity), 'recognised as automatic').not.toBeNull();
    if (want.class === 'bounce' || want.class === 'soft_bounce') {
      const report = readBounce(mail);
      expect(report.permanent === true, 'permanent').toBe(want.class === 'bounce');
      if (want.failedRecipient)
        expect(report.recipients.map((r) => r.address)).toContain(want.failedRecipient.toLowerCase());
    }
  });
});
