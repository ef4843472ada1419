import { z } from 'zod';
import { and, isNotNull, isNull, lt, eq, or, sql } from 'drizzle-orm';
import { agendaJobs, inboundEvents, outbox, rateLimitHits, userSessions, users } from '../../db/schema.js';
import { purgeUnattachedUploads } from '../../attachments/service.js';
import { ssoLoginStates } from '../../db/schema-sso.js';
import { defineJob } from '../registry.js';

const DAY = 86_400_000;

/**
 * Maintenance: delete rows whose purpose has expired. Inbound event ids only need to outlive the
 * providers' redelivery windows (Slack retries for minutes, mail servers for days); delivered
 * outbox rows and finished one-off jobs are history. Sessions that expired or were signed out go a
 * day later, those of an older token version (signed out everywhere) at once: a token that names a
 * missing session is refused. Uploads nobody attached within a day go, rate-limit hits after two. Dead jobs and dead
 * deliveries are kept for an admin to look at.
 */
export const purgeExpired = defineJob({
  name: 'maintenance.purge-expired',
  payload: z
    .object({
      inboundEventDays: z.number().int().min(1).default(30),
      deliveredOutboxDays: z.number().int().min(1).default(30),
      finishedJobDays: z.number().int().min(1).default(7),
      endedSessionDays: z.number().int().min(1).default(1),
      /** Longer than any rate limit's window (the longest is a day). */
      rateLimitHitDays: z.number().int().min(2).default(2),
    })
    .strict(),
  retry: { attempts: 3, backoffMs: 60_000 },
  concurrency: 1,
  every: (config) => config.MAINTENANCE_INTERVAL,
  async handler(payload, { db, clock, logger }) {
    const now = clock.now().getTime();
    const before = (days: number) => new Date(now - days * DAY);
    const inbound = await db
      .delete(inboundEvents)
      .where(lt(inboundEvents.receivedAt, before(payload.inboundEventDays)));
    const delivered = await db
      .delete(outbox)
      .where(and(eq(outbox.status, 'delivered'), lt(outbox.deliveredAt, before(payload.deliveredOutboxDays))));
    const jobs = await db
      .delete(agendaJobs)
      .where(
        and(
          eq(agendaJobs.type, 'normal'),
          isNull(agendaJobs.nextRunAt),
          isNull(agendaJobs.deadAt),
          isNull(agendaJobs.repeatInterval),
          isNotNull(agendaJobs.lastFinishedAt),
          lt(agendaJobs.lastFinishedAt, before(payload.finishedJobDays)),
        ),
      );
    const sessionsBefore = before(payload.endedSessionDays);
    const sessions = await db
      .delete(userSessions)
      .where(
        or(
          lt(userSessions.expiresAt, sessionsBefore),
          lt(userSessions.revokedAt, sessionsBefore),
          sql`${userSessions.tokenVersion} < (SELECT ${users.tokenVersion} FROM ${users} WHERE ${users.id} = ${userSessions.userId})`,
        ),
      );
    const uploads = await purgeUnattachedUploads(db, clock.now());
    // Single sign-ons under way last ten minutes; a day later their rows are of no use.
    const ssoStates = await db.delete(ssoLoginStates).where(lt(ssoLoginStates.expiresAt, sessionsBefore));
    // A limit only looks at hits inside its window; its key's numbering (rate_limit_keys) stays.
    const hits = await db.delete(rateLimitHits).where(lt(rateLimitHits.at, before(payload.rateLimitHitDays)));
    logger.info(
      {
        inboundEvents: inbound.rowCount,
        rateLimitHits: hits.rowCount,
        uploads,
        outbox: delivered.rowCount,
        jobs: jobs.rowCount,
        sessions: sessions.rowCount,
        ssoStates: ssoStates.rowCount,
      },
      'purged expired rows',
    );
  },
});
