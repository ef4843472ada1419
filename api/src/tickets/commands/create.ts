import { randomUUID } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { priorityFloor, type TClassification } from '@deskmate/kb';
import { wizard, type TPersonRef, type TTicketCategory, type TTicketPriority } from '@deskmate/shared';
import { attachUploads } from '../../attachments/service.js';
import { classificationText, recordPrediction } from '../../classifier/feedback.js';
import { atCommit, isPool, writeScope, writeScoped, type DbOrTx } from '../../db/client.js';
import { groups, settings, tickets, users } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import { consumeExpression, refuseRetry } from '../../security/rate-limit.js';
import { slaSetupForNewJson, slaSetupFromJson, type SlaSetupJson } from '../../sla/setup.js';
import { newTicketSla } from '../../sla/sync.js';
import { isAgent } from '../policy.js';
import { personRef, relatedOfNew, type Related, type TicketRow } from '../presenter.js';
import { channelOf, recordChange, recordEvents } from '../recorder.js';
import { notifyAssigned } from './apply.js';
import type { TicketContext } from './context.js';

const maxPriority = wizard.maxPriority;

/**
 * What a new ticket needs from the database before it is written, in one statement (ADR 23): a
 * requester's rate limit consumed first; then, unless it refused, its number (the sequence's
 * next), the group it goes to — the one asked for, or the desk's default (the setting
 * `tickets.default_group_id`), null when neither names an existing group — and, in a round-robin
 * group, its next agent; the SLA setup (active policies and calendars); and, filed for someone
 * else, that person if they are an active user.
 *
 * The pick is `deskmate_round_robin_pick` (migration 0019): the next agent, active, not away,
 * longest since their last round-robin ticket (never first), marked as picked. It takes a
 * transaction-scoped advisory lock per group, so N tickets created at once for k agents give each
 * N/k ± 1. Called on the pool (a statement of its own), the lock is held for the pick only, and
 * creates in one group do not wait on each other's whole transaction (ADR 18); called inside a
 * caller's transaction, it holds the lock until that one ends.
 */
async function prepareCreate(
  db: DbOrTx,
  groupId: string | undefined,
  otherRequester: string | null,
  /** A rate limit to consume first (`consumeExpression`): refused, the rest is not done. */
  limit: SQL | null,
): Promise<{
  /** Seconds to wait: the limit refused the create (nothing else was done). */
  retry: number;
  number: number;
  group: { id: string; name: string; picked: TPersonRef | null } | null;
  sla: SlaSetupJson;
  /** Someone else filed for: who, when they are an active user. */
  other: TPersonRef | null;
}> {
  const chosen = groupId
    ? sql`${groupId}`
    : sql`(SELECT ${settings.value} #>> '{}' FROM ${settings} WHERE ${settings.key} = 'tickets.default_group_id')`;
  const person = (alias: string) =>
    sql.raw(`json_build_object('id', ${alias}.id, 'name', ${alias}.name, 'email', ${alias}.email)`);
  // Someone else's ticket (an agent filing for them): they must be an active user.
  const other = otherRequester
    ? sql`(SELECT ${person('u')} FROM ${users} u WHERE u.id = ${otherRequester} AND u.active)`
    : sql`NULL::json`;
  // The limit first; then, unless it refused: the number, and — CASE — the pick (taking its lock)
  // for a round-robin group and a create not refused for its requester. OFFSET 0 keeps each a
  // subquery of its own, run once, in that order. The SLA setup is read a moment before the
  // ticket is written, as it would be read in its transaction.
  const { rows } = await db.execute<{
    retry: number;
    number: string | null;
    id: string | null;
    name: string | null;
    picked: TPersonRef | null;
    sla: SlaSetupJson;
    other: TPersonRef | null;
  }>(sql`
    SELECT l.retry, n.number, g.id, g.name,
           (SELECT ${person('a')} FROM ${users} a WHERE a.id = p.picked) AS picked,
           ${slaSetupForNewJson} AS sla, r.other
      FROM (SELECT ${limit ?? sql`0`}::int AS retry OFFSET 0) AS l
      CROSS JOIN LATERAL (SELECT CASE WHEN l.retry = 0 THEN nextval('ticket_number_seq') END AS number OFFSET 0) AS n
      CROSS JOIN (SELECT ${other} AS other) AS r
      LEFT JOIN ${groups} g ON g.id::text = ${chosen}
      LEFT JOIN LATERAL (
        SELECT CASE WHEN l.retry = 0 AND g.round_robin AND (${otherRequester === null} OR r.other IS NOT NULL)
                    THEN deskmate_round_robin_pick(g.id) END AS picked
        OFFSET 0) AS p ON true`);
  const [row] = rows;
  if (!row) throw new Error('the create statement returned no row');
  return {
    retry: Number(row.retry),
    number: Number(row.number),
    group: row.id ? { id: row.id, name: row.name ?? '', picked: row.picked } : null,
    sla: row.sla,
    other: row.other,
  };
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
  if (input.priority && !isAgent(ctx.viewer.user)) {
    const floor = priorityFloor(text).floor;
    if (floor) priority = maxPriority(priority, floor);
  }
  return {
    priority,
    category: input.category ?? classification.category,
    guess: { classification, modelVersion: kb.classifierVersion },
  };
}

