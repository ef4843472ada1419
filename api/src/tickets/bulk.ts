import type { TBulkTicketAction, TErrorCode } from '@deskmate/shared';
import { AppError } from '../http/errors.js';
import type { TicketRow } from './presenter.js';
import { claimTicket, updateTicket, type TicketContext } from './service.js';

export type BulkOutcome =
  { key: string; ok: true; row: TicketRow } | { key: string; ok: false; error: { code: TErrorCode; message: string } };

/**
 * The same change (or a claim) on several tickets, one after the other, each through the domain
 * function of the single-ticket route in its own transaction: one failure undoes nothing else,
 * and each ticket gets its own access check, audit row and notifications. Answers one outcome
 * per key, in order; a ticket the viewer may not see is `not_found`, as on the single routes.
 */
export async function bulkChangeTickets(
  ctx: TicketContext,
  keys: readonly string[],
  action: TBulkTicketAction,
): Promise<BulkOutcome[]> {
  const outcomes: BulkOutcome[] = [];
  // Sequential on purpose: parallel transactions over one pool would starve other requests, and
  // tickets linked by a merge could lock each other.
  for (const key of keys) {
    try {
      const row = 'claim' in action ? await claimTicket(ctx, key) : await updateTicket(ctx, key, action);
      outcomes.push({ key, ok: true, row });
    } catch (err) {
      if (!(err instanceof AppError)) {
        ctx.services.logger.error({ err, key }, 'bulk ticket change failed');
        outcomes.push({ key, ok: false, error: { code: 'internal', message: 'This ticket could not be changed' } });
      } else {
        outcomes.push({ key, ok: false, error: { code: err.code, message: err.message } });
      }
    }
  }
  return outcomes;
}
