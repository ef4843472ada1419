import { and, eq, inArray, sql } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { TChannel, TTicketCategory, TTicketPriority, TTicketStatus } from '@deskmate/shared';
import { attachUploads } from '../attachments/service.js';
import { systemActor, type Actor } from '../audit/record.js';
import type { Clock } from '../clock.js';
import type { DbOrTx } from '../db/client.js';
import { groups, settings, ticketCsat, ticketWatchers, tickets, users } from '../db/schema.js';
import { AppError, notFound } from '../http/errors.js';
import type { Services, UserRow } from '../http/context.js';
import { notify, type NotificationType } from '../notifications/service.js';
import { consume } from '../security/rate-limit.js';
import { syncSla } from '../sla/sync.js';
import { priorityFloor, type TClassification } from '@deskmate/kb';
import { classificationText, recordCorrection, recordPrediction } from '../classifier/feedback.js';
import { wizard } from '@deskmate/shared';
import { nextTicketKey } from './keys.js';
import { canView, canWork, isAgent, viewerFor, type Viewer } from './policy.js';
import { ticketColumns, type TicketEventRow, type TicketRow } from './presenter.js';
import { channelOf, isPublicConversation, recordActivity, recordChange, recordEvent } from './recorder.js';
import { pickRoundRobinAssignee } from './round-robin.js';
import { canTransition, statusLabel } from './status.js';

const maxPriority = wizard.maxPriority;

/** Who is acting, through which channel: every domain function takes this. */
export interface TicketContext {
  services: Services;
  actor: Actor;
  viewer: Viewer;
}

/** `groupIds` when the caller has them already (the request's authentication loaded them). */
export async function ticketContext(
  services: Services,
  actor: Actor,
  user: Viewer['user'],
  groupIds?: string[],
): Promise<TicketContext> {
  return { services, actor, viewer: groupIds ? { user, groupIds } : await viewerFor(services.db, user) };
}

/** What recording a change needs: who acts, with which rights, and the time (the desk's own jobs too). */
type ChangeContext = Pick<TicketContext, 'actor' | 'viewer'> & { services: Pick<Services, 'clock'> };

async function watcherIds(db: DbOrTx, ticketId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: ticketWatchers.userId })
    .from(ticketWatchers)
    .where(eq(ticketWatchers.ticketId, ticketId));
  return rows.map((r) => r.userId);
}

/** Load a ticket the viewer may see, locked for update; anything else is 404 (no IDOR oracle). */
async function lockVisible(
  tx: DbOrTx,
  viewer: Viewer,
  key: string,
): Promise<{ ticket: TicketRow; watchers: string[] }> {
  const [ticket] = await tx.select(ticketColumns).from(tickets).where(eq(tickets.key, key)).for('update');
  if (!ticket) throw notFound('Ticket');
  const watchers = await watcherIds(tx, ticket.id);
  if (!canView(viewer, ticket, watchers)) throw notFound('Ticket');
  return { ticket, watchers };
}

function assertWorker(viewer: Viewer, ticket: TicketRow): void {
  if (!canWork(viewer, ticket)) throw new AppError('forbidden', 'Only agents working this ticket can do this');
}

export async function getVisibleTicket(db: DbOrTx, viewer: Viewer, key: string): Promise<TicketRow> {
  const [ticket] = await db.select(ticketColumns).from(tickets).where(eq(tickets.key, key));
  if (!ticket || !canView(viewer, ticket, await watcherIds(db, ticket.id))) throw notFound('Ticket');
  return ticket;
}

export { seesInternal } from './policy.js';

const addEvent = recordEvent;
const changed = recordChange;

export { isPublicConversation };

async function update(
  tx: DbOrTx,
  ctx: ChangeContext,
  ticket: TicketRow,
  values: PgUpdateSetSource<typeof tickets>,
): Promise<TicketRow> {
  const [row] = await tx
    .update(tickets)
    .set({ ...values, updatedAt: ctx.services.clock.now() })
    .where(eq(tickets.id, ticket.id))
    .returning(ticketColumns);
  return row!;
}

const audience = (ticket: TicketRow, watchers: string[]) => [ticket.requesterId, ticket.assigneeId, ...watchers];

async function defaultGroupId(db: DbOrTx): Promise<string | null> {
  const [row] = await db.select().from(settings).where(eq(settings.key, 'tickets.default_group_id'));
  return typeof row?.value === 'string' ? row.value : null;
}

