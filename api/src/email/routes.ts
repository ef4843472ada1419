import type { Request } from 'express';
import { AppError } from '../http/errors.js';
import type { Services } from '../http/context.js';
import { readRaw } from '../http/raw-body.js';
import { bindRoute } from '../http/route.js';
import { safeEqual, sha256 } from '../security/crypto.js';
import { processInboundEmail } from './inbound.js';
import { inboundEmailLog } from './inbound-log.js';
import { preferencesOf, savePreferences } from './preferences.js';
import { decideUnverifiedEmail } from './unverified.js';
import { endpoints } from '@deskmate/shared';

function checkInboundSecret(services: Services, req: Request): void {
  const secret = services.config.EMAIL_INBOUND_SECRET;
  if (!secret) throw new AppError('not_found', 'The inbound email webhook is off: set EMAIL_INBOUND_SECRET');
  const given = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
  // Hashes first: equal lengths for the constant-time comparison.
  if (!given || !safeEqual(sha256(given), sha256(secret)))
    throw new AppError('unauthenticated', 'Send the inbound email secret as a Bearer token');
}

export const emailRoutes = [
  bindRoute(endpoints.email.inbound, {
    access: 'public',
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
  bindRoute(endpoints.email.inboundLog, {
    access: 'admin',
    handler: async (ctx) => ({ items: await inboundEmailLog(ctx.services.db, ctx.query.outcome) }),
  }),
  bindRoute(endpoints.email.preferences, {
    access: 'user',
    handler: async (ctx) => preferencesOf(ctx.services.db, ctx.user.id, ctx.services.config.DIGEST_TIME_ZONE),
  }),
  bindRoute(endpoints.email.setPreferences, {
    access: 'user',
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
    bindRoute(endpoints.email[decision === 'accept' ? 'acceptUnverified' : 'discardUnverified'], {
      access: 'agent',
      handler: async (ctx) =>
        decideUnverifiedEmail(ctx.services, ctx.actor, ctx.user, {
          key: ctx.params.key,
          eventId: ctx.params.eventId,
          decision,
        }),
    }),
  ),
];
