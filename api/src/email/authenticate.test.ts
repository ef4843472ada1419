import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { Config } from '../config.js';
import { authenticateSender, parseAuthResults } from './authenticate.js';
import { dkimDomain, dnsTable } from '../test/email.js';

type Mode = Pick<Config, 'EMAIL_VERIFY_SENDER' | 'EMAIL_TRUSTED_AUTHSERV_ID'>;
const dnsMode: Mode = { EMAIL_VERIFY_SENDER: 'dns', EMAIL_TRUSTED_AUTHSERV_ID: undefined };

const message = (from = 'Alice Example <alice@example.com>', extra = '') =>
  Buffer.from(
    [
      ...(extra ? [extra] : []),
      `From: ${from}`,
      'To: support@desk.test',
      'Subject: Re: [IT-1] VPN',
      'Message-ID: <m1@example.com>',
      'Date: Mon, 23 Nov 2026 10:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'It still drops.',
      '',
    ].join('\r\n'),
  );

async function check(raw: Buffer, config: Mode, dns = dnsTable(), envelope = {}) {
  return authenticateSender(raw, await simpleParser(raw), { config, resolver: dns.resolver, envelope });
}

describe('sender authentication with mailauth, on a DNS table', () => {
  it('a DKIM signature of the From domain with a DMARC record passes DMARC', async () => {
    const dns = dnsTable();
    const example = dkimDomain(dns, 'example.com');
    dns.txt('_dmarc.example.com', 'v=DMARC1; p=reject');
    const result = await check(await example.sign(message()), dnsMode, dns);
    expect(result).toMatchObject({ verified: true, method: 'dmarc', results: { dmarc: 'pass' } });
  });

  it('without a DMARC record, an aligned DKIM pass (a subdomain signs for the domain) authenticates', async () => {
    const dns = dnsTable();
    const mailer = dkimDomain(dns, 'mail.example.com');
    const result = await check(await mailer.sign(message()), dnsMode, dns);
    expect(result).toMatchObject({ verified: true, method: 'dkim', results: { dmarc: 'none' } });
  });

  it('a valid signature of another domain (a mailing service) does not authenticate the From address', async () => {
    const dns = dnsTable();
    const service = dkimDomain(dns, 'sender.example.net');
    const result = await check(await service.sign(message()), dnsMode, dns);
    expect(result.verified).toBe(false);
    expect(result.results.dkim).toBe('pass sender.example.net');
  });

  it('a signed mail changed after signing fails, and DMARC fails with it', async () => {
    const dns = dnsTable();
    const example = dkimDomain(dns, 'example.com');
    dns.txt('_dmarc.example.com', 'v=DMARC1; p=quarantine');
    const signed = (await example.sign(message())).toString().replace('It still drops.', 'Send me the passwords.');
    const result = await check(Buffer.from(signed), dnsMode, dns);
    expect(result).toMatchObject({ verified: false, results: { dmarc: 'fail' } });
  });

  it('a forged From with no signature and no client IP is not authenticated', async () => {
    const dns = dnsTable();
    dns.txt('_dmarc.example.com', 'v=DMARC1; p=none');
    expect(await check(message(), dnsMode, dns)).toMatchObject({ verified: false, results: { dmarc: 'fail' } });
  });

  it('SPF is checked when the client IP is known, and an aligned pass authenticates', async () => {
    const dns = dnsTable();
    dns.txt('example.com', 'v=spf1 ip4:192.0.2.10 -all');
    const envelope = { clientIp: '192.0.2.10', helo: 'mx.example.com', mailFrom: 'alice@example.com' };
    expect(await check(message(), dnsMode, dns, envelope)).toMatchObject({
      verified: true,
      method: 'spf',
      results: { spf: 'pass' },
    });
    const elsewhere = { ...envelope, clientIp: '203.0.113.66' };
    expect(await check(message(), dnsMode, dns, elsewhere)).toMatchObject({
      verified: false,
      results: { spf: 'fail' },
    });
  });

  it('off authenticates nobody and asks no DNS', async () => {
    const dns = dnsTable();
    const example = dkimDomain(dns, 'example.com');
    const signed = await example.sign(message());
    expect(
      await check(signed, { EMAIL_VERIFY_SENDER: 'off', EMAIL_TRUSTED_AUTHSERV_ID: undefined }, dns),
    ).toMatchObject({ verified: false });
    expect(dns.asked).toEqual([]);
  });
});

describe('Authentication-Results of the trusted receiver', () => {
  const header: Mode = { EMAIL_VERIFY_SENDER: 'header', EMAIL_TRUSTED_AUTHSERV_ID: 'mx.desk.test' };

  it('parses RFC 8601 results, without comments', () => {
    expect(
      parseAuthResults(
        'mx.desk.test 1; dkim=pass (2048-bit key) header.d=example.com header.s=sel1; spf=pass (sender IP is 192.0.2.10) smtp.mailfrom=alice@example.com; dmarc=pass (p=REJECT) header.from=example.com',
      ),
    ).toEqual({
      authservId: 'mx.desk.test',
      results: [
        { method: 'dkim', result: 'pass', props: { 'header.d': 'example.com', 'header.s': 'sel1' } },
        { method: 'spf', result: 'pass', props: { 'smtp.mailfrom': 'alice@example.com' } },
        { method: 'dmarc', result: 'pass', props: { 'header.from': 'example.com' } },
      ],
    });
  });

  it('DMARC pass in the trusted header authenticates, with no DNS asked', async () => {
    const dns = dnsTable();
    const raw = message(
      undefined,
      'Authentication-Results: mx.desk.test; dkim=pass header.d=example.com; dmarc=pass header.from=example.com',
    );
    expect(await check(raw, header, dns)).toMatchObject({ verified: true, method: 'authserv:dmarc' });
    expect(dns.asked).toEqual([]);
  });

  it('the same header from another authserv-id is ignored', async () => {
    const raw = message(undefined, 'Authentication-Results: mx.elsewhere.test; dmarc=pass header.from=example.com');
    expect(await check(raw, header)).toMatchObject({ verified: false });
  });

  it('only the topmost header with the trusted id counts: a forged one below it does not', async () => {
    const raw = message(
      undefined,
      [
        'Authentication-Results: mx.desk.test; dkim=none; spf=softfail smtp.mailfrom=example.com; dmarc=fail header.from=example.com',
        'Authentication-Results: mx.desk.test; dmarc=pass header.from=example.com',
      ].join('\r\n'),
    );
    expect(await check(raw, header)).toMatchObject({ verified: false });
  });

  it('a DMARC pass for another domain than the From address does not count', async () => {
    const raw = message(undefined, 'Authentication-Results: mx.desk.test; dmarc=pass header.from=attacker.example');
    expect(await check(raw, header)).toMatchObject({ verified: false });
  });

  it('with dns mode, a failing verdict of the trusted receiver stands against a DNS check', async () => {
    const dns = dnsTable();
    const example = dkimDomain(dns, 'example.com');
    const raw = await example.sign(
      message(undefined, 'Authentication-Results: mx.desk.test; dmarc=fail header.from=example.com'),
    );
    const result = await check(raw, { EMAIL_VERIFY_SENDER: 'dns', EMAIL_TRUSTED_AUTHSERV_ID: 'mx.desk.test' }, dns);
    expect(result).toMatchObject({ verified: false, results: { 'ar.dmarc': 'fail' } });
  });
});