export interface CreateTicketInput {
  title: string;
  description: string;
  category?: TTicketCategory | undefined;
  priority?: TTicketPriority | undefined;
  requesterId?: string | undefined;
  groupId?: string | undefined;
  /** The caller's uploads, attached to the ticket itself. */
  attachmentIds?: readonly string[] | undefined;
}

/** Open a ticket: the same function for the API, both chat channels, email intake and the wizard. */
/**
 * Priority and category when the caller gives none: the classifier's (with its keyword floor). A
 * requester's own priority is never taken below that floor ("the whole office is down" is not
 * low); an agent's choice is an override and stands.
 */
function classify(
  ctx: TicketContext,
  input: CreateTicketInput,
): {
  priority: TTicketPriority;
  category: TTicketCategory | null;
  /** What the classifier said (kept even for the fields the caller chose, to learn from corrections). */
  guess: { classification: TClassification; modelVersion: number | null } | null;
} {
  const kb = ctx.services.kb;
  if (!kb) return { priority: input.priority ?? 'medium', category: input.category ?? null, guess: null };
  const text = classificationText(input);
  const classification = kb.classifier.classify(text);
  let priority = input.priority ?? classification.priority;
  const floor = priorityFloor(text).floor;
  if (input.priority && floor && !isAgent(ctx.viewer.user)) priority = maxPriority(priority, floor);
  return {
    priority,
    category: input.category ?? classification.category,
    guess: { classification, modelVersion: kb.classifierVersion },
  };
}

/** Open a ticket. `options.tx`: create it inside the caller's transaction (the chat wizard's). */
export async function createTicket(
  ctx: TicketContext,
  input: CreateTicketInput,
  options: { tx?: DbOrTx } = {},
): Promise<TicketRow> {
  const { services, viewer } = ctx;
  if ((input.requesterId && input.requesterId !== viewer.user.id) || input.groupId) {
    if (!isAgent(viewer.user))
      throw new AppError('forbidden', 'Only agents can file for someone else or choose the group');
  }
  if (!isAgent(viewer.user)) {
    await consume(
      services.db,
      [{ key: `tickets:create:${viewer.user.id}`, max: services.config.TICKET_CREATE_LIMIT, windowMs: 10 * 60_000 }],
      services.clock,
    );
  }
  const { priority, category, guess } = classify(ctx, input);
  const inTransaction = <T>(fn: (tx: DbOrTx) => Promise<T>): Promise<T> =>
    options.tx ? fn(options.tx) : services.db.transaction(fn);
  return inTransaction(async (tx) => {
    const requesterId = input.requesterId ?? viewer.user.id;
    if (requesterId !== viewer.user.id) {
      const [requester] = await tx
        .select({ id: users.id, active: users.active })
        .from(users)
        .where(eq(users.id, requesterId));
      if (!requester?.active) throw new AppError('validation_failed', 'Invalid body.requesterId: no such active user');
    }
    const groupId = input.groupId ?? (await defaultGroupId(tx));
    const [group] = groupId ? await tx.select().from(groups).where(eq(groups.id, groupId)) : [];
    if (input.groupId && !group) throw new AppError('validation_failed', 'Invalid body.groupId: no such group');
    const now = services.clock.now();
    const assigneeId = group?.roundRobin ? await pickRoundRobinAssignee(tx, group.id) : null;
    const { number, key } = await nextTicketKey(tx, services.config.TICKET_KEY_PREFIX);
    const [ticket] = await tx
      .insert(tickets)
      .values({
        number,
        key,
        title: input.title,
        description: input.description,
        category,
        priority,
        requesterId,
        groupId: group?.id ?? null,
        assigneeId,
        channel: channelOf(ctx.actor),
        createdAt: now,
        updatedAt: now,
      })
      .returning(ticketColumns);
    const t = await syncSla(tx, ticket!, now);
    if (guess) {
      const used = { priority: input.priority === undefined, category: input.category === undefined };
      await recordPrediction(tx, t, guess.classification, used, guess.modelVersion);
    }
    await addEvent(tx, ctx, t, {
      kind: 'system',
      visibility: 'public',
      body: 'Ticket created',
      data: { type: 'created' },
    });
    await attachUploads(tx, viewer.user, input.attachmentIds ?? [], { ticketId: t.id, eventId: null }, now);
    if (assigneeId) {
      await addEvent(tx, ctx, t, {
        kind: 'system',
        visibility: 'public',
        body: 'Assigned by round-robin',
        data: { type: 'assigned', to: assigneeId },
        authorId: null,
      });
      await notify(tx, {
        userIds: [assigneeId],
        type: 'assigned',
        ticket: t,
        title: `${t.key} was assigned to you`,
        body: t.title,
        visibility: 'public',
        actorId: null,
      });
    }
    await changed(tx, ctx, 'ticket.created', null, t);
    return t;
  });
}

