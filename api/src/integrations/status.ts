import { and, count, desc, eq, inArray, isNotNull, max, sql } from 'drizzle-orm';
import type { TDeliveryFailure, TIntegrationsStatus } from '@deskmate/shared';
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

/** Slack, Teams and email: configured or not (config), and their last traffic (database). */
export async function integrationsStatus(services: Services): Promise<TIntegrationsStatus> {
  const { db, config, integrations } = services;
  const [inbound, emailIn, sent, pending, failures] = await Promise.all([
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
  ]);

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
    slack: { ...integrations.slack, ...activity('slack') },
    teams: { ...integrations.teams, ...activity('teams') },
    email: {
      configured: Boolean(config.SMTP_URL),
      outbound: config.SMTP_URL ? 'smtp' : 'dev_outbox',
      inbound: { imap: Boolean(config.IMAP_URL), webhook: Boolean(config.EMAIL_INBOUND_SECRET) },
      ...activity('email', emailIn[0]?.at),
    },
  };
}
