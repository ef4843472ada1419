import type { Request } from 'express';
import { desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { ZUnverifiedEmailDecision, ZUnverifiedEmailParams } from '@deskmate/shared';
import { tickets } from '../db/schema.js';
import { emailInbound, notificationPreferences } from '../db/schema-email.js';
import { AppError } from '../http/errors.js';
import type { Services } from '../http/context.js';
import { readRaw } from '../http/raw-body.js';
import { defineRoute } from '../http/route.js';
import { safeEqual, sha256 } from '../security/crypto.js';
import { processInboundEmail } from './inbound.js';
import { loadPreferences } from './preferences.js';
import { decideUnverifiedEmail } from './unverified.js';
import {
  ZInboundEmail,
  ZInboundEmailQuery,
  ZInboundResult,
  ZInboundWebhookQuery,
  ZNotificationPreferences,
  ZUpdateNotificationPreferences,
} from './schema.js';

function checkInboundSecret(services: Services, req: Request): void {
  const secret = services.config.EMAIL_INBOUND_SECRET;
  if (!secret) throw new AppError('not_found', 'The inbound email webhook is off: set EMAIL_INBOUND_SECRET');
  const given = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
  // Hashes first: equal lengths for the constant-time comparison.
  if (!given || !safeEqual(sha256(given), sha256(secret)))
    throw new AppError('unauthenticated', 'Send the inbound email secret as a Bearer token');
}

const presentPreferences = (p: Awaited<ReturnType<typeof loadPreferences>>, stored: string | null) => ({
  delivery: p.delivery,
  quietHours: p.quietHours,
  timeZone: stored,
});

export const emailRoutes = [
  defineRoute({
    method: 'post',
    path: '/email/inbound',
    access: 'public',
    summary:
      'Raw inbound email (Content-Type: message/rfc822) from a mail provider, authenticated with EMAIL_INBOUND_SECRET as a Bearer token; optionally the SMTP client IP, HELO and MAIL FROM for SPF',
    query: ZInboundWebhookQuery,
    response: ZInboundResult,
    handler: async (ctx) => {
      checkInboundSecret(ctx.services, ctx.req);
      if (!ctx.req.is('message/rfc822'))
        throw new AppError('unsupported_media_type', 'Send the raw email with Content-Type: message/rfc822');
      const raw = await readRaw(ctx.req, ctx.services.config.EMAIL_INBOUND_MAX_BYTES);
      if (!raw.length) throw new AppError('bad_request', 'The request body is empty: send the raw email');
      const result = await processInboundEmail(ctx.services, raw, 'webhook', {
        clientIp: ctx.query.clientIp,
        helo: ctx.query.helo,
        mailFrom: ctx.query.mailFrom || undefined,
      });
      return {
        outcome: result.outcome,
        reason: result.reason,
        messageId: result.messageId,
        ticketKey: result.ticketKey,
        matchedBy: result.matchedBy,
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/admin/email/inbound',
    access: 'admin',
    summary: 'Inbound email, newest first: what each became (reply, note, ticket) or why it was ignored or rejected',
    query: ZInboundEmailQuery,
    response: z.object({ items: z.array(ZInboundEmail) }),
    handler: async (ctx) => {
      const rows = await ctx.services.db
        .select({ mail: emailInbound, ticketKey: tickets.key })
        .from(emailInbound)
        .leftJoin(tickets, eq(tickets.id, emailInbound.ticketId))
        .where(ctx.query.outcome ? eq(emailInbound.outcome, ctx.query.outcome) : undefined)
        .orderBy(desc(emailInbound.receivedAt))
        .limit(200);
      return {
        items: rows.map(({ mail, ticketKey }) => ({
          id: mail.id,
          messageId: mail.messageId,
          source: mail.source,
          from: mail.fromAddress,
          subject: mail.subject,
          outcome: mail.outcome,
          reason: mail.reason,
          matchedBy: mail.matchedBy,
          ticketKey,
          details: mail.details as Record<string, unknown>,
          receivedAt: mail.receivedAt.toISOString(),
        })),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/notifications/preferences',
    access: 'user',
    summary: 'How you hear about tickets: chat, email, both or a daily digest, and email quiet hours',
    response: ZNotificationPreferences,
    handler: async (ctx) => {
      const [row] = await ctx.services.db
        .select()
        .from(notificationPreferences)
        .where(eq(notificationPreferences.userId, ctx.user.id));
      const prefs = await loadPreferences(ctx.services.db, ctx.user.id, ctx.services.config.DIGEST_TIME_ZONE);
      return presentPreferences(prefs, row?.timeZone ?? null);
    },
  }),
  defineRoute({
    method: 'put',
    path: '/notifications/preferences',
    access: 'user',
    summary: 'Change how you hear about tickets',
    body: ZUpdateNotificationPreferences,
    response: ZNotificationPreferences,
    handler: async (ctx) => {
      const { delivery, quietHours, timeZone } = ctx.body;
      const set = {
        ...(delivery !== undefined ? { delivery } : {}),
        ...(quietHours !== undefined
          ? { quietStart: quietHours?.start ?? null, quietEnd: quietHours?.end ?? null }
          : {}),
        ...(timeZone !== undefined ? { timeZone } : {}),
        updatedAt: ctx.services.clock.now(),
      };
      const [row] = await ctx.services.db
        .insert(notificationPreferences)
        .values({ userId: ctx.user.id, ...set })
        .onConflictDoUpdate({ target: notificationPreferences.userId, set })
        .returning();
      const prefs = await loadPreferences(ctx.services.db, ctx.user.id, ctx.services.config.DIGEST_TIME_ZONE);
      return presentPreferences(prefs, row?.timeZone ?? null);
    },
  }),
  ...(['accept', 'discard'] as const).map((decision) =>
    defineRoute({
      method: 'post',
      path: `/tickets/:key/unverified-emails/:eventId/${decision}`,
      access: 'agent',
      summary:
        decision === 'accept'
          ? 'Accept a mail from an unverified sender (an internal note) as their public reply; for a mail claiming to be from an agent, only that agent may'
          : 'Discard a mail from an unverified sender: it stays an internal note',
      params: ZUnverifiedEmailParams,
      response: ZUnverifiedEmailDecision,
      handler: async (ctx) =>
        decideUnverifiedEmail(ctx.services, ctx.actor, ctx.user, {
          key: ctx.params.key,
          eventId: ctx.params.eventId,
          decision,
        }),
    }),
  ),
];
