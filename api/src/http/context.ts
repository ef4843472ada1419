import type pg from 'pg';
import type { TChatIntegrations } from '@deskmate/shared';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import type { users } from '../db/schema.js';
import type { Logger } from '../logger.js';
import type { Secrets } from '../security/secrets.js';
import type { HalfClaims, SessionClaims } from '../auth/jwt.js';
import type { LiveHub } from '../live/bus.js';
import type { KnowledgeBase } from '../kb/service.js';
import type { DnsResolver } from '../email/dns.js';

/** What every route handler and domain function may use. */
export interface Services {
  /** The primary: every write, and every read that must see the caller's own writes. */
  db: Db;
  /**
   * Where the heavy reads go (DATABASE_READ_URL, a replica; `db` without one): the queue lists and
   * search, queue counts, reports and the knowledge-base list, named at each use. A replica lags
   * the primary, so never a write here, nor a read of something the caller just changed.
   */
  readDb: Db;
  pool: pg.Pool;
  config: Config;
  clock: Clock;
  logger: Logger;
  secrets: Secrets;
  /** Live updates (LISTEN/NOTIFY) on processes that serve the API or run jobs. */
  live?: LiveHub | undefined;
  /** Article search and the classifier, on processes that serve the API or run jobs (email intake). */
  kb?: KnowledgeBase | undefined;
  /** The URL people reach Deskmate at (PUBLIC_URL, else the address it listens on). */
  publicUrl(): string;
  /** Whether Slack and Teams are configured: the bot's settings, as the composition root gave them. */
  integrations: TChatIntegrations;
  /** DNS lookups for sender authentication (DKIM/SPF/DMARC); default the system's. Tests answer from a table. */
  resolveDns?: DnsResolver | undefined;
}

export type UserRow = typeof users.$inferSelect;

export type Auth =
  | { kind: 'session'; user: UserRow; claims: SessionClaims; via: 'cookie' | 'bearer'; groupIds: string[] }
  | { kind: 'half'; user: UserRow; claims: HalfClaims; via: 'cookie' | 'bearer' }
  | {
      kind: 'integration';
      token: { id: string | null; name: string; scopes: string[] };
      /** The chat user the integration acts for, from the X-Deskmate-Act-As-* headers. */
      user: UserRow | null;
      /** The chat the integration acts from (X-Deskmate-Act-As-Provider), with `user`. */
      provider?: 'slack' | 'teams';
    };

declare module 'express-serve-static-core' {
  interface Request {
    auth?: Auth | null;
  }
}
