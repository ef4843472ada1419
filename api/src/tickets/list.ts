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

/**
 * A ticket's SLA state at `now`, as presentSla (sla/clock.ts) says it, read from the two generated
 * columns that hold it (schema.ts): breached once `now` is past `sla_breach_at` (a recorded breach
 * is `-infinity`); at risk from `sla_warn_at` until then. Written as comparisons of those columns,
 * which tickets_sla_breach_page_idx and tickets_sla_warn_page_idx hold in their keys (the at-risk
 * condition repeats the latter's COALESCE exactly), so a queue page checks the state in the index.
 */
function slaState(states: NonNullable<TTicketListQuery['sla']>, now: Date): SQL {
  const breached = sql`${tickets.slaBreachAt} < ${now}`;
  // A null breach time is "never": not breached, so still at risk.
  const atRisk = sql`(${tickets.slaWarnAt} <= ${now} AND COALESCE(${tickets.slaBreachAt}, 'infinity'::timestamptz) >= ${now})`;
  const parts = [...(states.includes('breached') ? [breached] : []), ...(states.includes('at_risk') ? [atRisk] : [])];
  return parts.length ? sql`(${sql.join(parts, sql` OR `)})` : sql`TRUE`;
}

type Filters = Omit<TTicketListQuery, 'sort' | 'limit' | 'cursor'>;

/** What a list query asks of a ticket, the viewer's visibility included (not the page cursor). */
function ticketConditions(viewer: Viewer, query: Filters, now: Date) {
  return [visibleTo(viewer), ...filterConditions(viewer, query, now)];
}

/** What a list query asks of a ticket besides the viewer's visibility. */
function filterConditions(viewer: Viewer, query: Filters, now: Date) {
  const me = viewer.user.id;
  const where: (SQL | undefined)[] = [];
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
  const { field, descending, column } = parseSort(query.sort);
  let after: SQL | undefined;
  if (query.cursor) {
    const [value, id] = decodeCursor(query.cursor, field);
    const typed = field === 'priority' ? sql`${value}::ticket_priority` : sql`${value}::timestamptz`;
    after = descending
      ? sql`(${column}, ${tickets.id}) < (${typed}, ${id}::uuid)`
      : sql`(${column}, ${tickets.id}) > (${typed}, ${id}::uuid)`;
  }
  // Fresh terms for each use: Drizzle rewrites a union's ORDER BY terms in place.
  const order = () => (descending ? [desc(column), desc(tickets.id)] : [asc(column), asc(tickets.id)]);
  const pageOf = (q: TTicketListQuery) =>
    db
      .select(ticketColumns)
      .from(tickets)
      .where(and(...ticketConditions(viewer, q, now), after))
      .orderBy(...order())
      .limit(query.limit + 1)
      .$dynamic();
  // The SLA states are disjoint (at risk is "warned, not yet breached") and each has an index in
  // page order: several states are a page of each, merged, where one query would walk the whole
  // desk in page order for the few tickets in either state (no single index holds both).
  const [first, ...more] = [...new Set(query.sla ?? [])].map((state) => pageOf({ ...query, sla: [state] }));
  const rows = await (first && more.length
    ? more
        .reduce((union, next) => union.unionAll(next), first)
        .orderBy(...order())
        .limit(query.limit + 1)
    : pageOf(query));
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
      // Visibility is the scan's own condition, not repeated per queue (each repeat is a watcher
      // lookup per ticket); no condition at all (an admin's "All tickets") is every row.
      sql<number>`count(*) FILTER (WHERE ${and(...filterConditions(viewer, query, now)) ?? sql`TRUE`})`.mapWith(Number),
    ]),
  );
  const [row] = await db.select(columns).from(tickets).where(visibleTo(viewer));
  return Object.fromEntries(entries.map(([name], i) => [name, row?.[`q${i}`] ?? 0])) as Record<K, number>;
}
