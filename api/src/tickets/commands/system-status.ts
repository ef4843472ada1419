import type { TTicketStatus } from '@deskmate/shared';
import { notify } from '../../notifications/service.js';
import { syncSla } from '../../sla/sync.js';
import type { TicketRow } from '../presenter.js';
import { recordChange, recordEvent } from '../recorder.js';
import { statusLabel } from '../status.js';
import { applyStatus, audience } from './apply.js';
import type { ChangeContext } from './context.js';
import { watcherIds } from './load.js';

/**
 * A status change the desk makes by itself on a ticket the caller has locked (stale-ticket
 * rules): the same status machine, timeline, SLA clocks and audit as any change, with a public
 * notice that says why, told to the requester, assignee and watchers when `notify` is set.
 * `ctx`: `systemContext` in the caller's transaction.
 */
export async function setStatusBySystem(
  ctx: ChangeContext,
  ticket: TicketRow,
  to: TTicketStatus,
  notice: string,
  options: { notify: boolean },
): Promise<TicketRow> {
  return ctx.services.db.transaction(async (tx) => {
    const watchers = await watcherIds(tx, ticket.id);
    let after = await applyStatus(tx, ctx, ticket, watchers, to, { quiet: true });
    await recordEvent(tx, ctx, after, {
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
    after = await syncSla(tx, after, ctx.services.clock.now());
    await recordChange(tx, ctx, `ticket.auto_${to}`, ticket, after);
    return after;
  });
}