/**
 * Open a ticket: the same command for the API, both chat channels, email intake and the wizard.
 * Inside a caller's transaction (the chat wizard's, an inbound mail's): `inCallerTransaction`.
 */
export async function createTicket(ctx: TicketContext, input: CreateTicketInput): Promise<TicketRow> {
  return (await createTicketToShow(ctx, input)).row;
}

/**
 * `createTicket`, with what its answer shows besides the row (its requester, agent and group),
 * known to the create: a new ticket has no watchers, merge or rating yet.
 */
export async function createTicketToShow(
  ctx: TicketContext,
  input: CreateTicketInput,
): Promise<{ row: TicketRow; related: Related }> {
  const { services, viewer } = ctx;
  if ((input.requesterId && input.requesterId !== viewer.user.id) || input.groupId) {
    if (!isAgent(viewer.user))
      throw new AppError('forbidden', 'Only agents can file for someone else or choose the group');
  }
  // A requester's creates count against TICKET_CREATE_LIMIT, first thing in the create's read.
  const limit = isAgent(viewer.user)
    ? null
    : consumeExpression(
        [{ key: `tickets:create:${viewer.user.id}`, max: services.config.TICKET_CREATE_LIMIT, windowMs: 10 * 60_000 }],
        services.clock,
      );
  const { priority, category, guess } = classify(ctx, input);
  const requesterId = input.requesterId ?? viewer.user.id;
  const prepared = await prepareCreate(
    services.db,
    input.groupId,
    requesterId !== viewer.user.id ? requesterId : null,
    limit,
  );
  refuseRetry(prepared.retry);
  const { number, group, sla: setup } = prepared;
  const requester = requesterId === viewer.user.id ? personRef(viewer.user) : prepared.other;
  if (!requester) throw new AppError('validation_failed', 'Invalid body.requesterId: no such active user');
  if (input.groupId && !group) throw new AppError('validation_failed', 'Invalid body.groupId: no such group');
  // Picked before the ticket is written, on its own: the group's round-robin lock is held for the
  // pick only. A create that fails after it leaves the agent's turn taken (ADR 18).
  const assigneeId = group?.picked?.id ?? null;
  const now = services.clock.now();
  const scope = { priority, groupId: group?.id ?? null, category, status: 'new' as const, firstRespondedAt: null };
  // Every column, so that the row the create goes on with is the row written (no default fills in).
  const t: TicketRow = {
    id: randomUUID(),
    number,
    key: `${services.config.TICKET_KEY_PREFIX}-${number}`,
    title: input.title,
    description: input.description,
    status: 'new',
    priority,
    category,
    requesterId,
    assigneeId,
    groupId: group?.id ?? null,
    channel: channelOf(ctx.actor),
    mergedIntoId: null,
    firstRespondedAt: null,
    resolvedAt: null,
    closedAt: null,
    escalationLevel: 0,
    // Its clocks (newTicketSla) in the same row: it is written once.
    ...newTicketSla(scope, now, slaSetupFromJson(setup)),
    createdAt: now,
    updatedAt: now,
  };
  const related = relatedOfNew(group?.picked ? [requester, group.picked] : [requester], group);
  const record = async (db: DbOrTx) => {
    if (guess) {
      const used = { priority: input.priority === undefined, category: input.category === undefined };
      await recordPrediction(db, t, guess.classification, used, guess.modelVersion);
    }
    // Created, then assigned by round-robin (the recorder keeps the order), written at the end:
    // nothing in the create reads them back or points at them.
    await recordEvents(
      db,
      ctx,
      [
        {
          ticket: t,
          event: { kind: 'system', visibility: 'public', body: 'Ticket created', data: { type: 'created' } },
        },
        ...(assigneeId
          ? [
              {
                ticket: t,
                event: {
                  kind: 'system' as const,
                  visibility: 'public' as const,
                  body: 'Assigned by round-robin',
                  data: { type: 'assigned', to: assigneeId },
                  authorId: null,
                },
              },
            ]
          : []),
      ],
      { atCommit: true },
    );
    // The pick takes active agents only (deskmate_round_robin_pick).
    if (assigneeId) await notifyAssigned(db, t, assigneeId, null, true);
    await recordChange(db, ctx, 'ticket.created', null, t);
  };
  // Files to attach, or a caller's transaction to join: a transaction, the ticket written first.
  if (input.attachmentIds?.length || !isPool(services.db))
    return services.db.transaction(async (tx) => {
      await tx.insert(tickets).values(t);
      await attachUploads(tx, viewer.user, input.attachmentIds ?? [], { ticketId: t.id, eventId: null }, now);
      await record(tx);
      return { row: t, related };
    });
  // Otherwise no transaction: the ticket, its events, audit, outbox, notifications and live
  // update are ONE statement, which PostgreSQL applies whole or not at all (ADR 23).
  const writes = writeScope(services.db);
  await atCommit(writes, 'ticket', [t], (rows) => services.db.insert(tickets).values(rows));
  await record(writes);
  await writeScoped(writes);
  return { row: t, related };
}