/** Claim an unassigned ticket. Of several agents claiming at once exactly one wins. */
export async function claimTicket(ctx: TicketContext, key: string): Promise<TicketRow> {
  return ctx.services.db.transaction(async (tx) => {
    const { ticket } = await lockVisible(tx, ctx.viewer, key);
    assertWorker(ctx.viewer, ticket);
    if (ticket.assigneeId) {
      if (ticket.assigneeId === ctx.viewer.user.id)
        throw new AppError('conflict', `You have already claimed ${ticket.key}`);
      const [winner] = await tx.select({ name: users.name }).from(users).where(eq(users.id, ticket.assigneeId));
      throw new AppError('conflict', `${ticket.key} was already claimed by ${winner?.name ?? 'another agent'}`, {
        assigneeId: ticket.assigneeId,
        assigneeName: winner?.name ?? null,
      });
    }
    if (ticket.status === 'closed' || ticket.status === 'resolved')
      throw new AppError('conflict', `${ticket.key} is ${ticket.status}; reopen it first`);
    const after = await update(tx, ctx, ticket, {
      assigneeId: ctx.viewer.user.id,
      status: ticket.status === 'new' ? 'open' : ticket.status,
    });
    await addEvent(tx, ctx, after, {
      kind: 'system',
      visibility: 'public',
      body: `Claimed by ${ctx.viewer.user.name}`,
      data: { type: 'assigned', to: ctx.viewer.user.id },
    });
    await changed(tx, ctx, 'ticket.claimed', ticket, after);
    return after;
  });
}

async function applyAssign(
  tx: DbOrTx,
  ctx: TicketContext,
  ticket: TicketRow,
  assigneeId: string | null,
): Promise<TicketRow> {
  if (ticket.assigneeId === assigneeId) return ticket;
  if (assigneeId) {
    const [agent] = await tx.select().from(users).where(eq(users.id, assigneeId));
    if (!agent?.active || agent.role === 'requester')
      throw new AppError('validation_failed', 'Invalid body.assigneeId: tickets can only be assigned to active agents');
  }
  const after = await applyRaw(tx, ctx, ticket, {
    assigneeId,
    status: assigneeId && ticket.status === 'new' ? 'open' : ticket.status,
  });
  const name = assigneeId
    ? ((await tx.select({ name: users.name }).from(users).where(eq(users.id, assigneeId)))[0]?.name ?? '')
    : '';
  await addEvent(tx, ctx, after, {
    kind: 'system',
    visibility: 'public',
    body: assigneeId ? `Assigned to ${name}` : 'Unassigned',
    data: { type: assigneeId ? 'assigned' : 'unassigned', from: ticket.assigneeId, to: assigneeId },
  });
  if (assigneeId)
    await notify(tx, {
      userIds: [assigneeId],
      type: 'assigned',
      ticket: after,
      title: `${after.key} was assigned to you`,
      body: after.title,
      visibility: 'public',
      actorId: ctx.actor.userId,
    });
  if (ticket.assigneeId)
    await notify(tx, {
      userIds: [ticket.assigneeId],
      type: 'unassigned',
      ticket: after,
      title: `${after.key} is no longer assigned to you`,
      body: after.title,
      visibility: 'public',
      actorId: ctx.actor.userId,
    });
  return after;
}

const applyRaw = (tx: DbOrTx, ctx: ChangeContext, ticket: TicketRow, values: PgUpdateSetSource<typeof tickets>) =>
  update(tx, ctx, ticket, values);

