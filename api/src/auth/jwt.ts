import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { ZUserRole } from '@deskmate/shared';
import { randomToken } from '../security/crypto.js';

/**
 * A full session: `sub` (user id), `role`, `tv` (the user's token version when issued) and `sid`
 * (its row in user_sessions, so that one sign-in can be ended without the others).
 */
const ZSessionClaims = z.object({
  typ: z.literal('session'),
  sub: z.string(),
  role: ZUserRole,
  tv: z.number().int(),
  sid: z.uuid(),
  iat: z.number(),
  exp: z.number(),
});

/**
 * A half-authenticated token after a correct password: it can only finish two-factor sign-in
 * (verify, resend) or, for `enroll`, set up the second factor an admin requires.
 */
const ZHalfClaims = z.object({
  typ: z.literal('2fa'),
  sub: z.string(),
  tv: z.number().int(),
  method: z.enum(['totp', 'email', 'enroll']),
  jti: z.string(),
  iat: z.number(),
  exp: z.number(),
});

export type SessionClaims = z.infer<typeof ZSessionClaims>;
export type HalfClaims = z.infer<typeof ZHalfClaims>;
export type Claims = SessionClaims | HalfClaims;

export const HALF_TOKEN_TTL_SEC = 10 * 60;

const ALGORITHM = 'HS256';

// A KeyObject made once per secret: given a string, jsonwebtoken first tries (and fails) to parse
// it as a PEM public key on every call, which cost a fifth of a request's CPU.
const keys = new Map<string, KeyObject>();
function keyFor(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  return key;
}

export function signSession(
  secret: string,
  claims: { sub: string; role: SessionClaims['role']; tv: number; sid: string },
  nowSec: number,
  ttlSec: number,
): string {
  return jwt.sign({ typ: 'session', ...claims, iat: nowSec, exp: nowSec + ttlSec }, keyFor(secret), {
    algorithm: ALGORITHM,
  });
}

export function signHalf(
  secret: string,
  claims: { sub: string; tv: number; method: HalfClaims['method'] },
  nowSec: number,
): string {
  return jwt.sign(
    { typ: '2fa', ...claims, jti: randomToken(12), iat: nowSec, exp: nowSec + HALF_TOKEN_TTL_SEC },
    secret,
    {
      algorithm: ALGORITHM,
    },
  );
}

/**
 * Verify signature (HS256 only: `alg: none` and every other algorithm are refused), expiry
 * against our clock, and the claim shape. Returns null for anything that is not a valid token.
 */
export function verifyToken(secret: string, token: string, nowSec: number): Claims | null {
  try {
    const decoded = jwt.verify(token, keyFor(secret), { algorithms: [ALGORITHM], clockTimestamp: nowSec });
    const parsed = z.union([ZSessionClaims, ZHalfClaims]).safeParse(decoded);
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
