import { eq, sql } from 'drizzle-orm';
import { priorityFloor, type TClassification } from '@deskmate/kb';
import { wizard, type TTicketCategory, type TTicketPriority } from '@deskmate/shared';
import { attachUploads } from '../../attachments/service.js';
import { classificationText, recordPrediction } from '../../classifier/feedback.js';
import type { DbOrTx } from '../../db/client.js';
import { groups, settings, tickets, users } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import { consume } from '../../security/rate-limit.js';
import { loadSlaSetupForNew, slaSetupForNewJson, slaSetupFromJson, type SlaSetupJson } from '../../sla/setup.js';
import { newTicketSla } from '../../sla/sync.js';
import { isAgent } from '../policy.js';
import { ticketColumns, type TicketRow } from '../presenter.js';
import { channelOf, recordChange, recordEvents } from '../recorder.js';
import { notifyAssigned } from './apply.js';
import type { TicketContext } from './context.js';

const maxPriority = wizard.maxPriority;

/**
 * The group a new ticket goes to — the one asked for, or the desk's default (the setting
 * `tickets.default_group_id`) — and, in a round-robin group, its next agent, in one statement.
 * Null when neither names an existing group.
 *
 * The pick is `deskmate_round_robin_pick` (migration 0019): the next agent, active, not away,
 * longest since their last round-robin ticket (never first), marked as picked. It takes a
 * transaction-scoped advisory lock per group, so N tickets created at once for k agents give each
 * N/k ± 1. Called on the pool (a statement of its own), the lock is held for the pick only, and
 * creates in one group do not wait on each other's whole transaction (ADR 18); called inside a
 * caller's transaction, it holds the lock until that one ends.
 */
async function targetGroup(
  db: DbOrTx,
  groupId: string | undefined,
): Promise<{ id: string; roundRobin: boolean; picked: string | null; sla: SlaSetupJson } | null> {
  const chosen = groupId
    ? sql`${groupId}`
    : sql`(SELECT ${settings.value} #>> '{}' FROM ${settings} WHERE ${settings.key} = 'tickets.default_group_id')`;
  const [group] = await db
    .select({
      id: groups.id,
      roundRobin: groups.roundRobin,
      // CASE runs the pick (and takes its lock) for a round-robin group only.
      picked: sql<string | null>`CASE WHEN ${groups.roundRobin} THEN deskmate_round_robin_pick(${groups.id}) END`,
      // The SLA setup in the same round trip: a moment before the transaction, as it would be read
      // in it (read committed), and one statement less in it.
      sla: slaSetupForNewJson,
    })
    .from(groups)
    .where(sql`${groups.id}::text = ${chosen}`);
  return group ?? null;
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
  const requesterId = input.requesterId ?? viewer.user.id;
  if (requesterId !== viewer.user.id) {
    const [requester] = await services.db
      .select({ id: users.id, active: users.active })
      .from(users)
      .where(eq(users.id, requesterId));
    if (!requester?.active) throw new AppError('validation_failed', 'Invalid body.requesterId: no such active user');
  }
  const group = await targetGroup(services.db, input.groupId);
  if (input.groupId && !group) throw new AppError('validation_failed', 'Invalid body.groupId: no such group');
  // Picked before the transaction, on its own: the group's round-robin lock is held for the pick
  // only. A create that fails after it leaves the agent's turn taken (ADR 18).
  const assigneeId = group?.picked ?? null;
  return services.db.transaction(async (tx) => {
    const now = services.clock.now();
    const scope = { priority, groupId: group?.id ?? null, category, status: 'new' as const, firstRespondedAt: null };
    const setup = group ? slaSetupFromJson(group.sla) : await loadSlaSetupForNew(tx);
    const sla = newTicketSla(scope, now, setup);
    const [t] = await tx
      .insert(tickets)
      .values({
        // The next number and its key (`IT-1042`) in the insert itself: currval is this session's
        // nextval of the column before, so the two agree under any concurrency.
        number: sql`nextval('ticket_number_seq')`,
        key: sql`${`${services.config.TICKET_KEY_PREFIX}-`} || currval('ticket_number_seq')`,
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
        // Its clocks in the same insert (newTicketSla): the row is written once.
        ...sla,
      })
      .returning(ticketColumns);
    if (!t) throw new Error('the ticket insert returned no row');
    if (guess) {
      const used = { priority: input.priority === undefined, category: input.category === undefined };
      await recordPrediction(tx, t, guess.classification, used, guess.modelVersion);
    }
    // Created, then assigned by round-robin (the recorder keeps the order), written at commit:
    // nothing in the create reads them back or points at them.
    await recordEvents(
      tx,
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
    await attachUploads(tx, viewer.user, input.attachmentIds ?? [], { ticketId: t.id, eventId: null }, now);
    // The pick takes active agents only (deskmate_round_robin_pick).
    if (assigneeId) await notifyAssigned(tx, t, assigneeId, null, true);
    await recordChange(tx, ctx, 'ticket.created', null, t);
    return t;
  });
}