function statusTimestamps(from: TTicketStatus, to: TTicketStatus, now: Date): Partial<typeof tickets.$inferInsert> {
  if (to === 'resolved') return { resolvedAt: now, closedAt: null };
  if (to === 'closed') return { closedAt: now, ...(from === 'resolved' ? {} : { resolvedAt: now }) };
  if (from === 'resolved' || from === 'closed') return { resolvedAt: null, closedAt: null };
  return {};
}

async function applyStatus(
  tx: DbOrTx,
  ctx: ChangeContext,
  ticket: TicketRow,
  watchers: string[],
  to: TTicketStatus,
  options: { reason?: string; quiet?: boolean } = {},
): Promise<TicketRow> {
  const reason = options.reason;
  const from = ticket.status;
  if (from === to) return ticket;
  const asRequester = !canWork(ctx.viewer, ticket);
  if (!canTransition(from, to, asRequester)) {
    throw new AppError(
      asRequester && canTransition(from, to, false) ? 'forbidden' : 'conflict',
      asRequester && canTransition(from, to, false)
        ? `Only agents can move a ticket from ${statusLabel[from]} to ${statusLabel[to]}`
        : `A ticket cannot go from ${statusLabel[from]} to ${statusLabel[to]}`,
      { from, to },
    );
  }
  if (ticket.mergedIntoId && to !== 'closed')
    throw new AppError('conflict', `${ticket.key} was merged into another ticket and cannot be reopened`);
  const after = await applyRaw(tx, ctx, ticket, {
    status: to,
    ...statusTimestamps(from, to, ctx.services.clock.now()),
  });
  const reopened = from === 'resolved' || from === 'closed';
  await addEvent(tx, ctx, after, {
    kind: 'system',
    visibility: 'public',
    body:
      reopened && to === 'open'
        ? `Reopened${reason ? ` (${reason})` : ''}`
        : `Status changed from ${statusLabel[from]} to ${statusLabel[to]}`,
    data: { type: 'status_changed', from, to },
  });
  // A status change that comes with a reply is told by the reply's notification.
  if (options.quiet) return after;
  await notify(tx, {
    userIds: audience(after, watchers),
    type: 'status_changed',
    ticket: after,
    title: `${after.key} is now ${statusLabel[to].toLowerCase()}`,
    body: after.title,
    visibility: 'public',
    actorId: ctx.actor.userId,
  });
  return after;
}

async function applyClassification(
  tx: DbOrTx,
  ctx: TicketContext,
  ticket: TicketRow,
  field: 'priority' | 'category',
  value: string | null,
  reason?: string,
): Promise<TicketRow> {
  if (ticket[field] === value) return ticket;
  const after = await applyRaw(tx, ctx, ticket, { [field]: value });
  await addEvent(tx, ctx, after, {
    kind: 'system',
    visibility: 'internal',
    body: `${field === 'priority' ? 'Priority' : 'Category'} changed from ${ticket[field] ?? 'none'} to ${value ?? 'none'}${reason ? `: ${reason}` : ''}`,
    data: { type: `${field}_changed`, from: ticket[field], to: value, ...(reason ? { reason } : {}) },
  });
  if (value !== null) await recordCorrection(tx, ticket, field, value, ctx.actor.userId, ctx.services.clock.now());
  return after;
}

export interface UpdateTicketInput {
  status?: TTicketStatus | undefined;
  priority?: TTicketPriority | undefined;
  category?: TTicketCategory | null | undefined;
  assigneeId?: string | null | undefined;
  groupId?: string | null | undefined;
  title?: string | undefined;
  description?: string | undefined;
  /** Why the priority changes (kept with that change, internal like it). */
  reason?: string | undefined;
}

/**
 * Change fields of a ticket in one transaction, each through its own rule: status through the
 * status machine, priority and category (agents; early changes kept as classifier corrections), assignment
 * (agents), group (agents), title and description (the requester while open, or agents).
 */
