import { EventEmitter } from 'node:events';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { z } from 'zod';
import type { DbOrTx } from '../db/client.js';
import type { Logger } from '../logger.js';

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
  await db.execute(sql`SELECT pg_notify(${LIVE_CHANNEL}, ${JSON.stringify(event)})`);
}

/**
 * One LISTEN connection per process, re-established when the database restarts; live events are
 * re-emitted to local subscribers (the SSE streams).
 */
export class LiveHub extends EventEmitter {
  private client: pg.Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {
    super();
    this.setMaxListeners(0);
  }

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.url, application_name: 'deskmate-live' });
    client.on('error', (err) => {
      this.logger.warn({ err: err.message }, 'live updates connection lost; reconnecting');
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    client.on('notification', (msg) => {
      if (msg.channel !== LIVE_CHANNEL || !msg.payload) return;
      const parsed = ZLiveEvent.safeParse(JSON.parse(msg.payload));
      if (parsed.success) this.emit('event', parsed.data);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${LIVE_CHANNEL}`);
      this.client = client;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'live updates could not connect; retrying');
      this.reconnect(client);
    }
  }

  private reconnect(client: pg.Client): void {
    if (this.stopped || this.retry || (this.client && this.client !== client)) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect();
    }, 1000);
    this.retry.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.emit('stop');
    await this.client?.end().catch(() => undefined);
  }
}
