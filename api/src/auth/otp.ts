import { randomInt } from 'node:crypto';
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { authTokens } from '../db/schema.js';
import type { Services, UserRow } from '../http/context.js';
import { queueMail } from '../mail/outbox.js';
import { safeEqual, sha256 } from '../security/crypto.js';

export const OTP_TTL_MS = 10 * 60_000;
export const OTP_MAX_ATTEMPTS = 5;

const hashOtp = (userId: string, code: string) => sha256(`${userId}:${code}`);

/** Send a new 6-digit sign-in code by email; earlier unused codes stop working. */
export async function sendEmailOtp(db: DbOrTx, services: Services, user: UserRow): Promise<void> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const now = services.clock.now();
  await db
    .update(authTokens)
    .set({ usedAt: now })
    .where(and(eq(authTokens.userId, user.id), eq(authTokens.purpose, 'email_otp'), isNull(authTokens.usedAt)));
  await db.insert(authTokens).values({
    userId: user.id,
    purpose: 'email_otp',
    tokenHash: hashOtp(user.id, code),
    expiresAt: new Date(now.getTime() + OTP_TTL_MS),
  });
  await queueMail(
    db,
    {
      to: user.email,
      // Never in the subject: subjects are listed and kept where the body is not.
      subject: 'Your Deskmate sign-in code',
      text: `Hello ${user.name},\n\nYour Deskmate sign-in code is ${code}. It expires in 10 minutes and works once.\n\nIf you did not try to sign in, change your password.`,
      kind: 'email_otp',
      userId: user.id,
    },
    services.logger,
  );
}

/** The user's emailed codes that still work: unused (spent tries mark a code used) and unexpired. */
const usableCode = (user: UserRow, now: Date) =>
  and(
    eq(authTokens.userId, user.id),
    eq(authTokens.purpose, 'email_otp'),
    isNull(authTokens.usedAt),
    gt(authTokens.expiresAt, now),
  );

/**
 * Whether the user holds an emailed code that still works (unused, unexpired; a code is marked
 * used once its tries are spent): the password step then sends no other.
 */
export async function hasUsableEmailOtp(db: DbOrTx, services: Services, user: UserRow): Promise<boolean> {
  const [token] = await db
    .select({ id: authTokens.id })
    .from(authTokens)
    .where(usableCode(user, services.clock.now()))
    .limit(1);
  return token !== undefined;
}

/**
 * Check an emailed code: the newest unused, unexpired one, at most five tries, used once.
 * Every try counts, right or wrong.
 */
export async function checkEmailOtp(db: DbOrTx, services: Services, user: UserRow, code: string): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  const now = services.clock.now();
  const [token] = await db
    .select()
    .from(authTokens)
    .where(usableCode(user, now))
    .orderBy(desc(authTokens.createdAt))
    .limit(1)
    .for('update');
  if (!token) return false;
  const attempts = token.attempts + 1;
  const ok = attempts <= OTP_MAX_ATTEMPTS && safeEqual(token.tokenHash, hashOtp(user.id, code));
  await db
    .update(authTokens)
    .set({ attempts, ...(ok || attempts >= OTP_MAX_ATTEMPTS ? { usedAt: now } : {}) })
    .where(eq(authTokens.id, token.id));
  return ok;
}
