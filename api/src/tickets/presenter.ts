import { getTableColumns, inArray } from 'drizzle-orm';
import type { TPersonRef, TTicket, TTicketCategory, TTimelineEvent } from '@deskmate/shared';
import type { DbOrTx } from '../db/client.js';
import { groups, ticketCsat, type ticketEvents, ticketWatchers, tickets, users } from '../db/schema.js';
import { presentSla } from '../sla/clock.js';

/** Every ticket column but the search material (a long text and its vector), which no reader needs. */
const { searchVector: _searchVector, repliesText: _repliesText, ...ticketColumnsRest } = getTableColumns(tickets);
export const ticketColumns = ticketColumnsRest;
export type TicketRow = Omit<typeof tickets.$inferSelect, 'searchVector' | 'repliesText'>;
export type TicketEventRow = typeof ticketEvents.$inferSelect;

interface Related {
  people: Map<string, TPersonRef>;
  groupNames: Map<string, string>;
  watchers: Map<string, string[]>;
  mergedKeys: Map<string, string>;
  csat: Map<string, { rating: number; comment: string | null }>;
}

/** Load what the ticket presenter needs for a page of tickets, in five queries whatever its size. */
export async function loadRelated(db: DbOrTx, rows: TicketRow[]): Promise<Related> {
  const ids = rows.map((t) => t.id);
  const watcherRows = ids.length
    ? await db.select().from(ticketWatchers).where(inArray(ticketWatchers.ticketId, ids))
    : [];
  const personIds = new Set<string>();
  for (const t of rows) {
    personIds.add(t.requesterId);
    if (t.assigneeId) personIds.add(t.assigneeId);
  }
  for (const w of watcherRows) personIds.add(w.userId);
  const groupIds = [...new Set(rows.map((t) => t.groupId).filter((g): g is string => g !== null))];
  const mergedIds = [...new Set(rows.map((t) => t.mergedIntoId).filter((g): g is string => g !== null))];
  const [people, groupRows, mergedRows, csatRows] = await Promise.all([
    personIds.size
      ? db
          .select({ id: users.id, name: users.name, email: users.email })
          .from(users)
          .where(inArray(users.id, [...personIds]))
      : [],
    groupIds.length
      ? db.select({ id: groups.id, name: groups.name }).from(groups).where(inArray(groups.id, groupIds))
      : [],
    mergedIds.length
      ? db.select({ id: tickets.id, key: tickets.key }).from(tickets).where(inArray(tickets.id, mergedIds))
      : [],
    ids.length ? db.select().from(ticketCsat).where(inArray(ticketCsat.ticketId, ids)) : [],
  ]);
  const watchers = new Map<string, string[]>();
  for (const w of watcherRows) watchers.set(w.ticketId, [...(watchers.get(w.ticketId) ?? []), w.userId]);
  return {
    people: new Map(people.map((p) => [p.id, p])),
    groupNames: new Map(groupRows.map((g) => [g.id, g.name])),
    watchers,
    mergedKeys: new Map(mergedRows.map((m) => [m.id, m.key])),
    csat: new Map(csatRows.map((c) => [c.ticketId, { rating: c.rating, comment: c.comment }])),
  };
}

const iso = (d: Date | null) => d?.toISOString() ?? null;
const unknownPerson = (id: string): TPersonRef => ({ id, name: 'Unknown user', email: '' });

/** The JSON shape of a ticket (the same for every viewer: no internal content lives on it). */
export function presentTicket(t: TicketRow, related: Related, now: Date): TTicket {
  const person = (id: string) => related.people.get(id) ?? unknownPerson(id);
  return {
    id: t.id,
    key: t.key,
    title: t.title,
    description: t.description,
    status: t.status,
    priority: t.priority,
    category: (t.category as TTicketCategory | null) ?? null,
    channel: t.channel,
    requester: person(t.requesterId),
    assignee: t.assigneeId ? person(t.assigneeId) : null,
    group: t.groupId ? { id: t.groupId, name: related.groupNames.get(t.groupId) ?? '' } : null,
    watchers: (related.watchers.get(t.id) ?? []).map(person),
    mergedIntoKey: t.mergedIntoId ? (related.mergedKeys.get(t.mergedIntoId) ?? null) : null,
    csat: related.csat.get(t.id) ?? null,
    sla: presentSla(t, now),
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    firstRespondedAt: iso(t.firstRespondedAt),
    resolvedAt: iso(t.resolvedAt),
    closedAt: iso(t.closedAt),
  };
}

export async function presentTickets(db: DbOrTx, rows: TicketRow[], now: Date): Promise<TTicket[]> {
  const related = await loadRelated(db, rows);
  return rows.map((t) => presentTicket(t, related, now));
}

export async function presentEvents(db: DbOrTx, rows: TicketEventRow[]): Promise<TTimelineEvent[]> {
  const authorIds = [...new Set(rows.map((e) => e.authorId).filter((a): a is string => a !== null))];
  const authors = authorIds.length
    ? await db
        .select({ id: users.id, name: users.name, email: users.email })
        .from(users)
        .where(inArray(users.id, authorIds))
    : [];
  const byId = new Map(authors.map((a) => [a.id, a]));
  return rows.map((e) => ({
    id: e.id,
    kind: e.kind,
    visibility: e.visibility,
    author: e.authorId ? (byId.get(e.authorId) ?? unknownPerson(e.authorId)) : null,
    body: e.body,
    data: (e.data ?? {}) as Record<string, unknown>,
    channel: e.channel,
    createdAt: e.createdAt.toISOString(),
  }));
}

/** The columns an audit row records before and after a ticket change. */
export function snapshot(t: TicketRow) {
  return {
    key: t.key,
    title: t.title,
    description: t.description,
    status: t.status,
    priority: t.priority,
    category: t.category,
    requesterId: t.requesterId,
    assigneeId: t.assigneeId,
    groupId: t.groupId,
    mergedIntoId: t.mergedIntoId,
  };
}
