import { Router } from 'express';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';

export interface ApiDeps {
  database: Database;
  config: Config;
  version: string;
}

/** The JSON API mounted at /api. Each resource adds its router here. */
export function createApiRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/meta', (_req, res) => {
    res.json({ name: 'Deskmate', version: deps.version, ticketKeyPrefix: deps.config.TICKET_KEY_PREFIX });
  });
  return router;
}
