import { describe, expect, it } from 'vitest';
import {
  emailIdentity,
  isOwnAddress,
  replyAddress,
  replyKey,
  signReplyToken,
  tokenInAddress,
  verifyReplyToken,
} from './addresses.js';
import { nextReferences, parseMessageIds, ticketKeyOfRoot } from './threading.js';

const identity = emailIdentity({ MAIL_FROM: 'Deskmate IT <Support@Desk.Test>', EMAIL_REPLY_ADDRESS: undefined });
const key = replyKey({ EMAIL_REPLY_SECRET: undefined }, 'the-encryption-key-of-this-desk-0123456789');
const alice = '5f0c6d1e-2b3a-4c5d-8e9f-0a1b2c3d4e5f';

describe('signed reply addresses', () => {
  it('name the ticket, the recipient and the scope, and verify back to them', () => {
    const address = replyAddress(identity, key, { ticketKey: 'IT-1042', userId: alice, scope: 'public' });
    expect(address).toMatch(/^support\+it-1042\.p[a-z2-7]{26}\.[a-z2-7]{13}@desk\.test$/);
    expect(address.split('@')[0]!.length).toBeLessThanOrEqual(64);
    const token = tokenInAddress(identity, address)!;
    expect(verifyReplyToken(key, token)).toEqual({
      ok: true,
      token: { ticketKey: 'IT-1042', userId: alice, scope: 'public' },
    });
  });

  it('survive a mail system that upper-cases the address', () => {
    const token = signReplyToken(key, { ticketKey: 'IT-7', userId: alice, scope: 'internal' });
    expect(verifyReplyToken(key, token.toUpperCase())).toMatchObject({ ok: true, token: { scope: 'internal' } });
  });

  it('refuse any change: another ticket, another person, public for internal, a changed signature', () => {
    const token = signReplyToken(key, { ticketKey: 'IT-1042', userId: alice, scope: 'internal' });
    const [ticket, who, mac] = token.split('.') as [string, string, string];
    const bob = signReplyToken(key, {
      ticketKey: 'IT-1042',
      userId: '0b0b0b0b-0000-4000-8000-000000000000',
      scope: 'internal',
    });
    const forgeries = [
      `it-1043.${who}.${mac}`,
      `${ticket}.${bob.split('.')[1]}.${mac}`,
      `${ticket}.p${who.slice(1)}.${mac}`,
      `${ticket}.${who}.${mac.slice(0, -1)}${mac.endsWith('a') ? 'b' : 'a'}`,
    ];
    for (const forged of forgeries)
      expect(verifyReplyToken(key, forged)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyReplyToken(key, 'it-1042.nonsense')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('depend on the key: EMAIL_REPLY_SECRET, else one derived from ENCRYPTION_KEY', () => {
    const token = signReplyToken(key, { ticketKey: 'IT-1', userId: alice, scope: 'public' });
    const other = replyKey(
      { EMAIL_REPLY_SECRET: 'a-separate-reply-secret-of-32-characters!!' },
      'the-encryption-key-of-this-desk-0123456789',
    );
    expect(verifyReplyToken(other, token).ok).toBe(false);
    // The derived key is not the encryption key itself.
    expect(key.toString('utf8')).not.toContain('the-encryption-key');
  });

  it('tell our own addresses (a mail loop) from others', () => {
    expect(isOwnAddress(identity, 'support@desk.test')).toBe(true);
    expect(isOwnAddress(identity, 'SUPPORT+it-1.pabc.def@desk.test')).toBe(true);
    expect(isOwnAddress(identity, 'support@other.test')).toBe(false);
    expect(isOwnAddress(identity, 'alice@desk.test')).toBe(false);
    expect(tokenInAddress(identity, 'support@desk.test')).toBeNull();
  });
});

describe('Message-IDs', () => {
  it('are read from headers with or without brackets', () => {
    expect(parseMessageIds('<a@x> <b@y>')).toEqual(['a@x', 'b@y']);
    expect(parseMessageIds('a@x')).toEqual(['a@x']);
    expect(parseMessageIds(undefined)).toEqual([]);
  });

  it('find a ticket from its thread root, on our domain only', () => {
    expect(ticketKeyOfRoot('IT-1042@desk.test', 'desk.test', 'IT')).toBe('IT-1042');
    expect(ticketKeyOfRoot('IT-1042@evil.test', 'desk.test', 'IT')).toBeNull();
    expect(ticketKeyOfRoot('IT-1042.abc@desk.test', 'desk.test', 'IT')).toBeNull();
  });

  it('keep References to the root and the last nine messages', () => {
    const previous = Array.from({ length: 12 }, (_, i) => `m${i}@d`);
    const refs = nextReferences('root@d', ['root@d', ...previous], 'new@d');
    expect(refs[0]).toBe('root@d');
    expect(refs).toHaveLength(10);
    expect(refs.at(-1)).toBe('new@d');
  });
});
