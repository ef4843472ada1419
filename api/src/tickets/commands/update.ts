import { eq } from 'drizzle-orm';
import { isAgent, type TTicketCategory, type TTicketPriority, type TTicketStatus } from '@deskmate/shared';
import { recordCorrection } from '../../classifier/feedback.js';
import type { DbOrTx } from '../../db/client.js';
import { groups, users } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import { notify } from '../../notifications/service.js';
import { syncSla } from '../../sla/sync.js';
import { canWork } from '../policy.js';
import type { TicketRow } from '../presenter.js';
import { recordChange, recordEvent } from '../recorder.js';
import { applyRaw, applyStatus, notifyAssigned } from './apply.js';
import type { ChangeContext, TicketContext } from './context.js';
import { lockVisible } from './load.js';

async function applyAssign(
  tx: DbOrTx,
  ctx: ChangeContext,
  ticket: TicketRow,
  assigneeId: string | null,
): Promise<TicketRow> {
  if (ticket.assigneeId === assigneeId) return ticket;
  if (assigneeId) {
    const [agent] = await tx.select().from(users).where(eq(users.id, assigneeId));
    if (!agent?.active || !isAgent(agent))
      throw new AppError('validation_failed', 'Invalid body.assigneeId: tickets can only be assigned to active agents');
  }
  const after = await applyRaw(tx, ctx, ticket, {
    assigneeId,
    status: assigneeId && ticket.status === 'new' ? 'open' : ticket.status,
  });
  const name = assigneeId
    ? ((await tx.select({ name: users.name }).from(users).where(eq(users.id, assigneeId)))[0]?.name ?? '')
    : '';
  await recordEvent(tx, ctx, after, {
    kind: 'system',
    visibility: 'public',
    body: assigneeId ? `Assigned to ${name}` : 'Unassigned',
    data: { type: assigneeId ? 'assigned' : 'unassigned', from: ticket.assigneeId, to: assigneeId },
  });
  if (assigneeId) await notifyAssigned(tx, after, assigneeId, ctx.actor.userId);
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

async function applyClassification(
  tx: DbOrTx,
  ctx: ChangeContext,
  ticket: TicketRow,
  field: 'priority' | 'category',
  value: string | null,
  reason?: string,
): Promise<TicketRow> {
  if (ticket[field] === value) return ticket;
  const after = await applyRaw(tx, ctx, ticket, { [field]: value });
  await recordEvent(tx, ctx, after, {
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
        await recordEvent(tx, ctx, t, {
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
      await recordEvent(tx, ctx, t, {
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
      await recordChange(tx, ctx, 'ticket.updated', before, t);
    }
    return t;
  });
}