export async function updateTicket(ctx: TicketContext, key: string, input: UpdateTicketInput): Promise<TicketRow> {
  return ctx.services.db.transaction(async (tx) => {
    const { ticket: before, watchers } = await lockVisible(tx, ctx.viewer, key);
    const worker = canWork(ctx.viewer, before);
    const agentOnly = ['priority', 'category', 'assigneeId', 'groupId'] as const;
    for (const field of agentOnly) {
      if (input[field] !== undefined && !worker)
        throw new AppError('forbidden', `Only agents working this ticket can change ${field}`);
    }
    let t = before;
    if (input.title !== undefined || input.description !== undefined) {
      if (
        !worker &&
        (before.requesterId !== ctx.viewer.user.id || before.status === 'closed' || before.status === 'resolved')
      ) {
        throw new AppError('forbidden', 'Only the requester of an open ticket, or its agents, can edit it');
      }
      const values = {
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
      };
      if (Object.entries(values).some(([k, v]) => t[k as 'title' | 'description'] !== v)) {
        t = await applyRaw(tx, ctx, t, values);
        await addEvent(tx, ctx, t, {
          kind: 'system',
          visibility: 'public',
          body: 'Title or description edited',
          data: { type: 'edited', fields: Object.keys(values) },
        });
      }
    }
    if (input.groupId !== undefined && input.groupId !== t.groupId) {
      if (input.groupId) {
        const [g] = await tx
          .select({ id: groups.id, name: groups.name })
          .from(groups)
          .where(eq(groups.id, input.groupId));
        if (!g) throw new AppError('validation_failed', 'Invalid body.groupId: no such group');
      }
      const from = t.groupId;
      t = await applyRaw(tx, ctx, t, { groupId: input.groupId });
      await addEvent(tx, ctx, t, {
        kind: 'system',
        visibility: 'internal',
        body: 'Group changed',
        data: { type: 'group_changed', from, to: input.groupId },
      });
    }
    if (input.priority !== undefined)
      t = await applyClassification(tx, ctx, t, 'priority', input.priority, input.reason);
    if (input.category !== undefined) t = await applyClassification(tx, ctx, t, 'category', input.category);
    if (input.assigneeId !== undefined) t = await applyAssign(tx, ctx, t, input.assigneeId);
    if (input.status !== undefined) t = await applyStatus(tx, ctx, t, watchers, input.status);
    if (t !== before) {
      t = await syncSla(tx, t, ctx.services.clock.now());
      await changed(tx, ctx, 'ticket.updated', before, t);
    }
    return t;
  });
}

/** Mentioned people, written as @email in the text. */
function mentionedEmails(body: string): string[] {
  return [...body.matchAll(/(?:^|\s)@([\w.+-]+@[\w-]+(?:\.[\w-]+)+)/g)].map((m) => m[1]!.toLowerCase());
}

async function mentionedAgents(tx: DbOrTx, body: string): Promise<string[]> {
  const emails = mentionedEmails(body);
  if (!emails.length) return [];
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(
      and(
        sql`lower(${users.email}) IN (${sql.join(
          emails.map((e) => sql`${e}`),
          sql`, `,
        )})`,
        inArray(users.role, ['agent', 'admin']),
      ),
    );
  return rows.map((r) => r.id);
}

/**
 * A public reply. From the requester (or a watcher who does not work the ticket) it reopens a
 * pending or resolved ticket; an agent's first public reply stops the first-response clock.
 */
export async function addReply(
  ctx: TicketContext,
  key: string,
  body: string,
  attachmentIds: readonly string[] = [],
): Promise<{ ticket: TicketRow; event: TicketEventRow }> {
  return ctx.services.db.transaction(async (tx) => {
    const { ticket: before, watchers } = await lockVisible(tx, ctx.viewer, key);
    const worker = canWork(ctx.viewer, before);
    if (before.mergedIntoId)
      throw new AppError('conflict', `${before.key} was merged into another ticket; reply there`);
    if (!worker && before.status === 'closed')
      throw new AppError('conflict', `${before.key} is closed; open a new ticket and mention ${before.key}`);
    let t = await applyRaw(tx, ctx, before, {
      // Searchable text of public replies, capped so one long thread cannot bloat the row.
      repliesText: sql`left(${tickets.repliesText} || ${`\n${body}`}, 200000)`,
      ...(worker && !before.firstRespondedAt ? { firstRespondedAt: ctx.services.clock.now() } : {}),
    });
    const event = await addEvent(tx, ctx, t, { kind: 'reply', visibility: 'public', body });
    // Before the notifications: their deliveries read the reply's files.
    await attachUploads(
      tx,
      ctx.viewer.user,
      attachmentIds,
      { ticketId: t.id, eventId: event.id },
      ctx.services.clock.now(),
    );
    if (!worker && (t.status === 'pending' || t.status === 'resolved')) {
      t = await applyStatus(tx, ctx, t, watchers, 'open', { reason: 'the requester replied', quiet: true });
    } else if (worker && t.status === 'new') {
      t = await applyStatus(tx, ctx, t, watchers, 'open', { quiet: true });
    }
    await notify(tx, {
      userIds: audience(t, watchers),
      type: 'reply',
      ticket: t,
      title: `New reply on ${t.key}`,
      body: body.slice(0, 280),
      visibility: 'public',
      actorId: ctx.actor.userId,
      eventId: event.id,
    });
    const mentions = worker ? await mentionedAgents(tx, body) : [];
    if (mentions.length)
      await notify(tx, {
        userIds: mentions,
        type: 'mention',
        ticket: t,
        title: `You were mentioned on ${t.key}`,
        body: body.slice(0, 280),
        visibility: 'public',
        actorId: ctx.actor.userId,
      });
    t = await syncSla(tx, t, ctx.services.clock.now());
    await changed(tx, ctx, 'ticket.replied', before, t);
    return { ticket: t, event };
  });
}

