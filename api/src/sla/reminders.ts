import { and, asc, eq, gt, inArray, isNotNull, lte } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { tickets } from '../db/schema.js';
import { writeOutbox } from '../delivery/outbox.js';
import { notifyMany } from '../notifications/service.js';
import { clockNames, type ClockName } from './clock.js';
import { loadSlaSetup } from './setup.js';
import { describeInstant } from './text.js';

const BATCH = 500;

const columns = {
  firstResponse: {
    due: tickets.firstResponseDueAt,
    running: tickets.firstResponseRunningSince,
    reminded: tickets.firstResponseReminded,
    kind: 'first_response_reminder',
    label: 'first response',
  },
  resolution: {
    due: tickets.resolutionDueAt,
    running: tickets.resolutionRunningSince,
    reminded: tickets.resolutionReminded,
    kind: 'resolution_reminder',
    label: 'resolution',
  },
} as const;

/**
 * Due reminders: tell the assignee `beforeMs` ahead of a running clock's due time, once per due
 * time (a due time that moves — after a pause, a priority change — may be reminded again). Picks
 * candidates by the partial due-time indexes, in batches under FOR UPDATE SKIP LOCKED; the outbox
 * dedupe key `sla:<ticket>:<clock>_reminder:<due>` makes a reminder once-only across workers.
 */
export async function sendDueReminders(db: Db, clock: Clock, beforeMs: number): Promise<number> {
  const now = clock.now();
  let sent = 0;
  for (const name of clockNames) sent += await remindClock(db, now, beforeMs, name);
  return sent;
}

async function remindClock(db: Db, now: Date, beforeMs: number, name: ClockName): Promise<number> {
  const c = columns[name];
  let sent = 0;
  for (;;) {
    const taken = await db.transaction(async (tx) => {
      const rows = await tx
        .select({
          id: tickets.id,
          key: tickets.key,
          title: tickets.title,
          assigneeId: tickets.assigneeId,
          due: c.due,
          calendarId: tickets.slaCalendarId,
        })
        .from(tickets)
        .where(
          and(
            isNotNull(c.running),
            eq(c.reminded, false),
            isNotNull(tickets.assigneeId),
            gt(c.due, now),
            lte(c.due, new Date(now.getTime() + beforeMs)),
          ),
        )
        .orderBy(asc(c.due))
        .limit(BATCH)
        .for('update', { skipLocked: true });
      if (!rows.length) return 0;
      await tx
        .update(tickets)
        .set({ [name === 'firstResponse' ? 'firstResponseReminded' : 'resolutionReminded']: true })
        .where(
          inArray(
            tickets.id,
            rows.map((r) => r.id),
          ),
        );
      const inserted = await writeOutbox(
        tx,
        'sla.reminder',
        rows.map((r) => ({
          dedupeKey: `sla:${r.id}:${c.kind}:${r.due!.getTime()}`,
          payload: { ticketId: r.id, key: r.key, kind: c.kind, dueAt: r.due!.toISOString(), userId: r.assigneeId! },
        })),
        'skip',
      );
      const fresh = new Set(inserted.map((r) => r.dedupeKey));
      const setup = await loadSlaSetup(tx);
      const notes = rows
        .filter((r) => fresh.has(`sla:${r.id}:${c.kind}:${r.due!.getTime()}`))
        .map((r) => {
          const zone = setup.calendars.get(r.calendarId ?? '')?.calendar.timeZone ?? 'UTC';
          const minutes = Math.round((r.due!.getTime() - now.getTime()) / 60_000);
          return {
            userIds: [r.assigneeId],
            type: 'reminder' as const,
            ticket: r,
            title: `${r.key}: ${c.label} due in ${minutes} min`,
            body: `${r.title} — ${c.label} is due ${describeInstant(r.due!, zone)}.`,
            visibility: 'internal' as const,
            actorId: null,
          };
        });
      await notifyMany(tx, notes);
      sent += notes.length;
      return rows.length;
    });
    if (taken < BATCH) break;
  }
  return sent;
}
