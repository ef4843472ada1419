import { getTableColumns, inArray, sql } from 'drizzle-orm';
import type { TAttachmentRef, TPersonRef, TTicket, TTicketCategory, TTimelineEvent } from '@deskmate/shared';
import type { DbOrTx } from '../db/client.js';
import { type ticketEvents, tickets, users } from '../db/schema.js';
import { attachmentsByEvent } from '../attachments/service.js';
import { presentSla } from '../sla/clock.js';
import type { Viewer, Visible } from './policy.js';

/**
 * Every ticket column but the search material (a long text and its vector) and the SLA state kept
 * for the queues' indexes (presentSla reads it from the clocks), which no reader needs.
 */
const {
  searchVector: _searchVector,
  repliesText: _repliesText,
  slaBreachAt: _slaBreachAt,
  slaWarnAt: _slaWarnAt,
  ...ticketColumnsRest
} = getTableColumns(tickets);
export const ticketColumns = ticketColumnsRest;
export type TicketRow = Omit<typeof tickets.$inferSelect, 'searchVector' | 'repliesText' | 'slaBreachAt' | 'slaWarnAt'>;
export type TicketEventRow = typeof ticketEvents.$inferSelect;

export interface Related {
  people: Map<string, TPersonRef>;
  groupNames: Map<string, string>;
  watchers: Map<string, string[]>;
  mergedKeys: Map<string, string>;
  csat: Map<string, { rating: number; comment: string | null }>;
}

/**
 * What the presenter needs besides the ticket rows, in one round trip whatever the page size (a
 * page of the queue is the hottest read of the desk: one query here instead of five halves its
 * time in the database driver).
 */
const relatedSql = (ids: string, personIds: string, groupIds: string, mergedIds: string) => sql`
  SELECT
    (SELECT coalesce(json_agg(json_build_object('ticketId', w.ticket_id, 'userId', w.user_id) ORDER BY w.created_at, w.user_id), '[]'::json)
       FROM ticket_watchers w WHERE w.ticket_id = ANY(${ids}::uuid[])) AS watchers,
    (SELECT coalesce(json_agg(json_build_object('id', u.id, 'name', u.name, 'email', u.email)), '[]'::json)
       FROM users u
      WHERE u.id = ANY(${personIds}::uuid[])
         OR u.id IN (SELECT w.user_id FROM ticket_watchers w WHERE w.ticket_id = ANY(${ids}::uuid[]))) AS people,
    (SELECT coalesce(json_agg(json_build_object('id', g.id, 'name', g.name)), '[]'::json)
       FROM groups g WHERE g.id = ANY(${groupIds}::uuid[])) AS groups,
    (SELECT coalesce(json_agg(json_build_object('id', t.id, 'key', t.key)), '[]'::json)
       FROM tickets t WHERE t.id = ANY(${mergedIds}::uuid[])) AS merged,
    (SELECT coalesce(json_agg(json_build_object('ticketId', c.ticket_id, 'rating', c.rating, 'comment', c.comment)), '[]'::json)
       FROM ticket_csat c WHERE c.ticket_id = ANY(${ids}::uuid[])) AS csat`;

interface RelatedRow extends Record<string, unknown> {
  watchers: { ticketId: string; userId: string }[];
  people: TPersonRef[];
  groups: { id: string; name: string }[];
  merged: { id: string; key: string }[];
  csat: { ticketId: string; rating: number; comment: string | null }[];
}

const pgArray = (values: Iterable<string>) => `{${[...new Set(values)].join(',')}}`;

export async function loadRelated(db: DbOrTx, rows: TicketRow[]): Promise<Related> {
  const empty: Related = {
    people: new Map(),
    groupNames: new Map(),
    watchers: new Map(),
    mergedKeys: new Map(),
    csat: new Map(),
  };
  if (!rows.length) return empty;
  // uuids from our own rows, each list passed as one array literal parameter.
  const ids = pgArray(rows.map((t) => t.id));
  const personIds = pgArray(rows.flatMap((t) => (t.assigneeId ? [t.requesterId, t.assigneeId] : [t.requesterId])));
  const groupIds = pgArray(rows.flatMap((t) => (t.groupId ? [t.groupId] : [])));
  const mergedIds = pgArray(rows.flatMap((t) => (t.mergedIntoId ? [t.mergedIntoId] : [])));
  const result = await db.execute<RelatedRow>(relatedSql(ids, personIds, groupIds, mergedIds));
  const related = result.rows[0];
  if (!related) return empty;
  const watchers = new Map<string, string[]>();
  for (const w of related.watchers) watchers.set(w.ticketId, [...(watchers.get(w.ticketId) ?? []), w.userId]);
  return {
    people: new Map(related.people.map((p) => [p.id, p])),
    groupNames: new Map(related.groups.map((g) => [g.id, g.name])),
    watchers,
    mergedKeys: new Map(related.merged.map((m) => [m.id, m.key])),
    csat: new Map(related.csat.map((c) => [c.ticketId, { rating: c.rating, comment: c.comment }])),
  };
}

/** What a ticket just created relates to, as its create knows it: no watchers, merge or rating yet. */
export function relatedOfNew(people: TPersonRef[], group: { id: string; name: string } | null): Related {
  return {
    people: new Map(people.map((p) => [p.id, personRef(p)])),
    groupNames: new Map(group ? [[group.id, group.name]] : []),
    watchers: new Map(),
    mergedKeys: new Map(),
    csat: new Map(),
  };
}

/** A person as a ticket shows them. */
export const personRef = ({ id, name, email }: TPersonRef): TPersonRef => ({ id, name, email });

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

/**
 * Timeline events of one ticket as JSON, each with the files this viewer may see of it (selected
 * through `attachmentsVisibleTo`, like every read of files).
 */
export async function presentEvents(
  db: DbOrTx,
  rows: TicketEventRow[],
  access: { viewer: Viewer; ticket: Visible },
  /**
   * For a batch (delivery facts): its reads of the authors, and of which events have files at all,
   * each shared by many calls. The files are still selected through the viewer's rule.
   */
  batch?: {
    people(ids: string[]): Promise<TPersonRef[]>;
    /** The events' files, given the select that applies the viewer's rule: when and if to run it. */
    files(
      eventIds: string[],
      select: (ids: string[]) => Promise<Map<string, TAttachmentRef[]>>,
    ): Promise<Map<string, TAttachmentRef[]>>;
  },
): Promise<TTimelineEvent[]> {
  const authorIds = [...new Set(rows.map((e) => e.authorId).filter((a): a is string => a !== null))];
  const fileEventIds = rows.filter((e) => e.kind !== 'system').map((e) => e.id);
  const [authors, files] = await Promise.all([
    !authorIds.length
      ? []
      : batch
        ? batch.people(authorIds)
        : db
            .select({ id: users.id, name: users.name, email: users.email })
            .from(users)
            .where(inArray(users.id, authorIds)),
    batch
      ? batch.files(fileEventIds, (ids) => attachmentsByEvent(db, access.viewer, access.ticket, ids))
      : attachmentsByEvent(db, access.viewer, access.ticket, fileEventIds),
  ]);
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
    attachments: files.get(e.id) ?? [],
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
