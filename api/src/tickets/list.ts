import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { TTicketListQuery } from '@deskmate/shared';
import type { DbOrTx } from '../db/client.js';
import { ticketWatchers, tickets } from '../db/schema.js';
import { AppError } from '../http/errors.js';
import { visibleTo, type Viewer } from './policy.js';
import { ticketColumns, type TicketRow } from './presenter.js';

type SortKey = TTicketListQuery['sort'];

const sortColumn = {
  updatedAt: tickets.updatedAt,
  createdAt: tickets.createdAt,
  priority: tickets.priority,
} as const;

function parseSort(sort: SortKey) {
  const descending = sort.startsWith('-');
  const field = (descending ? sort.slice(1) : sort) as keyof typeof sortColumn;
  return { field, descending, column: sortColumn[field] };
}

/** Opaque keyset cursor: the sort value and id of the last row of the page. */
function encodeCursor(row: TicketRow, field: keyof typeof sortColumn): string {
  const value = field === 'priority' ? row.priority : row[field].toISOString();
  return Buffer.from(JSON.stringify([value, row.id])).toString('base64url');
}

function decodeCursor(cursor: string, field: keyof typeof sortColumn): [string, string] {
  try {
    const [value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof value !== 'string' || typeof id !== 'string' || !/^[0-9a-f-]{36}$/.test(id)) throw new Error();
    if (field !== 'priority' && Number.isNaN(Date.parse(value))) throw new Error();
    if (field === 'priority' && !['low', 'medium', 'high', 'urgent'].includes(value)) throw new Error();
    return [value, id];
  } catch {
    throw new AppError('validation_failed', 'Invalid query.cursor: use the nextCursor of a previous page', [
      { path: 'query.cursor', message: 'is not a cursor from this list' },
    ]);
  }
}

type ClockPrefix = 'first_response' | 'resolution';

/** A clock's breach at `now`, as presentSla (sla/clock.ts) says it: recorded, or due time passed while running. */
const clockBreached = (c: ClockPrefix, now: Date) =>
  sql`(${sql.identifier(`${c}_breached_at`)} IS NOT NULL OR (${sql.identifier(`${c}_running_since`)} IS NOT NULL AND ${sql.identifier(`${c}_due_at`)} < ${now}))`;
/** A running clock past its warning time. */
const clockWarned = (c: ClockPrefix, now: Date) =>
  sql`(${sql.identifier(`${c}_running_since`)} IS NOT NULL AND ${sql.identifier(`${c}_warn_at`)} <= ${now})`;

/** The ticket's SLA state at `now`: breached (either clock), or at risk (warned, neither breached). */
function slaState(states: NonNullable<TTicketListQuery['sla']>, now: Date): SQL {
  const breached = sql`(${clockBreached('first_response', now)} OR ${clockBreached('resolution', now)})`;
  const atRisk = sql`(NOT ${breached} AND (${clockWarned('first_response', now)} OR ${clockWarned('resolution', now)}))`;
  const parts = [...(states.includes('breached') ? [breached] : []), ...(states.includes('at_risk') ? [atRisk] : [])];
  return parts.length ? sql`(${sql.join(parts, sql` OR `)})` : sql`TRUE`;
}

/** What a list query asks of a ticket, the viewer's visibility included (not the page cursor). */
function ticketConditions(viewer: Viewer, query: Omit<TTicketListQuery, 'sort' | 'limit' | 'cursor'>, now: Date) {
  const me = viewer.user.id;
  const where: (SQL | undefined)[] = [visibleTo(viewer)];
  if (query.status) where.push(inArray(tickets.status, query.status));
  if (query.priority) where.push(inArray(tickets.priority, query.priority));
  if (query.category) where.push(inArray(tickets.category, query.category));
  if (query.assignee === 'me') where.push(eq(tickets.assigneeId, me));
  else if (query.assignee === 'none') where.push(isNull(tickets.assigneeId));
  else if (query.assignee) where.push(eq(tickets.assigneeId, query.assignee));
  if (query.group === 'mine') {
    where.push(viewer.groupIds.length ? inArray(tickets.groupId, viewer.groupIds) : sql`FALSE`);
  } else if (query.group) where.push(eq(tickets.groupId, query.group));
  if (query.requester) where.push(eq(tickets.requesterId, query.requester === 'me' ? me : query.requester));
  if (query.watching)
    where.push(sql`EXISTS (SELECT 1 FROM ${ticketWatchers} w WHERE w.ticket_id = ${tickets.id} AND w.user_id = ${me})`);
  if (query.sla?.length) where.push(slaState(query.sla, now));
  if (query.q) {
    const q = query.q;
    const key = /^[A-Za-z][A-Za-z0-9]{0,9}-\d{1,9}$/.test(q) ? q.toUpperCase() : null;
    where.push(
      key
        ? sql`(${tickets.key} = ${key} OR ${tickets.searchVector} @@ websearch_to_tsquery('english', ${q}))`
        : sql`${tickets.searchVector} @@ websearch_to_tsquery('english', ${q})`,
    );
  }
  return where;
}

/**
 * A page of the tickets a viewer may see, filtered, searched (PostgreSQL full text over key,
 * title, description and public replies) and sorted, with keyset pagination.
 */
export async function listTickets(
  db: DbOrTx,
  viewer: Viewer,
  query: TTicketListQuery,
  now: Date,
): Promise<{ rows: TicketRow[]; nextCursor: string | null }> {
  const where = ticketConditions(viewer, query, now);
  const { field, descending, column } = parseSort(query.sort);
  if (query.cursor) {
    const [value, id] = decodeCursor(query.cursor, field);
    const typed = field === 'priority' ? sql`${value}::ticket_priority` : sql`${value}::timestamptz`;
    where.push(
      descending
        ? sql`(${column}, ${tickets.id}) < (${typed}, ${id}::uuid)`
        : sql`(${column}, ${tickets.id}) > (${typed}, ${id}::uuid)`,
    );
  }
  const order = descending ? [desc(column), desc(tickets.id)] : [asc(column), asc(tickets.id)];
  const rows = await db
    .select(ticketColumns)
    .from(tickets)
    .where(and(...where))
    .orderBy(...order)
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { rows: page, nextCursor: rows.length > query.limit && last ? encodeCursor(last, field) : null };
}

/**
 * How many tickets each of several list queries matches for a viewer, in one scan: the console's
 * queue counts, from the same conditions as the lists themselves.
 */
export async function countTickets<K extends string>(
  db: DbOrTx,
  viewer: Viewer,
  queries: Readonly<Record<K, Omit<TTicketListQuery, 'sort' | 'limit' | 'cursor'>>>,
  now: Date,
): Promise<Record<K, number>> {
  const entries = Object.entries(queries) as [K, TTicketListQuery][];
  const columns = Object.fromEntries(
    entries.map(([, query], i) => [
      `q${i}`,
      // No condition at all (an admin's "All tickets") is every row.
      sql<number>`count(*) FILTER (WHERE ${and(...ticketConditions(viewer, query, now)) ?? sql`TRUE`})`.mapWith(Number),
    ]),
  );
  const [row] = await db.select(columns).from(tickets).where(visibleTo(viewer));
  return Object.fromEntries(entries.map(([name], i) => [name, row?.[`q${i}`] ?? 0])) as Record<K, number>;
}