/** An internal note: agents only, never shown, sent or notified to a requester. */
export async function addNote(
  ctx: TicketContext,
  key: string,
  body: string,
  attachmentIds: readonly string[] = [],
): Promise<{ ticket: TicketRow; event: TicketEventRow }> {
  return ctx.services.db.transaction(async (tx) => {
    const { ticket: before } = await lockVisible(tx, ctx.viewer, key);
    assertWorker(ctx.viewer, before);
    const t = await applyRaw(tx, ctx, before, {});
    const event = await addEvent(tx, ctx, t, { kind: 'note', visibility: 'internal', body });
    // The note owns them: they are as internal as it is.
    await attachUploads(
      tx,
      ctx.viewer.user,
      attachmentIds,
      { ticketId: t.id, eventId: event.id },
      ctx.services.clock.now(),
    );
    const mentions = await mentionedAgents(tx, body);
    await notify(tx, {
      userIds: mentions,
      type: 'mention',
      ticket: t,
      title: `You were mentioned in a note on ${t.key}`,
      body: body.slice(0, 280),
      visibility: 'internal',
      actorId: ctx.actor.userId,
    });
    await notify(tx, {
      userIds: [t.assigneeId].filter((id) => id && !mentions.includes(id)),
      type: 'note',
      ticket: t,
      title: `New internal note on ${t.key}`,
      body: body.slice(0, 280),
      visibility: 'internal',
      actorId: ctx.actor.userId,
    });
    await recordActivity(tx, ctx, t, {
      action: 'ticket.note_added',
      after: { eventId: event.id },
      visibility: 'internal',
    });
    return { ticket: t, event };
  });
}

/** Merge a duplicate into another ticket: the duplicate is closed and points at the survivor. */
export async function mergeTicket(ctx: TicketContext, key: string, intoKey: string): Promise<TicketRow> {
  if (key === intoKey) throw new AppError('conflict', 'A ticket cannot be merged into itself');
  return ctx.services.db.transaction(async (tx) => {
    // Lock both in key order so two opposite merges cannot deadlock.
    const [first, second] = [key, intoKey].sort();
    const a = await lockVisible(tx, ctx.viewer, first!);
    const b = await lockVisible(tx, ctx.viewer, second!);
    const source = a.ticket.key === key ? a : b;
    const target = a.ticket.key === key ? b : a;
    assertWorker(ctx.viewer, source.ticket);
    assertWorker(ctx.viewer, target.ticket);
    if (source.ticket.mergedIntoId) throw new AppError('conflict', `${key} was already merged`);
    if (target.ticket.mergedIntoId || target.ticket.status === 'closed')
      throw new AppError('conflict', `${intoKey} is closed or merged; choose an open ticket`);
    const now = ctx.services.clock.now();
    const merged = await syncSla(
      tx,
      await applyRaw(tx, ctx, source.ticket, {
        status: 'closed',
        closedAt: now,
        resolvedAt: source.ticket.resolvedAt ?? now,
        mergedIntoId: target.ticket.id,
      }),
      now,
    );
    await addEvent(tx, ctx, merged, {
      kind: 'system',
      visibility: 'public',
      body: `Merged into ${intoKey}`,
      data: { type: 'merged', into: intoKey },
    });
    const newWatchers = [source.ticket.requesterId, ...source.watchers].filter(
      (u) => u !== target.ticket.requesterId && !target.watchers.includes(u),
    );
    if (newWatchers.length) {
      await tx
        .insert(ticketWatchers)
        .values(
          [...new Set(newWatchers)].map((userId) => ({
            ticketId: target.ticket.id,
            userId,
            addedBy: ctx.actor.userId,
          })),
        )
        .onConflictDoNothing();
    }
    const survivor = await applyRaw(tx, ctx, target.ticket, {});
    await addEvent(tx, ctx, survivor, {
      kind: 'system',
      visibility: 'public',
      body: `${key} was merged into this ticket`,
      data: { type: 'merged_from', from: key },
    });
    await notify(tx, {
      userIds: [source.ticket.requesterId, ...source.watchers],
      type: 'status_changed',
      ticket: merged,
      title: `${key} was merged into ${intoKey}`,
      body: survivor.title,
      visibility: 'public',
      actorId: ctx.actor.userId,
    });
    await changed(tx, ctx, 'ticket.merged', source.ticket, merged);
    await changed(tx, ctx, 'ticket.merge_received', target.ticket, survivor);
    return merged;
  });
}

