import { asc, eq, inArray, sql } from 'drizzle-orm';
import type {
  TPutSlaCalendarsRequest,
  TPutSlaPoliciesRequest,
  TSlaCalendar,
  TSlaPolicy,
  TTicketCategory,
} from '@deskmate/shared';
import { recordAudit, type Actor } from '../audit/record.js';
import type { DbOrTx } from '../db/client.js';
import { groups, slaCalendars, slaPolicies } from '../db/schema.js';
import type { Services } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { calendarOf, escalationOf, loadSlaSetup, type CalendarRow, type PolicyRow } from './setup.js';
import { recomputeOpenTickets } from './sync.js';

export function presentCalendar(row: CalendarRow): TSlaCalendar {
  return { id: row.id, name: row.name, ...calendarOf(row), updatedAt: row.updatedAt.toISOString() };
}

export function presentPolicy(row: PolicyRow): TSlaPolicy {
  return {
    id: row.id,
    name: row.name,
    priority: row.priority,
    groupId: row.groupId,
    category: row.category as TTicketCategory | null,
    calendarId: row.calendarId,
    firstResponseMinutes: row.firstResponseMinutes,
    resolutionMinutes: row.resolutionMinutes,
    warningPercent: row.warningPercent,
    escalation: escalationOf(row),
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
  };
}

const priorityOrder = sql`array_position(ARRAY['urgent','high','medium','low']::ticket_priority[], ${slaPolicies.priority})`;

export async function listCalendars(db: DbOrTx): Promise<TSlaCalendar[]> {
  return (await db.select().from(slaCalendars).orderBy(asc(slaCalendars.name))).map(presentCalendar);
}

export async function listPolicies(db: DbOrTx): Promise<TSlaPolicy[]> {
  const rows = await db
    .select()
    .from(slaPolicies)
    .where(eq(slaPolicies.active, true))
    .orderBy(priorityOrder, sql`${slaPolicies.groupId} NULLS FIRST`, sql`${slaPolicies.category} NULLS FIRST`);
  return rows.map(presentPolicy);
}

