import { eq } from 'drizzle-orm';
import { priorityFloor, type TClassification } from '@deskmate/kb';
import { wizard, type TTicketCategory, type TTicketPriority } from '@deskmate/shared';
import { attachUploads } from '../../attachments/service.js';
import { classificationText, recordPrediction } from '../../classifier/feedback.js';
import type { DbOrTx } from '../../db/client.js';
import { groups, settings, tickets, users } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import { consume } from '../../security/rate-limit.js';
import { syncSla } from '../../sla/sync.js';
import { nextTicketKey } from '../keys.js';
import { isAgent } from '../policy.js';
import { ticketColumns, type TicketRow } from '../presenter.js';
import { channelOf, recordChange, recordEvent } from '../recorder.js';
import { pickRoundRobinAssignee } from '../round-robin.js';
import { notifyAssigned } from './apply.js';
import type { TicketContext } from './context.js';

const maxPriority = wizard.maxPriority;

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
  return services.db.transaction(async (tx) => {
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
    await recordEvent(tx, ctx, t, {
      kind: 'system',
      visibility: 'public',
      body: 'Ticket created',
      data: { type: 'created' },
    });
    await attachUploads(tx, viewer.user, input.attachmentIds ?? [], { ticketId: t.id, eventId: null }, now);
    if (assigneeId) {
      await recordEvent(tx, ctx, t, {
        kind: 'system',
        visibility: 'public',
        body: 'Assigned by round-robin',
        data: { type: 'assigned', to: assigneeId },
        authorId: null,
      });
      await notifyAssigned(tx, t, assigneeId, null);
    }
    await recordChange(tx, ctx, 'ticket.created', null, t);
    return t;
  });
}
