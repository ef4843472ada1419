import { and, asc, eq, gt, ne, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../db/client.js';
import { tickets } from '../db/schema.js';
import { ticketColumns, type TicketRow } from '../tickets/presenter.js';
import { advanceSla, changedColumns, noSlaClock, slaColumnNames, type SlaColumns, type TicketFacts } from './clock.js';
import { appliedPolicy, loadSlaSetup, type PolicyScope, type SlaSetup } from './setup.js';

/** The ticket's SLA columns after a change at `now`, under the policy that applies to it now. */
export function nextSlaState(ticket: TicketRow, now: Date, setup: SlaSetup, previous: SlaSetup = setup): SlaColumns {
  const previousCalendar = ticket.slaCalendarId ? previous.calendars.get(ticket.slaCalendarId)?.calendar : undefined;
  const policy = appliedPolicy(setup, ticket);
  return advanceSla(ticket, ticket, now, previousCalendar ?? null, policy);
}

/**
 * The SLA columns a new ticket starts with, for its insert: what `syncSla` would write straight
 * after it. A ticket is then written once, not inserted and updated — an update that changes
 * indexed columns writes a new version of the row into every index of the table, the full-text
 * one included (#19).
 */
export function newTicketSla(ticket: PolicyScope & TicketFacts, now: Date, setup: SlaSetup): SlaColumns {
  return advanceSla(noSlaClock, ticket, now, null, appliedPolicy(setup, ticket));
}

/**
 * Bring a ticket's SLA clocks up to date after a change, in the caller's transaction: the ticket
 * functions call this once, after the change and before it is recorded (ADR 5).
 */
export async function syncSla(tx: DbOrTx, ticket: TicketRow, now: Date, setup?: SlaSetup): Promise<TicketRow> {
  const next = nextSlaState(ticket, now, setup ?? (await loadSlaSetup(tx)));
  const changes = changedColumns(ticket, next);
  if (Object.keys(changes).length === 0) return ticket;
  const [row] = await tx.update(tickets).set(changes).where(eq(tickets.id, ticket.id)).returning(ticketColumns);
  return row!;
}

type TicketKey = keyof TicketRow;
const columnOf = (key: TicketKey) => (tickets as unknown as Record<TicketKey, PgColumn>)[key];

/**
 * Update many tickets in one statement: each row gives its id and a value for every column in
 * `keys` (a JSON record set joined on id, so 1,000 rows cost one round trip).
 */
export async function bulkUpdateTickets(
  tx: DbOrTx,
  keys: readonly TicketKey[],
  rows: ReadonlyArray<Pick<TicketRow, 'id'> & Partial<TicketRow>>,
): Promise<void> {
  if (!rows.length) return;
  const columns = keys.map((k) => ({ key: k, column: columnOf(k) }));
  const set = sql.join(
    columns.map((c) => sql`${sql.identifier(c.column.name)} = v.${sql.identifier(c.column.name)}`),
    sql`, `,
  );
  const shape = sql.join(
    [sql`id uuid`, ...columns.map((c) => sql`${sql.identifier(c.column.name)} ${sql.raw(sqlType(c.column))}`)],
    sql`, `,
  );
  const records = rows.map((r) => {
    const out: Record<string, unknown> = { id: r.id };
    for (const c of columns) out[c.column.name] = r[c.key] ?? null;
    return out;
  });
  await tx.execute(
    sql`UPDATE tickets AS t SET ${set} FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS v(${shape}) WHERE t.id = v.id`,
  );
}

function sqlType(column: PgColumn): string {
  // Enum columns report their enum's name, which is also a type.
  return column.getSQLType();
}

/**
 * Recompute every ticket that is not closed after a policy or calendar change, in batches under
 * row locks: consumed business time is kept (measured on the calendars of `previous`), due times
 * are re-derived under `setup`. Returns how many tickets changed.
 */
export async function recomputeOpenTickets(
  tx: DbOrTx,
  now: Date,
  setup: SlaSetup,
  previous: SlaSetup,
  batchSize = 1000,
): Promise<number> {
  let changed = 0;
  let after: string | null = null;
  for (;;) {
    const where: SQL | undefined = and(ne(tickets.status, 'closed'), after ? gt(tickets.id, after) : undefined);
    const rows = await tx
      .select(ticketColumns)
      .from(tickets)
      .where(where)
      .orderBy(asc(tickets.id))
      .limit(batchSize)
      .for('update');
    if (!rows.length) break;
    const updates: (Pick<TicketRow, 'id'> & SlaColumns)[] = [];
    for (const t of rows) {
      const next = nextSlaState(t, now, setup, previous);
      if (Object.keys(changedColumns(t, next)).length) updates.push({ id: t.id, ...next });
    }
    await bulkUpdateTickets(tx, slaColumnNames, updates);
    changed += updates.length;
    after = rows[rows.length - 1]!.id;
    if (rows.length < batchSize) break;
  }
  return changed;
}

/** One known change of a ticket's history: from `at` on it had this status and first response. */
export interface HistoryStep {
  at: Date;
  status: TicketRow['status'];
  firstRespondedAt: Date | null;
}

/**
 * The SLA columns of a ticket whose history is known rather than lived (the demo seed, imports):
 * each step replayed in order, as if the ticket functions had made those changes then.
 */
export function replaySla(ticket: TicketRow, history: HistoryStep[], setup: SlaSetup): SlaColumns {
  let row: TicketRow = ticket;
  for (const step of history) {
    row = { ...row, status: step.status, firstRespondedAt: step.firstRespondedAt };
    row = { ...row, ...nextSlaState(row, step.at, setup) };
  }
  return row;
}
