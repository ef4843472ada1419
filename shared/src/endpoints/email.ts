import { z } from 'zod';
import {
  ZInboundEmail,
  ZInboundEmailQuery,
  ZInboundResult,
  ZInboundWebhookQuery,
  ZNotificationPreferences,
  ZUpdateNotificationPreferences,
  ZUnverifiedEmailDecision,
  ZUnverifiedEmailParams,
} from '../api/index.js';
import { endpoint } from '../api/endpoint.js';

export const emailEndpoints = {
  acceptUnverified: endpoint({
    method: 'POST',
    path: '/tickets/:key/unverified-emails/:eventId/accept',
    summary:
      'Accept a mail from an unverified sender (an internal note) as their public reply; for a mail claiming to be from an agent, only that agent may',
    params: ZUnverifiedEmailParams,
    response: ZUnverifiedEmailDecision,
  }),
  discardUnverified: endpoint({
    method: 'POST',
    path: '/tickets/:key/unverified-emails/:eventId/discard',
    summary: 'Discard a mail from an unverified sender: it stays an internal note',
    params: ZUnverifiedEmailParams,
    response: ZUnverifiedEmailDecision,
  }),
  inbound: endpoint({
    method: 'POST',
    path: '/email/inbound',
    summary:
      'Raw inbound email (Content-Type: message/rfc822) from a mail provider, authenticated with EMAIL_INBOUND_SECRET as a Bearer token; optionally the SMTP client IP, HELO and MAIL FROM for SPF',
    query: ZInboundWebhookQuery,
    response: ZInboundResult,
    upload: 'bytes',
  }),
  inboundLog: endpoint({
    method: 'GET',
    path: '/admin/email/inbound',
    summary: 'Inbound email, newest first: what each became (reply, note, ticket) or why it was ignored or rejected',
    query: ZInboundEmailQuery,
    response: z.object({ items: z.array(ZInboundEmail) }),
  }),
  preferences: endpoint({
    method: 'GET',
    path: '/notifications/preferences',
    summary: 'How you hear about tickets: chat, email, both or a daily digest, and email quiet hours',
    response: ZNotificationPreferences,
  }),
  setPreferences: endpoint({
    method: 'PUT',
    path: '/notifications/preferences',
    summary: 'Change how you hear about tickets',
    body: ZUpdateNotificationPreferences,
    response: ZNotificationPreferences,
  }),
};
