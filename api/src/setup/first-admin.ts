import { randomInt } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { recordAudit, type Actor } from '../audit/record.js';
import { assertPasswordAcceptable } from '../auth/password-policy.js';
import { hashPassword } from '../auth/passwords.js';
import type { Db, DbOrTx } from '../db/client.js';
import { settings, users } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import type { Services, UserRow } from '../http/context.js';
import { presentUser } from '../presenters/user.js';
import { safeEqual, sha256 } from '../security/crypto.js';
import { consume, type RateLimit } from '../security/rate-limit.js';

/**
 * The first administrator of a production install. Two ways in, one rule each:
 * - `createAdmin`, used by `deskmate admin create` (anyone who can run commands against the
 *   database may create an admin; the password policy applies);
 * - the first-run setup page, open only while no active admin exists and only with a one-time
 *   code that the starting process printed in its log (`issueSetupCode`); it is gone, code and
 *   page, once an admin exists.
 */

const SETUP_KEY = 'setup.codes';
// Codes of the last few starts stay valid (several processes may print one each); a handful is plenty.
const KEEP_CODES = 5;
// Unambiguous letters and digits: the code is typed from a terminal.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const setupLimit = (ip: string): RateLimit => ({ key: `setup:ip:${ip}`, max: 10, windowMs: 15 * 60_000 });

export async function adminExists(db: DbOrTx): Promise<boolean> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.active, true)))
    .limit(1);
  return Boolean(row);
}

/** Create an admin who signs in with this password. A taken email is a 409 that says so. */
export async function createAdmin(
  db: DbOrTx,
  input: { email: string; name: string; password: string },
  actor: Actor,
): Promise<UserRow> {
  const email = input.email.trim().toLowerCase();
  assertPasswordAcceptable(input.password, { email, name: input.name });
  const [taken] = await db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`);
  if (taken) throw new AppError('conflict', `A user with the email ${email} already exists`);
  const [user] = await db
    .insert(users)
    .values({ email, name: input.name.trim(), role: 'admin', passwordHash: await hashPassword(input.password) })
    .returning();
  await recordAudit(db, actor, {
    action: 'user.created',
    entityType: 'user',
    entityId: user!.id,
    after: presentUser(user!),
  });
  return user!;
}

function newCode(): string {
  const chars = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return [chars.slice(0, 4), chars.slice(4, 8), chars.slice(8)].map((g) => g.join('')).join('-');
}

/** Case, spaces and dashes do not matter when the code is typed. */
const normalise = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

/**
 * While no admin exists: a new one-time setup code, kept only as a hash, to print in the log.
 * Null once an admin exists (and any leftover codes are dropped).
 */
export async function issueSetupCode(db: Db): Promise<string | null> {
  return db.transaction(async (tx) => {
    await lockSetup(tx);
    if (await adminExists(tx)) {
      await tx.delete(settings).where(eq(settings.key, SETUP_KEY));
      return null;
    }
    const code = newCode();
    const kept = [sha256(normalise(code)), ...(await storedHashes(tx))].slice(0, KEEP_CODES);
    await tx
      .insert(settings)
      .values({ key: SETUP_KEY, value: kept })
      .onConflictDoUpdate({ target: settings.key, set: { value: kept, updatedAt: new Date() } });
    return code;
  });
}

/** Setups and code issues take turns (several processes may start at once). */
const lockSetup = (tx: DbOrTx) => tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${SETUP_KEY}, 0))`);

async function storedHashes(tx: DbOrTx): Promise<string[]> {
  const [row] = await tx.select().from(settings).where(eq(settings.key, SETUP_KEY));
  return Array.isArray(row?.value) ? (row.value as unknown[]).filter((h): h is string => typeof h === 'string') : [];
}

export const setupNotNeeded = () =>
  new AppError('not_found', 'Setup is finished: an administrator exists; sign in instead');

/**
 * Create the first admin from the setup page: only while none exists, only with a code this
 * install printed, at most 10 tries per address in 15 minutes. Two at once: one wins, the other
 * gets 404 as if the page were gone.
 */
export async function completeSetup(
  services: Services,
  input: { code: string; email: string; name: string; password: string },
  actor: Actor,
): Promise<UserRow> {
  await consume(services.db, [setupLimit(actor.ip ?? 'unknown')], services.clock);
  return services.db.transaction(async (tx) => {
    // The check for an admin and the insert are one step.
    await lockSetup(tx);
    if (await adminExists(tx)) throw setupNotNeeded();
    const hashes = await storedHashes(tx);
    const given = sha256(normalise(input.code));
    if (!hashes.some((h) => safeEqual(h, given)))
      throw new AppError(
        'unauthenticated',
        'That setup code is not valid: use the one Deskmate printed in its log at start',
      );
    const user = await createAdmin(tx, input, actor);
    await tx.delete(settings).where(eq(settings.key, SETUP_KEY));
    return user;
  });
}
