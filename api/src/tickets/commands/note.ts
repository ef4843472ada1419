import { notify } from '../../notifications/service.js';
import type { TicketEventRow, TicketRow } from '../presenter.js';
import { recordActivity } from '../recorder.js';
import { applyRaw, recordWithFiles } from './apply.js';
import type { TicketContext } from './context.js';
import { assertWorker, lockVisible } from './load.js';
import { mentionedAgents } from './mentions.js';

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
    const event = await recordWithFiles(tx, ctx, t, { kind: 'note', visibility: 'internal', body }, attachmentIds);
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
