import { and, asc, eq, isNull, lte, type SQL } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Db, DbOrTx } from '../db/client.js';
import { tickets } from '../db/schema.js';
import { writeOutbox } from '../delivery/outbox.js';
import { ticketColumns, type TicketRow } from '../tickets/presenter.js';
import { postSystemNotice, setStatusBySystem, systemContext } from '../tickets/service.js';

const DAY = 86_400_000;
const BATCH = 100;

export interface StaleRules {
  /** Resolved this many days → closed. */
  closeResolvedAfterDays: number;
  /** Waiting on the requester this many days → a reminder. */
  remindPendingAfterDays: number;
  /** This many days after the reminder, still waiting → resolved, with a notice. */
  resolvePendingAfterDays: number;
}

export interface StaleResult {
  closed: number;
  reminded: number;
  resolved: number;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Stale tickets, in batches under FOR UPDATE SKIP LOCKED (several workers, no double action):
 * resolved long enough → closed; pending (waiting on the requester, whose reply would have
 * reopened it) long enough → one reminder, then resolved with a notice M days later. Each step
 * changes what selects the ticket, so a rerun finds nothing new to do.
 */
export async function processStaleTickets(db: Db, clock: Clock, rules: StaleRules): Promise<StaleResult> {
  const now = clock.now();
  const daysAgo = (days: number) => new Date(now.getTime() - days * DAY);
  const result: StaleResult = { closed: 0, reminded: 0, resolved: 0 };

  result.closed = await inBatches(
    db,
    and(eq(tickets.status, 'resolved'), lte(tickets.resolvedAt, daysAgo(rules.closeResolvedAfterDays))),
    asc(tickets.resolvedAt),
    async (tx, t) => {
      await setStatusBySystem(
        systemContext(tx, clock),
        t,
        'closed',
        `Closed automatically ${plural(rules.closeResolvedAfterDays, 'day')} after it was resolved.`,
        { notify: false },
      );
    },
  );

  // Resolve first: a ticket reminded long enough ago is resolved, not reminded again.
  result.resolved = await inBatches(
    db,
    and(eq(tickets.status, 'pending'), lte(tickets.pendingRemindedAt, daysAgo(rules.resolvePendingAfterDays))),
    asc(tickets.pendingRemindedAt),
    async (tx, t) => {
      const waited = Math.floor((now.getTime() - t.pendingSince!.getTime()) / DAY);
      await setStatusBySystem(
        systemContext(tx, clock),
        t,
        'resolved',
        `Resolved automatically: we have been waiting ${plural(waited, 'day')} for a reply. Reply to reopen it.`,
        { notify: true },
      );
    },
  );

  result.reminded = await inBatches(
    db,
    and(
      eq(tickets.status, 'pending'),
      isNull(tickets.pendingRemindedAt),
      lte(tickets.pendingSince, daysAgo(rules.remindPendingAfterDays)),
    ),
    asc(tickets.pendingSince),
    async (tx, t) => {
      await tx.update(tickets).set({ pendingRemindedAt: now }).where(eq(tickets.id, t.id));
      const [first] = await writeOutbox(
        tx,
        'ticket.pending_reminder',
        [
          {
            dedupeKey: `stale:${t.id}:pending_reminder:${t.pendingSince!.getTime()}`,
            payload: { ticketId: t.id, key: t.key, userId: t.requesterId },
          },
        ],
        'skip',
      );
      if (!first) return;
      await postSystemNotice(systemContext(tx, clock), t, {
        type: 'pending_reminder',
        title: `${t.key} is waiting for your reply`,
        body:
          `We are waiting for your reply on “${t.title}”. Reply to keep it open; without a reply it will be ` +
          `resolved automatically in ${plural(rules.resolvePendingAfterDays, 'day')}.`,
      });
    },
  );
  return result;
}

async function inBatches(
  db: Db,
  where: SQL | undefined,
  order: SQL,
  act: (tx: DbOrTx, ticket: TicketRow) => Promise<void>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const taken = await db.transaction(async (tx) => {
      const rows = await tx
        .select(ticketColumns)
        .from(tickets)
        .where(where)
        .orderBy(order)
        .limit(BATCH)
        .for('update', { skipLocked: true });
      for (const t of rows) await act(tx, t);
      return rows.length;
    });
    total += taken;
    if (taken < BATCH) break;
  }
  return total;
}
