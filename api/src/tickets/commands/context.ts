import type { TChannel } from '@deskmate/shared';
import { systemActor, type Actor } from '../../audit/record.js';
import type { Clock } from '../../clock.js';
import type { Db, DbOrTx } from '../../db/client.js';
import type { Services, UserRow } from '../../http/context.js';
import { viewerFor, type Viewer } from '../policy.js';

/** Who is acting, through which channel: every command takes this. */
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

/**
 * What a change needs: who acts, with which rights, where it is written and the time — all that
 * the desk's own commands (stale rules, reminders, desk notes) have.
 */
export type ChangeContext = Pick<TicketContext, 'actor' | 'viewer'> & { services: Pick<Services, 'db' | 'clock'> };

/**
 * The one way to run commands inside a caller's transaction (the chat wizard's, an inbound
 * mail's): give them services whose `db` is that transaction. Each command opens its own
 * `services.db.transaction(...)`, which is then a savepoint of the caller's: its writes commit
 * with the caller's, and a command that fails undoes only its own (see tickets/recorder.ts).
 */
export function inCallerTransaction<S extends { db: Db }>(services: S, tx: DbOrTx): S {
  // A transaction has the query builder of the database (and `transaction`, as a savepoint).
  return { ...services, db: tx as unknown as Db };
}

// The desk acting by itself (stale-ticket rules, reminders, desk notes): audited as the system,
// allowed to work any ticket. Only `id` and `role` of the viewer's user are read by the rules it
// goes through.
const systemUser = { id: '00000000-0000-0000-0000-000000000000', name: 'Deskmate', role: 'admin' } as UserRow;

/** The desk's own context, in the caller's transaction `tx`; `channel` says where it came from. */
export function systemContext(tx: DbOrTx, clock: Clock, channel: TChannel = 'system'): ChangeContext {
  return {
    services: inCallerTransaction({ db: undefined as unknown as Db, clock }, tx),
    actor: { ...systemActor, channel },
    viewer: { user: systemUser, groupIds: [] },
  };
}
