import { browserEndpoints, isRequester, type TLiveStreamEvents, type TLiveTicketEvent } from '@deskmate/shared';
import type { Services } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { bindRoute } from '../http/route.js';
import { canView, canWork, viewerFor, type Viewer } from '../tickets/policy.js';
import type { LiveEvent } from './bus.js';
import { streamHolder, ticketAccess, type TicketAccess } from './queries.js';

const HEARTBEAT_MS = 25_000;
const RECHECK_MS = 30_000;

/** One database read per live event per process, however many streams are open. */
function accessLoader(services: Services) {
  const cache = new Map<string, Promise<TicketAccess>>();
  return (ticketId: string): Promise<TicketAccess> => {
    let hit = cache.get(ticketId);
    if (!hit) {
      hit = ticketAccess(services.db, ticketId);
      cache.set(ticketId, hit);
      setTimeout(() => cache.delete(ticketId), 250).unref();
    }
    return hit;
  };
}

const loaders = new WeakMap<Services, ReturnType<typeof accessLoader>>();

/** Whether a live event may reach this viewer: the same rules as every read path. */
export async function mayReceive(services: Services, viewer: Viewer, event: LiveEvent): Promise<boolean> {
  if (event.type === 'notification.created') return event.userId === viewer.user.id;
  if (!event.ticketId) return false;
  if (event.visibility === 'internal' && isRequester(viewer.user)) return false;
  let load = loaders.get(services);
  if (!load) loaders.set(services, (load = accessLoader(services)));
  const access = await load(event.ticketId);
  if (!access || !canView(viewer, access, access.watchers)) return false;
  return event.visibility === 'public' || canWork(viewer, access);
}

const isTicketChange = (type: LiveEvent['type']): type is TLiveTicketEvent['type'] => type.startsWith('ticket.');

export const liveRoutes = [
  bindRoute(browserEndpoints.events, {
    access: 'user',
    handler: async (ctx) => {
      const hub = ctx.services.live;
      if (!hub) throw new AppError('unavailable', 'Live updates are not running on this instance');
      const { req, res, services } = ctx;
      let viewer = await viewerFor(services.db, ctx.user);
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 3000\n: connected\n\n');
      const send = <N extends keyof TLiveStreamEvents>(name: N, data: TLiveStreamEvents[N]) =>
        res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
      const onEvent = (event: LiveEvent) => {
        mayReceive(services, viewer, event)
          .then((ok) => {
            if (!ok || res.writableEnded) return;
            if (event.type === 'notification.created') send('notification', { type: event.type });
            // Every ticket change names its ticket (the recorder sets both id and key).
            else if (isTicketChange(event.type) && event.ticketKey)
              send('ticket', {
                type: event.type,
                key: event.ticketKey,
                ...(event.eventId ? { eventId: event.eventId } : {}),
              });
          })
          .catch((err: unknown) => services.logger.warn({ err }, 'live event filter failed'));
      };
      const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
      // A stream outlives no revocation: signing out (this session or everywhere), a role change or
      // deactivation ends it.
      const sid = ctx.auth?.kind === 'session' ? ctx.auth.claims.sid : null;
      const recheck = setInterval(() => {
        streamHolder(services.db, ctx.user.id, sid)
          .then(async (u) => {
            if (!u || !u.active || u.tv !== ctx.user.tokenVersion || u.role !== ctx.user.role) return close();
            if (sid && u.sessionRevoked) return close();
            viewer = await viewerFor(services.db, ctx.user);
          })
          .catch(() => undefined);
      }, RECHECK_MS);
      const close = () => {
        clearInterval(heartbeat);
        clearInterval(recheck);
        hub.off('event', onEvent);
        hub.off('stop', close);
        if (!res.writableEnded) res.end();
      };
      hub.on('event', onEvent);
      hub.on('stop', close);
      req.on('close', close);
      return undefined;
    },
  }),
];
