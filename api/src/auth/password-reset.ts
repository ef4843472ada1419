import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { ZChannel } from '@deskmate/shared';
import { recordAudit } from '../audit/record.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { authTokens, users } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { queueMail } from '../mail/outbox.js';
import { randomToken, sha256 } from '../security/crypto.js';
import { takeSlot } from '../security/rate-limit.js';
import { limits } from './limits.js';

/** How long a reset link works. */
export const RESET_TTL_MS = 60 * 60_000;

/**
 * A "forgot password" request as queued: the address as typed (normalised), the link base of the
 * instance that answered, and who asked. No token: the work after the answer makes it.
 */
export const ZPasswordResetRequest = z
  .object({
    email: z.string().max(254),
    linkBase: z.url(),
    actor: z
      .object({
        userId: z.uuid().nullable(),
        type: z.enum(['user', 'system', 'integration', 'anonymous']),
        ip: z.string().max(100).optional(),
        userAgent: z.string().max(500).optional(),
        channel: ZChannel.optional(),
      })
      .strict(),
  })
  .strict();
export type TPasswordResetRequest = z.infer<typeof ZPasswordResetRequest>;

/**
 * The work of "forgot password", done after the answer so that a known and an unknown address
 * cannot be told apart by it: look the address up and, for an active account within its limit
 * (3 links an hour), make a single-use token and mail the link. The token exists here, as a hash
 * in the database and in the mail, nowhere else.
 */
export async function mailPasswordReset(
  db: Db,
  deps: { clock: Clock; logger: Logger },
  request: TPasswordResetRequest,
): Promise<'mailed' | 'unknown' | 'limited'> {
  const { clock, logger } = deps;
  return db.transaction(async (tx) => {
    const [user] = await tx
      .select()
      .from(users)
      .where(sql`lower(${users.email}) = ${request.email.toLowerCase()}`);
    if (!user || !user.active) return 'unknown';
    // Serialised per account: jobs of several requests running at once stay within the limit.
    if ((await takeSlot(tx, limits.passwordReset(user.id), clock)).limited) return 'limited';
    const token = randomToken(32);
    await tx.insert(authTokens).values({
      userId: user.id,
      purpose: 'password_reset',
      tokenHash: sha256(token),
      expiresAt: new Date(clock.now().getTime() + RESET_TTL_MS),
    });
    await queueMail(
      tx,
      {
        to: user.email,
        subject: 'Reset your Deskmate password',
        text: `Hello ${user.name},\n\nSomeone (hopefully you) asked to reset your Deskmate password. Open this link within an hour to choose a new one:\n\n${request.linkBase}/reset-password?token=${token}\n\nIf it was not you, ignore this email; your password is unchanged.`,
        kind: 'password_reset',
        userId: user.id,
      },
      logger,
    );
    await recordAudit(tx, request.actor, {
      action: 'auth.password_reset_requested',
      entityType: 'user',
      entityId: user.id,
    });
    return 'mailed';
  });
}
