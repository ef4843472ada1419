import { Router } from 'express';
import type { TErrorBody } from '@deskmate/shared';

const notConfigured = (what: string): TErrorBody => ({
  error: { code: 'unavailable', message: `${what} is not configured on this Deskmate` },
});

/**
 * The chat endpoints, mounted by the composition root for the `all` and `bot` roles. Until the
 * Slack and Teams issues land they answer 503 in the API's error shape.
 */
export function createBotRouters(): Router[] {
  const router = Router();
  router.post('/slack/events', (_req, res) => {
    res.status(503).json(notConfigured('Slack'));
  });
  router.post('/api/messages', (_req, res) => {
    res.status(503).json(notConfigured('Microsoft Teams'));
  });
  return [router];
}
