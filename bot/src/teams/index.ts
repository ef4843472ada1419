import { Router, type RequestHandler } from 'express';
import type { TDeliveryEnvelope, TDeliveryFacts, TDeliveryResult, TDeliverySender } from '@deskmate/shared';
import { apiClient, type BotOptions } from '../index.js';
import type { ChatChannel } from '../channel.js';
import { TeamsApi } from './api.js';
import { emulatorOnly, fromThisMachine, requireBearer, teamsCredentials } from './guard.js';
import { planTeamsDeliveries } from './plan.js';
import type { TeamsChannel } from './channel.js';

/**
 * Microsoft Teams (Bot Framework), confined to this folder so the SDK can be swapped. Always on:
 * with MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD it serves Teams; without them POST /api/messages
 * runs unauthenticated for the Bot Framework Emulator on this machine (and says so at start).
 *
 * The SDK (botbuilder and its Azure dependencies, some 200 MB of heap) is loaded on first use:
 * the first activity on POST /api/messages, or the first delivery with somewhere to go in Teams.
 * A desk that does not use Teams never pays for it (ADR 7).
 */
export function createTeams(options: BotOptions): ChatChannel {
  const authenticated = teamsCredentials(options.config);
  let loading: Promise<TeamsChannel> | undefined;
  const load = () => (loading ??= import('./channel.js').then((m) => m.createTeamsChannel(options)));

  const messages: RequestHandler = async (req, res, next) => {
    // Refused before the SDK loads: a stranger must not make this process grow.
    if (!authenticated && !fromThisMachine(req)) {
      res.status(403).json(emulatorOnly);
      return;
    }
    try {
      const [router] = (await load()).routers;
      router!(req, res, next);
    } catch (err) {
      next(err);
    }
  };
  const router = Router();
  // A request without a token is refused before the SDK loads, as a stranger is without credentials.
  router.post('/api/messages', requireBearer(authenticated), messages);

  const api = new TeamsApi(() => apiClient(options));
  const sender: TDeliverySender = {
    channel: 'teams',
    plan: (facts: TDeliveryFacts) => planTeamsDeliveries(facts),
    send: async (envelope: TDeliveryEnvelope): Promise<TDeliveryResult> => {
      // Every ticket change plans a triage card; without a triage channel there is nothing to
      // send, and no reason to load the SDK to find that out.
      if (!loading && envelope.plan.kind === 'triage.card' && !(await api.triage())) return {};
      // A thread message needs the card to thread under: without one, no reason to load the SDK.
      if (!loading && envelope.plan.kind === 'triage.thread' && !envelope.ref)
        return { skipped: 'the ticket has no triage card to thread under' };
      return (await load()).sender.send(envelope);
    },
  };

  return {
    name: 'teams',
    routers: [router],
    senders: [sender],
    // Messages recorded by POST /api/messages, acted on in the worker (the SDK loads for them).
    inbound: [
      {
        provider: 'teams',
        handle: async (payload, meta) => {
          const [recorded] = (await load()).inbound ?? [];
          await recorded!.handle(payload, meta);
        },
      },
    ],
    start: async () => {
      if (!authenticated) {
        options.logger?.warn(
          {},
          'Microsoft Teams is not configured (MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD): POST /api/messages accepts ' +
            'the Bot Framework Emulator on this machine only, without authentication',
        );
      }
    },
    stop: async () => undefined,
  };
}
