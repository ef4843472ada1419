import { sql } from 'drizzle-orm';
import { tickets } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import { notify } from '../../notifications/service.js';
import { syncSla } from '../../sla/sync.js';
import { canWork } from '../policy.js';
import type { TicketEventRow, TicketRow } from '../presenter.js';
import { recordChange } from '../recorder.js';
import { applyRaw, applyStatus, audience, recordWithFiles } from './apply.js';
import type { TicketContext } from './context.js';
import { lockVisible } from './load.js';
import { mentionedAgents } from './mentions.js';

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
    const event = await recordWithFiles(tx, ctx, t, { kind: 'reply', visibility: 'public', body }, attachmentIds);
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
    await recordChange(tx, ctx, 'ticket.replied', before, t);
    return { ticket: t, event };
  });
}
