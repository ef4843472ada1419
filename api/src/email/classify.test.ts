import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { emailIdentity } from './addresses.js';
import { detectNoise, failsDmarc } from './classify.js';
import { fixture } from './test-support.js';

const identity = emailIdentity({ MAIL_FROM: 'Deskmate IT <support@desk.test>', EMAIL_REPLY_ADDRESS: undefined });
const vars = {
  REPLY_TO: 'support+it-1001.paaaaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbb@desk.test',
  KEY: 'IT-1001',
  TITLE: 'VPN drops every hour',
  ROOT: 'IT-1001@desk.test',
  IN_REPLY_TO: 'IT-1001.0c6d1e2b@desk.test',
  UNIQUE: 'u1',
};

const parse = (headers: string, body = 'Hello') =>
  simpleParser(Buffer.from(`${headers.trim().replace(/\n/g, '\r\n')}\r\n\r\n${body}\r\n`), {
    keepDeliveryStatus: true,
  });
const base =
  'From: Alice <alice@example.com>\nTo: support@desk.test\nSubject: Re: [IT-1] x\nMessage-ID: <m@example.com>';

describe('mail no person wrote', () => {
  it('an Exchange out-of-office (Auto-Submitted) is an auto-reply', async () => {
    const noise = detectNoise(await simpleParser(await fixture('out-of-office.eml', vars)), identity);
    expect(noise).toMatchObject({ kind: 'auto_reply', evidence: 'Auto-Submitted: auto-generated' });
  });

  it('a delivery status report is a bounce, with who failed and which message of ours', async () => {
    const mail = await simpleParser(await fixture('bounce-dsn.eml', vars), { keepDeliveryStatus: true });
    expect(detectNoise(mail, identity)).toMatchObject({
      kind: 'bounce',
      details: {
        finalRecipient: 'gone@example.com',
        action: 'failed',
        status: '5.1.1',
        originalMessageId: vars.IN_REPLY_TO,
      },
    });
  });

  it.each([
    ['X-Autoreply: yes', 'auto_reply'],
    ['X-Autorespond: Vacation', 'auto_reply'],
    ['Precedence: bulk', 'bulk'],
    ['Precedence: junk', 'bulk'],
    ['Precedence: list', 'bulk'],
    ['Auto-Submitted: auto-replied (vacation)', 'auto_reply'],
  ])('%s is ignored as %s', async (header, kind) => {
    expect(detectNoise(await parse(`${base}\n${header}`), identity)?.kind).toBe(kind);
  });

  it('Auto-Submitted: no is a person', async () => {
    expect(detectNoise(await parse(`${base}\nAuto-Submitted: no`), identity)).toBeNull();
  });

  it('a null Return-Path from a mailer daemon is a bounce even without a report', async () => {
    const mail = await parse(
      'Return-Path: <>\nFrom: MAILER-DAEMON@mx.example.com\nTo: support@desk.test\nSubject: failure',
    );
    expect(detectNoise(mail, identity)?.kind).toBe('bounce');
  });

  it('a read receipt is not a reply', async () => {
    const mail = await parse(
      `${base}\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=disposition-notification; boundary="b"`,
      '--b\r\nContent-Type: text/plain\r\n\r\nRead.\r\n--b--',
    );
    expect(detectNoise(mail, identity)?.kind).toBe('receipt');
  });

  it('our own mail coming back is a loop', async () => {
    expect(
      detectNoise(await parse('From: Deskmate <support@desk.test>\nTo: support@desk.test\nSubject: x'), identity)?.kind,
    ).toBe('own_address');
    expect(detectNoise(await parse(`${base}\nX-Deskmate-Ticket: IT-1`), identity)?.kind).toBe('own_address');
  });

  it('a plain reply from a person is not noise', async () => {
    expect(detectNoise(await simpleParser(await fixture('gmail-plain.eml', vars)), identity)).toBeNull();
  });

  it('reads DMARC from the topmost Authentication-Results only', async () => {
    expect(
      failsDmarc(await parse(`Authentication-Results: mx.desk.test; dmarc=fail header.from=example.com\n${base}`)),
    ).toBe(true);
    expect(
      failsDmarc(
        await parse(
          `Authentication-Results: mx.desk.test; dmarc=pass\nAuthentication-Results: forged; dmarc=fail\n${base}`,
        ),
      ),
    ).toBe(false);
  });
});