/** Admin edits of SLA configuration take turns: each recomputes every open ticket. */
const lockConfig = (tx: DbOrTx) => tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext('deskmate.sla.config'))`);

/**
 * Replace the set of calendars: listed ones with an id are updated, without one created, the
 * others deleted — refused (409) while a policy uses one. Open tickets are recomputed at once
 * (consumed business time kept, measured on the calendars as they were).
 */
export async function putCalendars(
  services: Services,
  body: TPutSlaCalendarsRequest,
  actor: Actor,
): Promise<TSlaCalendar[]> {
  const now = services.clock.now();
  return services.db.transaction(async (tx) => {
    await lockConfig(tx);
    const previous = await loadSlaSetup(tx);
    const existing = await tx.select().from(slaCalendars);
    const byId = new Map(existing.map((c) => [c.id, c]));
    const unknown = body.items.find((c) => c.id && !byId.has(c.id));
    if (unknown) throw new AppError('validation_failed', `Invalid body.items: no calendar has the id ${unknown.id}`);
    const kept = new Set(body.items.map((c) => c.id).filter((id): id is string => Boolean(id)));
    const removed = existing.filter((c) => !kept.has(c.id));
    if (removed.length) {
      const users = await tx
        .select({ name: slaPolicies.name, calendarId: slaPolicies.calendarId })
        .from(slaPolicies)
        .where(
          inArray(
            slaPolicies.calendarId,
            removed.map((c) => c.id),
          ),
        );
      const inUse = users[0];
      if (inUse) {
        const name = byId.get(inUse.calendarId)?.name ?? inUse.calendarId;
        throw new AppError(
          'conflict',
          `The calendar “${name}” is used by the policy “${inUse.name}”: keep it or change the policy first`,
        );
      }
      await tx.delete(slaCalendars).where(
        inArray(
          slaCalendars.id,
          removed.map((c) => c.id),
        ),
      );
    }
    // Free the names first so that two calendars may swap names in one request.
    if (body.items.some((c) => c.id)) {
      await tx
        .update(slaCalendars)
        .set({ name: sql`${slaCalendars.id}::text` })
        .where(inArray(slaCalendars.id, [...kept]));
    }
    for (const c of body.items) {
      const values = { name: c.name, timeZone: c.timeZone, weekly: c.weekly, holidays: c.holidays };
      if (c.id)
        await tx
          .update(slaCalendars)
          .set({ ...values, updatedAt: now })
          .where(eq(slaCalendars.id, c.id));
      else await tx.insert(slaCalendars).values({ ...values, createdAt: now, updatedAt: now });
    }
    const recomputed = await recomputeOpenTickets(tx, now, await loadSlaSetup(tx), previous);
    const after = await listCalendars(tx);
    await recordAudit(tx, actor, {
      action: 'sla.calendars_updated',
      entityType: 'sla',
      before: existing.map(presentCalendar),
      after: { calendars: after, ticketsRecomputed: recomputed },
    });
    return after;
  });
}

const sameFields = (row: PolicyRow, p: TPutSlaPoliciesRequest['items'][number]) =>
  row.name === p.name &&
  row.priority === p.priority &&
  row.groupId === p.groupId &&
  row.category === p.category &&
  row.calendarId === p.calendarId &&
  row.firstResponseMinutes === p.firstResponseMinutes &&
  row.resolutionMinutes === p.resolutionMinutes &&
  row.warningPercent === p.warningPercent &&
  JSON.stringify(escalationOf(row)) === JSON.stringify(p.escalation);

/**
 * Replace the set of policies: listed ones with an id are updated (their version goes up when
 * anything changed), without one created; the others are retired (kept inactive, so tickets that
 * name them still explain). Open tickets are recomputed at once, keeping consumed business time.
 */
export async function putPolicies(
  services: Services,
  body: TPutSlaPoliciesRequest,
  actor: Actor,
): Promise<TSlaPolicy[]> {
  const now = services.clock.now();
  return services.db.transaction(async (tx) => {
    await lockConfig(tx);
    const previous = await loadSlaSetup(tx);
    const byId = new Map(previous.policies.map((p) => [p.id, p]));
    const unknown = body.items.find((p) => p.id && !byId.has(p.id));
    if (unknown)
      throw new AppError('validation_failed', `Invalid body.items: no active policy has the id ${unknown.id}`);
    const badCalendar = body.items.find((p) => !previous.calendars.has(p.calendarId));
    if (badCalendar)
      throw new AppError('validation_failed', `Invalid body.items: no calendar has the id ${badCalendar.calendarId}`);
    const groupIds = [...new Set(body.items.map((p) => p.groupId).filter((g): g is string => g !== null))];
    if (groupIds.length) {
      const found = new Set(
        (await tx.select({ id: groups.id }).from(groups).where(inArray(groups.id, groupIds))).map((g) => g.id),
      );
      const missing = groupIds.find((g) => !found.has(g));
      if (missing) throw new AppError('validation_failed', `Invalid body.items: no group has the id ${missing}`);
    }
    const kept = new Set(body.items.map((p) => p.id).filter((id): id is string => Boolean(id)));
    const changed = (p: TPutSlaPoliciesRequest['items'][number]) => !p.id || !sameFields(byId.get(p.id)!, p);
    // Retire what goes or changes first, so the scope index never sees two active policies at once.
    const retire = previous.policies.filter(
      (p) => !kept.has(p.id) || body.items.some((i) => i.id === p.id && changed(i)),
    );
    if (retire.length) {
      await tx
        .update(slaPolicies)
        .set({ active: false, updatedAt: now })
        .where(
          inArray(
            slaPolicies.id,
            retire.map((p) => p.id),
          ),
        );
    }
    for (const p of body.items) {
      if (!changed(p)) continue;
      const values = {
        name: p.name,
        priority: p.priority,
        groupId: p.groupId,
        category: p.category,
        calendarId: p.calendarId,
        firstResponseMinutes: p.firstResponseMinutes,
        resolutionMinutes: p.resolutionMinutes,
        warningPercent: p.warningPercent,
        escalation: p.escalation,
        updatedAt: now,
      };
      if (p.id) {
        // The same policy, a new version: it keeps its id, so tickets keep pointing at it.
        await tx
          .update(slaPolicies)
          .set({ ...values, active: true, version: sql`${slaPolicies.version} + 1` })
          .where(eq(slaPolicies.id, p.id));
      } else {
        await tx.insert(slaPolicies).values({ ...values, createdAt: now });
      }
    }
    const recomputed = await recomputeOpenTickets(tx, now, await loadSlaSetup(tx), previous);
    const after = await listPolicies(tx);
    await recordAudit(tx, actor, {
      action: 'sla.policies_updated',
      entityType: 'sla',
      before: previous.policies.map(presentPolicy),
      after: { policies: after, ticketsRecomputed: recomputed },
    });
    return after;
  });
}
