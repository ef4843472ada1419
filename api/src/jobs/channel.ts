import { BaseNotificationChannel, toJobId, type JobNotification } from 'agenda';
import type pg from 'pg';
import { z } from 'zod';
import type { SessionConnection } from '../db/session.js';

/** What a job wake-up carries (written by `jobNotification` in enqueue.ts and by `publish` below). */
const ZJobWakeUp = z.object({
  jobId: z.string(),
  jobName: z.string(),
  nextRunAt: z.string().nullable(),
  priority: z.number(),
  timestamp: z.string(),
  source: z.string().optional(),
});

/**
 * Agenda's wake-ups (LISTEN/NOTIFY) split by what each side needs: the LISTEN on the process's
 * session connection (DATABASE_DIRECT_URL), NOTIFY through the pool, where it is an ordinary
 * statement that a transaction-mode pooler passes on. Agenda's own PostgreSQL channel would take a
 * pooled connection for its LISTEN, which a pooler gives back to others after each statement.
 * Job state events (start, success…) are not published: no process listens for them.
 */
export class SessionJobChannel extends BaseNotificationChannel {
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly session: SessionConnection,
    private readonly pool: pg.Pool,
    channelName: string,
  ) {
    super({ channelName });
  }

  async connect(): Promise<void> {
    this.unlisten ??= await this.session.listen(this.config.channelName, {
      onNotify: (payload) => {
        const parsed = ZJobWakeUp.safeParse(safeJson(payload));
        if (!parsed.success) return;
        const n = parsed.data;
        void this.notifyHandlers({
          jobId: toJobId(n.jobId),
          jobName: n.jobName,
          nextRunAt: n.nextRunAt ? new Date(n.nextRunAt) : null,
          priority: n.priority,
          timestamp: new Date(n.timestamp),
          ...(n.source ? { source: n.source } : {}),
        });
      },
    });
    this.setState('connected');
  }

  async disconnect(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = undefined;
    this.setState('disconnected');
  }

  async publish(notification: JobNotification): Promise<void> {
    const payload = JSON.stringify({
      jobId: String(notification.jobId),
      jobName: notification.jobName,
      nextRunAt: notification.nextRunAt?.toISOString() ?? null,
      priority: notification.priority,
      timestamp: notification.timestamp.toISOString(),
      source: notification.source,
    });
    await this.pool.query('SELECT pg_notify($1, $2)', [this.config.channelName, payload]);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
