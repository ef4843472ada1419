import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { users } from '../db/schema.js';
import type { notificationDeliveryModes } from '@deskmate/shared';
import { notificationPreferences } from '../db/schema-email.js';

export type DeliveryMode = (typeof notificationDeliveryModes)[number];

export interface Preferences {
  delivery: DeliveryMode;
  quietHours: { start: string; end: string } | null;
  /** The zone quiet hours and the digest hour are read in. */
  timeZone: string;
}

/** A person's preferences; without a row: both channels, no quiet hours, their own zone. */
export async function loadPreferences(db: DbOrTx, userId: string, fallbackZone: string): Promise<Preferences> {
  const [row] = await db
    .select({ pref: notificationPreferences, userZone: users.timezone })
    .from(users)
    .leftJoin(notificationPreferences, eq(notificationPreferences.userId, users.id))
    .where(eq(users.id, userId));
  return effectivePreferences(row?.pref ?? null, row?.userZone ?? null, fallbackZone);
}

/**
 * Preferences from a person's row of notification_preferences (null: none) and their own zone:
 * what `loadPreferences` reads, for a query that joins them to something else.
 */
export function effectivePreferences(
  pref: typeof notificationPreferences.$inferSelect | null,
  userZone: string | null,
  fallbackZone: string,
): Preferences {
  return {
    delivery: pref?.delivery ?? 'both',
    quietHours: pref?.quietStart && pref.quietEnd ? { start: pref.quietStart, end: pref.quietEnd } : null,
    timeZone: pref?.timeZone ?? userZone ?? fallbackZone,
  };
}

/**
 * Whether a person with this delivery preference (none saved: undefined) wants notifications in
 * chat: both or chat.
 */
export const chatWanted = (delivery: string | undefined): boolean =>
  delivery === undefined || delivery === 'both' || delivery === 'chat';

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
};

/** Minutes since local midnight of `at` in `timeZone`. */
export function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' })
    .formatToParts(at)
    .reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  return Number(parts.hour) * 60 + Number(parts.minute);
}

/**
 * When the quiet hours that hold at `now` end, or null when `now` is outside them. The window is
 * read on the local wall clock and may span midnight (22:00-07:00). Across a daylight-saving
 * change the end may be an hour off; the sender checks again then and waits the rest.
 */
export function quietUntil(now: Date, quiet: { start: string; end: string }, timeZone: string): Date | null {
  const current = localMinutes(now, timeZone);
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const inside = start < end ? current >= start && current < end : current >= start || current < end;
  if (!inside) return null;
  const wait = (end - current + 1440) % 1440;
  const at = new Date(now.getTime() + wait * 60_000);
  at.setUTCSeconds(0, 0);
  return at;
}

/** The next time it is `hour`:00 on the local clock, strictly after `after`. */
export function nextLocalHour(after: Date, hour: number, timeZone: string): Date {
  const current = localMinutes(after, timeZone);
  const wait = (hour * 60 - current + 1440) % 1440 || 1440;
  const at = new Date(after.getTime() + wait * 60_000);
  at.setUTCSeconds(0, 0);
  return at;
}

export type EmailDecision =
  | { action: 'send' }
  | { action: 'skip'; reason: 'prefers_chat' | 'in_digest' }
  | { action: 'digest'; at: Date }
  | { action: 'defer'; until: Date };

/**
 * What to do with one email for a person, now. Chat-only people get no notification email;
 * digest-only people get theirs in the next daily digest (at DIGEST_HOUR in their zone);
 * during quiet hours the email waits until they end. Mail a person asked for (a digest they
 * chose) is `always`: only quiet hours delay it.
 */
export function decideEmail(
  pref: Preferences,
  now: Date,
  options: { digestHour: number; kind: 'notification' | 'confirmation' | 'digest'; happenedAt?: Date },
): EmailDecision {
  if (pref.delivery === 'chat') return { action: 'skip', reason: 'prefers_chat' };
  if (pref.delivery === 'digest' && options.kind === 'notification')
    // The digest after the notification was made (not after now), so a late delivery is not lost.
    return { action: 'digest', at: nextLocalHour(options.happenedAt ?? now, options.digestHour, pref.timeZone) };
  if (pref.delivery === 'digest' && options.kind === 'confirmation') return { action: 'skip', reason: 'in_digest' };
  const until = pref.quietHours ? quietUntil(now, pref.quietHours, pref.timeZone) : null;
  return until ? { action: 'defer', until } : { action: 'send' };
}

/** A person's preferences as the API shows them: the effective ones, and the zone they chose (null: their own). */
export async function preferencesOf(db: DbOrTx, userId: string, fallbackZone: string) {
  const [row] = await db.select().from(notificationPreferences).where(eq(notificationPreferences.userId, userId));
  return presentPreferences(await loadPreferences(db, userId, fallbackZone), row?.timeZone ?? null);
}

/** Change a person's preferences (what is not given stays as it is). */
export async function savePreferences(
  db: DbOrTx,
  userId: string,
  change: {
    delivery?: DeliveryMode;
    quietHours?: { start: string; end: string } | null;
    timeZone?: string | null;
  },
  now: Date,
  fallbackZone: string,
) {
  const { delivery, quietHours, timeZone } = change;
  const set = {
    ...(delivery !== undefined ? { delivery } : {}),
    ...(quietHours !== undefined ? { quietStart: quietHours?.start ?? null, quietEnd: quietHours?.end ?? null } : {}),
    ...(timeZone !== undefined ? { timeZone } : {}),
    updatedAt: now,
  };
  const [row] = await db
    .insert(notificationPreferences)
    .values({ userId, ...set })
    .onConflictDoUpdate({ target: notificationPreferences.userId, set })
    .returning();
  return presentPreferences(await loadPreferences(db, userId, fallbackZone), row?.timeZone ?? null);
}

const presentPreferences = (p: Preferences, stored: string | null) => ({
  delivery: p.delivery,
  quietHours: p.quietHours,
  timeZone: stored,
});
