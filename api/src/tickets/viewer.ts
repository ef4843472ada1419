import type { RouteContext } from '../http/route.js';
import { viewerFor, type Viewer } from './policy.js';

type RequestLike = Pick<RouteContext<unknown, unknown, unknown>, 'services' | 'user' | 'auth'>;

/** Who reads, for the ticket policy: a session carries its group ids; anyone else is looked up. */
export async function requestViewer(ctx: RequestLike): Promise<Viewer> {
  return ctx.auth?.kind === 'session'
    ? { user: ctx.user, groupIds: ctx.auth.groupIds }
    : viewerFor(ctx.services.db, ctx.user);
}
