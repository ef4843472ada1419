import { generate, generateSecret, generateURI, verify } from 'otplib';

export const TOTP_PERIOD_SEC = 30;

export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(secret: string, account: string, issuer = 'Deskmate'): string {
  return generateURI({ issuer, label: account, secret });
}

/** The code for a moment (tests, and the RFC 6238 vectors with 8 digits). */
export function totpCode(
  secret: string,
  atMs: number,
  digits: 6 | 8 = 6,
  algorithm: 'sha1' | 'sha256' | 'sha512' = 'sha1',
): Promise<string> {
  return generate({ secret, epoch: Math.floor(atMs / 1000), digits, algorithm });
}

/**
 * Check a code within ±1 time step. Returns the time step it matched, or null. Codes from a step
 * at or before `afterStep` (the last one used) are refused, so a code cannot be replayed.
 */
export async function verifyTotp(
  secret: string,
  code: string,
  atMs: number,
  afterStep: number | null,
  digits: 6 | 8 = 6,
): Promise<number | null> {
  if (!/^\d+$/.test(code) || code.length !== digits) return null;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(atMs / 1000),
    epochTolerance: TOTP_PERIOD_SEC,
    digits,
    ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
  });
  return result.valid ? Math.floor(atMs / 1000 / TOTP_PERIOD_SEC) + result.delta : null;
}
