import type { Request } from 'express';
import { z } from 'zod';
import { ZUnverifiedEmailDecision, ZUnverifiedEmailParams } from '@deskmate/shared';
import { AppError } from '../http/errors.js';
import type { Services } from '../http/context.js';
import { readRaw } from '../http/raw-body.js';
import { defineRoute } from '../http/route.js';
import { safeEqual, sha256 } from '../security/crypto.js';
import { processInboundEmail } from './inbound.js';
import { inboundEmailLog } from './inbound-log.js';
import { preferencesOf, savePreferences } from './preferences.js';
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
    handler: async (ctx) => ({ items: await inboundEmailLog(ctx.services.db, ctx.query.outcome) }),
  }),
  defineRoute({
    method: 'get',
    path: '/notifications/preferences',
    access: 'user',
    summary: 'How you hear about tickets: chat, email, both or a daily digest, and email quiet hours',
    response: ZNotificationPreferences,
    handler: async (ctx) => preferencesOf(ctx.services.db, ctx.user.id, ctx.services.config.DIGEST_TIME_ZONE),
  }),
  defineRoute({
    method: 'put',
    path: '/notifications/preferences',
    access: 'user',
    summary: 'Change how you hear about tickets',
    body: ZUpdateNotificationPreferences,
    response: ZNotificationPreferences,
    handler: async (ctx) =>
      savePreferences(
        ctx.services.db,
        ctx.user.id,
        ctx.body,
        ctx.services.clock.now(),
        ctx.services.config.DIGEST_TIME_ZONE,
      ),
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