export async function reopenTicket(ctx: TicketContext, key: string): Promise<TicketRow> {
  return ctx.services.db.transaction(async (tx) => {
    const { ticket, watchers } = await lockVisible(tx, ctx.viewer, key);
    if (ticket.status !== 'resolved' && ticket.status !== 'closed')
      throw new AppError('conflict', `${ticket.key} is not resolved or closed`);
    const after = await syncSla(tx, await applyStatus(tx, ctx, ticket, watchers, 'open'), ctx.services.clock.now());
    await changed(tx, ctx, 'ticket.reopened', ticket, after);
    return after;
  });
}

/**
 * Watchers: agents who work the ticket add or remove anyone; a requester adds or removes people on
 * their own ticket; anyone who can see a ticket may remove themselves.
 */
export async function setWatcher(
  ctx: TicketContext,
  key: string,
  userId: string,
  watching: boolean,
): Promise<TicketRow> {
  return ctx.services.db.transaction(async (tx) => {
    const { ticket } = await lockVisible(tx, ctx.viewer, key);
    const self = userId === ctx.viewer.user.id;
    const allowed = canWork(ctx.viewer, ticket) || ticket.requesterId === ctx.viewer.user.id || (self && !watching);
    if (!allowed) throw new AppError('forbidden', 'Only the requester or the ticket’s agents can change its watchers');
    const [target] = await tx
      .select({ id: users.id, active: users.active, name: users.name })
      .from(users)
      .where(eq(users.id, userId));
    if (!target?.active) throw new AppError('validation_failed', 'Invalid userId: no such active user');
    if (watching) {
      const added = await tx
        .insert(ticketWatchers)
        .values({ ticketId: ticket.id, userId, addedBy: ctx.actor.userId })
        .onConflictDoNothing()
        .returning();
      if (!added.length) return ticket;
    } else {
      const removed = await tx
        .delete(ticketWatchers)
        .where(and(eq(ticketWatchers.ticketId, ticket.id), eq(ticketWatchers.userId, userId)))
        .returning();
      if (!removed.length) return ticket;
    }
    const after = await applyRaw(tx, ctx, ticket, {});
    await addEvent(tx, ctx, after, {
      kind: 'system',
      visibility: 'internal',
      body: `${target.name} ${watching ? 'now watches' : 'no longer watches'} this ticket`,
      data: { type: watching ? 'watcher_added' : 'watcher_removed', userId },
    });
    await changed(tx, ctx, watching ? 'ticket.watcher_added' : 'ticket.watcher_removed', ticket, after);
    return after;
  });
}

