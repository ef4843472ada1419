import { ticketWatchers } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import { notify } from '../../notifications/service.js';
import { syncSla } from '../../sla/sync.js';
import type { TicketRow } from '../presenter.js';
import { recordChange, recordEvent } from '../recorder.js';
import { applyRaw } from './apply.js';
import type { TicketContext } from './context.js';
import { assertWorker, lockVisible } from './load.js';

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
    await recordEvent(tx, ctx, merged, {
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
    await recordEvent(tx, ctx, survivor, {
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
    await recordChange(tx, ctx, 'ticket.merged', source.ticket, merged);
    await recordChange(tx, ctx, 'ticket.merge_received', target.ticket, survivor);
    return merged;
  });
}
