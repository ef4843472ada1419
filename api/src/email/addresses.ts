import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { parseMailbox, type Config } from '../config.js';

/**
 * Our addresses and the signed reply address. A reply address names the ticket, the person the
 * mail was sent to and whether it carried internal content, and is signed with HMAC-SHA256:
 *
 *   support+it-1042.p<recipient>.<mac>@desk.example.com
 *
 * `p` (public) or `i` (internal: a reply becomes an internal note), the recipient's user id in
 * base32 (26 characters) and 65 bits of MAC in base32 (13). Lower case only, since mail systems
 * may change the case of local parts. The local part stays under 64 characters for keys up to
 * about ten characters.
 */
export interface EmailIdentity {
  /** `Deskmate IT <support@desk.example.com>` */
  from: { name: string | null; address: string };
  /** The mailbox replies go to. */
  reply: { local: string; domain: string; address: string };
  /** Domain of our Message-IDs. */
  domain: string;
}

export function emailIdentity(config: Pick<Config, 'MAIL_FROM' | 'EMAIL_REPLY_ADDRESS'>): EmailIdentity {
  const from = parseMailbox(config.MAIL_FROM);
  if (!from) throw new Error('MAIL_FROM is not an address');
  const replyAddress = (config.EMAIL_REPLY_ADDRESS ?? from.address).toLowerCase();
  const at = replyAddress.lastIndexOf('@');
  const local = replyAddress.slice(0, at).split('+')[0]!;
  const domain = replyAddress.slice(at + 1);
  return { from, reply: { local, domain, address: `${local}@${domain}` }, domain: from.address.split('@')[1]! };
}

/**
 * The key of reply addresses: EMAIL_REPLY_SECRET, else derived from the encryption key with HKDF
 * (its own label, so the same secret never serves two purposes).
 */
export function replyKey(config: Pick<Config, 'EMAIL_REPLY_SECRET'>, encryptionKey: string): Buffer {
  const secret = config.EMAIL_REPLY_SECRET ?? encryptionKey;
  return Buffer.from(hkdfSync('sha256', secret, 'deskmate', 'deskmate email reply address v1', 32));
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Buffer, chars: number): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out.slice(0, chars);
}

function unbase32(text: string, bytes: number): Buffer | null {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of text) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return null;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return out.length >= bytes ? Buffer.from(out.slice(0, bytes)) : null;
}

const uuidToBase32 = (id: string) => base32(Buffer.from(id.replace(/-/g, ''), 'hex'), 26);
function base32ToUuid(text: string): string | null {
  const bytes = unbase32(text, 16);
  if (!bytes) return null;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export type ReplyScope = 'public' | 'internal';

export interface ReplyToken {
  ticketKey: string;
  userId: string;
  scope: ReplyScope;
}

function mac(key: Buffer, ticketKey: string, scope: string, user: string): string {
  return base32(createHmac('sha256', key).update(`${ticketKey.toLowerCase()}.${scope}${user}`).digest(), 13);
}

/** `it-1042.p<user>.<mac>`: the part after the `+`. */
export function signReplyToken(key: Buffer, token: ReplyToken): string {
  const scope = token.scope === 'internal' ? 'i' : 'p';
  const user = uuidToBase32(token.userId);
  return `${token.ticketKey.toLowerCase()}.${scope}${user}.${mac(key, token.ticketKey, scope, user)}`;
}

export function replyAddress(identity: EmailIdentity, key: Buffer, token: ReplyToken): string {
  return `${identity.reply.local}+${signReplyToken(key, token)}@${identity.reply.domain}`;
}

export type TokenCheck = { ok: true; token: ReplyToken } | { ok: false; reason: 'malformed' | 'bad_signature' };

/** Check a token's signature in constant time. The ticket key comes back upper-cased. */
export function verifyReplyToken(key: Buffer, text: string): TokenCheck {
  const match = /^([a-z][a-z0-9]{0,9}-\d{1,9})\.([pi])([a-z2-7]{26})\.([a-z2-7]{13})$/.exec(text.toLowerCase());
  if (!match) return { ok: false, reason: 'malformed' };
  const [, ticketKey, scope, user, given] = match as unknown as [string, string, string, string, string];
  const expected = Buffer.from(mac(key, ticketKey, scope, user));
  const actual = Buffer.from(given);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual))
    return { ok: false, reason: 'bad_signature' };
  const userId = base32ToUuid(user);
  if (!userId) return { ok: false, reason: 'malformed' };
  return {
    ok: true,
    token: { ticketKey: ticketKey.toUpperCase(), userId, scope: scope === 'i' ? 'internal' : 'public' },
  };
}

/**
 * The token of an address written to our reply mailbox (`support+<token>@domain`), or null when
 * the address is not one of ours or carries no token.
 */
export function tokenInAddress(identity: EmailIdentity, address: string): string | null {
  const lower = address.toLowerCase();
  const prefix = `${identity.reply.local}+`;
  const suffix = `@${identity.reply.domain}`;
  if (!lower.startsWith(prefix) || !lower.endsWith(suffix)) return null;
  return lower.slice(prefix.length, lower.length - suffix.length) || null;
}

/** Mail from these is our own (a loop): MAIL_FROM, the reply mailbox and its plus addresses. */
export function isOwnAddress(identity: EmailIdentity, address: string): boolean {
  const lower = address.toLowerCase();
  if (lower === identity.from.address || lower === identity.reply.address) return true;
  return tokenInAddress(identity, lower) !== null;
}
