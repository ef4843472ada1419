import { and, eq, sql } from 'drizzle-orm';
import { recordAudit, type Actor } from '../audit/record.js';
import type { DbOrTx } from '../db/client.js';
import { settings } from '../db/schema.js';
import type { Services } from '../http/context.js';

/**
 * Microsoft Teams: the teams the bot was added to (their conversation references, so it can post
 * there) and the triage channel an admin chose. Kept in `settings`, one row per team.
 */
const teamKey = (teamId: string) => `teams.team:${teamId}`;
const triageKey = 'teams.triage';

const readSetting = async (db: DbOrTx, key: string) =>
  (await db.select().from(settings).where(eq(settings.key, key)))[0]?.value ?? null;

const writeSetting = (db: DbOrTx, key: string, value: unknown, now: Date) =>
  db
    .insert(settings)
    .values({ key, value })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } });

export async function rememberTeam<T extends { teamId: string }>(db: DbOrTx, team: T, now: Date): Promise<T> {
  await writeSetting(db, teamKey(team.teamId), team, now);
  return team;
}

/** Forget a team, and its triage channel if it was there. */
export async function forgetTeam(db: Services['db'], teamId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(settings).where(eq(settings.key, teamKey(teamId)));
    await tx.delete(settings).where(and(eq(settings.key, triageKey), sql`${settings.value}->>'teamId' = ${teamId}`));
  });
}

/** The stored triage channel, unchecked (the route parses it). */
export const readTeamsTriage = (db: DbOrTx): Promise<unknown> => readSetting(db, triageKey);

/** Make a channel the triage channel, with an audit row of the change. */
export async function setTeamsTriage<T>(services: Services, actor: Actor, triage: T): Promise<T> {
  await services.db.transaction(async (tx) => {
    const before = await readSetting(tx, triageKey);
    await writeSetting(tx, triageKey, triage, services.clock.now());
    await recordAudit(tx, actor, {
      action: 'teams.triage_set',
      entityType: 'setting',
      entityId: triageKey,
      before,
      after: triage,
    });
  });
  return triage;
}
