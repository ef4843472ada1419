import { EventEmitter } from 'node:events';
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { atCommit, type DbOrTx } from '../db/client.js';
import type { SessionConnection } from '../db/session.js';

export const LIVE_CHANNEL = 'deskmate_live';

/** What travels between instances: ids and visibility only; readers load what they may see. */
export const ZLiveEvent = z.object({
  type: z.enum([
    'ticket.created',
    'ticket.updated',
    'ticket.event',
    'notification.created',
    'kb.changed',
    // A new classifier model was stored: API processes load it (never sent to browsers: no ticket).
    'classifier.trained',
  ]),
  /** For kb.changed: the article whose published text changed. */
  slug: z.string().optional(),
  ticketId: z.string().optional(),
  ticketKey: z.string().optional(),
  /** For ticket.event: the timeline row, and whether requesters may see it. */
  eventId: z.string().optional(),
  visibility: z.enum(['public', 'internal']),
  /** For notification.created: the one user it is for. */
  userId: z.string().optional(),
});
export type LiveEvent = z.infer<typeof ZLiveEvent>;

/** Announce a change to every instance; sent when the transaction commits, not before. */
export async function publishLive(db: DbOrTx, event: LiveEvent): Promise<void> {
  await publishLiveMany(db, [event]);
}

/**
 * Several announcements, in order. In a transaction they are sent at its end, in the one statement
 * that writes what it put off (`atCommit`: a NOTIFY is only delivered at commit anyway), so a
 * command's events cost no round trip of their own; elsewhere (the pool, a savepoint) at once.
 */
export async function publishLiveMany(db: DbOrTx, events: readonly LiveEvent[]): Promise<void> {
  await atCommit(db, 'live', events, notifyLive, { select: true });
}

/** The NOTIFY of each event, in order, as one SELECT. */
function notifyLive(events: readonly LiveEvent[]): SQL {
  if (events.length === 1) return sql`SELECT pg_notify(${LIVE_CHANNEL}, ${JSON.stringify(events[0])})`;
  const texts = events.map((e) => JSON.stringify(e));
  return sql`SELECT pg_notify(${LIVE_CHANNEL}, e) FROM jsonb_array_elements_text(${JSON.stringify(texts)}::jsonb) AS e`;
}

/**
 * Live events for this process's SSE streams: a LISTEN on the process's session connection
 * (DATABASE_DIRECT_URL, re-established after a restart by the connection itself), each event
 * re-emitted to local subscribers.
 */
export class LiveHub extends EventEmitter {
  private unlisten: (() => Promise<void>) | undefined;

  constructor(private readonly session: SessionConnection) {
    super();
    this.setMaxListeners(0);
  }

  async start(): Promise<void> {
    this.unlisten = await this.session.listen(LIVE_CHANNEL, {
      onNotify: (payload) => {
        let event: unknown;
        try {
          event = JSON.parse(payload);
        } catch {
          return;
        }
        const parsed = ZLiveEvent.safeParse(event);
        if (parsed.success) this.emit('event', parsed.data);
      },
    });
  }

  async stop(): Promise<void> {
    this.emit('stop');
    await this.unlisten?.();
    this.unlisten = undefined;
  }
}