/** The requester rates a resolved ticket, once. */
export async function rateTicket(
  ctx: TicketContext,
  key: string,
  rating: number,
  comment: string | undefined,
): Promise<TicketRow> {
  return ctx.services.db.transaction(async (tx) => {
    const { ticket } = await lockVisible(tx, ctx.viewer, key);
    if (ticket.requesterId !== ctx.viewer.user.id)
      throw new AppError('forbidden', 'Only the requester can rate a ticket');
    if (ticket.status !== 'resolved' && ticket.status !== 'closed')
      throw new AppError('conflict', 'A ticket can be rated once it is resolved');
    const inserted = await tx
      .insert(ticketCsat)
      .values({ ticketId: ticket.id, userId: ctx.viewer.user.id, rating, comment: comment ?? null })
      .onConflictDoNothing()
      .returning();
    if (!inserted.length) throw new AppError('conflict', 'This ticket has already been rated');
    const after = await applyRaw(tx, ctx, ticket, {});
    await addEvent(tx, ctx, after, {
      kind: 'system',
      visibility: 'public',
      body: `Rated ${rating} out of 5`,
      data: { type: 'csat', rating },
    });
    await recordActivity(tx, ctx, ticket, {
      action: 'ticket.rated',
      after: { rating, comment: comment ?? null },
      visibility: 'public',
    });
    return after;
  });
}

// The desk acting by itself (stale-ticket rules): audited as the system, allowed to work any
// ticket. Only `id` and `role` of the viewer's user are read by the rules it goes through.
const systemUser = { id: '00000000-0000-0000-0000-000000000000', name: 'Deskmate', role: 'admin' } as UserRow;
const systemContext = (clock: Clock): ChangeContext => ({
  services: { clock },
  actor: systemActor,
  viewer: { user: systemUser, groupIds: [] },
});

/**
 * A status change the desk makes by itself on a ticket the caller has locked (stale-ticket
 * rules): the same status machine, timeline, SLA clocks and audit as any change, with a public
 * notice that says why, told to the requester, assignee and watchers when `notify` is set.
 */
export async function setStatusBySystem(
  tx: DbOrTx,
  clock: Clock,
  ticket: TicketRow,
  to: TTicketStatus,
  notice: string,
  options: { notify: boolean },
): Promise<TicketRow> {
  const ctx = systemContext(clock);
  const watchers = await watcherIds(tx, ticket.id);
  let after = await applyStatus(tx, ctx, ticket, watchers, to, { quiet: true });
  await addEvent(tx, ctx, after, {
    kind: 'system',
    visibility: 'public',
    body: notice,
    data: { type: 'automatic', to },
  });
  if (options.notify)
    await notify(tx, {
      userIds: audience(after, watchers),
      type: 'status_changed',
      ticket: after,
      title: `${after.key} is now ${statusLabel[to].toLowerCase()}`,
      body: notice,
      visibility: 'public',
      actorId: null,
    });
  after = await syncSla(tx, after, clock.now());
  await changed(tx, ctx, `ticket.auto_${to}`, ticket, after);
  return after;
}

/** A public notice from the desk on a locked ticket (a reminder), on the timeline and to the requester. */
export async function postSystemNotice(
  tx: DbOrTx,
  clock: Clock,
  ticket: TicketRow,
  notice: { title: string; body: string; type: string },
): Promise<void> {
  const ctx = systemContext(clock);
  await addEvent(tx, ctx, ticket, {
    kind: 'system',
    visibility: 'public',
    body: notice.body,
    data: { type: notice.type },
  });
  await notify(tx, {
    userIds: [ticket.requesterId],
    type: 'reminder',
    ticket,
    title: notice.title,
    body: notice.body,
    visibility: 'public',
    actorId: null,
  });
}

/**
 * An internal note the desk writes by itself on a ticket (a mail whose sender could not be
 * authenticated): no author, never shown to the requester, told to the assignee.
 */
export async function addDeskNote(
  tx: DbOrTx,
  clock: Clock,
  ticket: TicketRow,
  note: { body: string; data: Record<string, unknown>; channel: TChannel; title: string; action: string },
): Promise<TicketEventRow> {
  const ctx: ChangeContext = { ...systemContext(clock), actor: { ...systemActor, channel: note.channel } };
  const event = await addEvent(tx, ctx, ticket, {
    kind: 'note',
    visibility: 'internal',
    body: note.body,
    data: note.data,
    authorId: null,
  });
  await notify(tx, {
    userIds: [ticket.assigneeId].filter((id): id is string => Boolean(id)),
    type: 'note',
    ticket,
    title: note.title,
    body: note.body.slice(0, 280),
    visibility: 'internal',
    actorId: null,
  });
  await recordActivity(tx, ctx, ticket, { action: note.action, after: { eventId: event.id }, visibility: 'internal' });
  return event;
}

export type { NotificationType };
