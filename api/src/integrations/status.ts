import { and, count, desc, eq, inArray, isNotNull, isNull, max, sql } from 'drizzle-orm';
import type { TDeliveryFailure, TInboxActivity, TIntegrationsStatus } from '@deskmate/shared';
import { inboundEvents } from '../db/schema.js';
import { deliveries } from '../db/schema-delivery.js';
import { emailInbound } from '../db/schema-email.js';
import type { Services } from '../http/context.js';

const channels = ['slack', 'teams', 'email'] as const;
type Channel = (typeof channels)[number];

/**
 * Provider errors may quote what they were given: mask credentials in URLs, Slack tokens and
 * Authorization values before an error is shown.
 */
export function maskSecrets(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@')
    .replace(/\b(xox[a-z]|xapp)-[A-Za-z0-9-]+/g, '$1-***')
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 ***');
}

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;
const latest = (...dates: (Date | null | undefined)[]) =>
  dates.reduce<Date | null>((a, b) => (b && (!a || b > a) ? b : a), null);

/**
 * Slack, Teams and email: configured or not (config), their last traffic, and for the chat
 * channels what became of the requests they recorded (database).
 */
export async function integrationsStatus(services: Services): Promise<TIntegrationsStatus> {
  const { db, config, integrations } = services;
  const [inbound, emailIn, sent, pending, failures, inbox, inboxFailures] = await Promise.all([
    db
      .select({ provider: inboundEvents.provider, at: max(inboundEvents.receivedAt) })
      .from(inboundEvents)
      .where(inArray(inboundEvents.provider, [...channels]))
      .groupBy(inboundEvents.provider),
    db.select({ at: max(emailInbound.receivedAt) }).from(emailInbound),
    db
      .select({ channel: deliveries.channel, at: max(deliveries.sentAt) })
      .from(deliveries)
      .where(and(eq(deliveries.status, 'sent'), inArray(deliveries.channel, [...channels])))
      .groupBy(deliveries.channel),
    db
      .select({ channel: deliveries.channel, n: count() })
      .from(deliveries)
      .where(and(eq(deliveries.status, 'pending'), inArray(deliveries.channel, [...channels])))
      .groupBy(deliveries.channel),
    db
      .selectDistinctOn([deliveries.channel])
      .from(deliveries)
      .where(and(isNotNull(deliveries.lastError), inArray(deliveries.channel, [...channels])))
      .orderBy(
        deliveries.channel,
        desc(sql`coalesce(${deliveries.lastFailedAt}, ${deliveries.createdAt})`),
        desc(deliveries.id),
      ),
    db
      .select({
        provider: inboundEvents.provider,
        waiting: sql<number>`count(*) FILTER (WHERE ${inboundEvents.payload} IS NOT NULL
          AND ${inboundEvents.processedAt} IS NULL AND ${inboundEvents.failedAt} IS NULL)`.mapWith(Number),
        failed: sql<number>`count(*) FILTER (WHERE ${inboundEvents.failedAt} IS NOT NULL)`.mapWith(Number),
      })
      .from(inboundEvents)
      .where(and(inArray(inboundEvents.provider, ['slack', 'teams']), isNull(inboundEvents.processedAt)))
      .groupBy(inboundEvents.provider),
    db
      .selectDistinctOn([inboundEvents.provider], {
        provider: inboundEvents.provider,
        request: sql<string | null>`coalesce(${inboundEvents.payload}->>'command',
          ${inboundEvents.payload}->'event'->>'type', ${inboundEvents.payload}->>'type')`,
        error: inboundEvents.lastError,
        failedAt: inboundEvents.failedAt,
      })
      .from(inboundEvents)
      .where(and(inArray(inboundEvents.provider, ['slack', 'teams']), isNotNull(inboundEvents.failedAt)))
      .orderBy(inboundEvents.provider, desc(inboundEvents.failedAt), desc(inboundEvents.id)),
  ]);

  const inboxOf = (provider: 'slack' | 'teams'): TInboxActivity => {
    const counts = inbox.find((r) => r.provider === provider);
    const failure = inboxFailures.find((r) => r.provider === provider);
    return {
      waiting: counts?.waiting ?? 0,
      failed: counts?.failed ?? 0,
      lastFailure: failure?.failedAt
        ? {
            request: failure.request?.slice(0, 100) ?? null,
            error: maskSecrets(failure.error ?? ''),
            failedAt: failure.failedAt.toISOString(),
          }
        : null,
    };
  };

  const activity = (channel: Channel, alsoReceived?: Date | null) => {
    const failure = failures.find((f) => f.channel === channel);
    const lastFailure: TDeliveryFailure | null = failure
      ? {
          error: maskSecrets(failure.lastError ?? ''),
          kind: failure.kind,
          status: failure.status === 'sent' || failure.status === 'dead' ? failure.status : 'pending',
          attempts: failure.attempts,
          failedAt: (failure.lastFailedAt ?? failure.createdAt).toISOString(),
        }
      : null;
    return {
      lastInboundAt: iso(latest(inbound.find((r) => r.provider === channel)?.at, alsoReceived)),
      lastSentAt: iso(sent.find((r) => r.channel === channel)?.at),
      pending: pending.find((r) => r.channel === channel)?.n ?? 0,
      lastFailure,
    };
  };

  return {
    slack: { ...integrations.slack, ...activity('slack'), inbox: inboxOf('slack') },
    teams: { ...integrations.teams, ...activity('teams'), inbox: inboxOf('teams') },
    email: {
      configured: Boolean(config.SMTP_URL),
      outbound: config.SMTP_URL ? 'smtp' : 'dev_outbox',
      inbound: { imap: Boolean(config.IMAP_URL), webhook: Boolean(config.EMAIL_INBOUND_SECRET) },
      ...activity('email', emailIn[0]?.at),
    },
  };
}
