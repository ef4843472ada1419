import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { totpCode, verifyTotp } from './totp.js';

// RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890" (base32 below).
const RFC_SHA1_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const vectors: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238)', () => {
  it.each(vectors)('at T=%i the SHA-1 code is %s', async (seconds, expected) => {
    expect(await totpCode(RFC_SHA1_SECRET, seconds * 1000, 8)).toBe(expected);
    expect(await verifyTotp(RFC_SHA1_SECRET, expected, seconds * 1000, null, 8)).toBe(Math.floor(seconds / 30));
  });

  it('accepts the previous and next step, not two steps away', async () => {
    const at = 1_800_000_000_000;
    const step = Math.floor(at / 30_000);
    const prev = await totpCode(RFC_SHA1_SECRET, at - 30_000);
    const next = await totpCode(RFC_SHA1_SECRET, at + 30_000);
    const far = await totpCode(RFC_SHA1_SECRET, at - 60_000);
    expect(await verifyTotp(RFC_SHA1_SECRET, prev, at, null)).toBe(step - 1);
    expect(await verifyTotp(RFC_SHA1_SECRET, next, at, null)).toBe(step + 1);
    expect(await verifyTotp(RFC_SHA1_SECRET, far, at, null)).toBeNull();
  });

  it('refuses a code from a step already used (no replay)', async () => {
    const at = 1_800_000_000_000;
    const code = await totpCode(RFC_SHA1_SECRET, at);
    const step = await verifyTotp(RFC_SHA1_SECRET, code, at, null);
    expect(step).not.toBeNull();
    expect(await verifyTotp(RFC_SHA1_SECRET, code, at, step)).toBeNull();
    expect(await verifyTotp(RFC_SHA1_SECRET, code, at + 10_000, step)).toBeNull();
  });

  it('refuses malformed codes', async () => {
    for (const bad of ['', '12345', '1234567', 'abcdef', '12 345']) {
      expect(await verifyTotp(RFC_SHA1_SECRET, bad, 1_800_000_000_000, null)).toBeNull();
    }
  });
});

let oathtool: string | null = null;
try {
  oathtool = execFileSync('sh', ['-c', 'command -v oathtool']).toString().trim() || null;
} catch {
  oathtool = null;
}
if (!oathtool)
  console.warn('oathtool is not installed: the independent-generator TOTP check is skipped here (.ci/run installs it)');

describe.runIf(oathtool)('TOTP against an independent generator (oathtool)', () => {
  it('matches oathtool --totp at several moments', async () => {
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    for (const iso of ['2026-01-05T09:00:00Z', '2026-07-01T12:34:56Z', '2030-12-31T23:59:59Z']) {
      const fromOath = execFileSync(oathtool!, [
        '--totp',
        '-b',
        '-N',
        iso.replace('T', ' ').replace('Z', ' UTC'),
        secret,
      ])
        .toString()
        .trim();
      expect(await totpCode(secret, Date.parse(iso))).toBe(fromOath);
    }
  });
});
