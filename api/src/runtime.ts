import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Router } from 'express';
import { systemClock, type Clock } from './clock.js';
import { defaultHost, namedStatementsAllowed, servedOverHttps, type Config } from './config.js';
import { createDatabase, pingDatabase, type Database } from './db/client.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './db/embedded.js';
import { runMigrations } from './db/migrate.js';
import { SessionConnection } from './db/session.js';
import { hasDemoData, seedDemoData } from './db/seed.js';
import { createApiRouter } from './http/api.js';
import { createApp } from './http/app.js';
import type { Services } from './http/context.js';
import { resolveSecrets } from './security/secrets.js';
import { LiveHub } from './live/bus.js';
import { OutboxRelay } from './delivery/relay.js';
import { DeliveryRunner } from './delivery/runner.js';
import {
  chatIntegrationsOff,
  type TChatIntegrations,
  type TDeliverySender,
  type TInboundHandler,
} from '@deskmate/shared';
import { KnowledgeBase, seedShippedArticles } from './kb/service.js';
import { startWorker, type Worker } from './jobs/worker.js';
import { systemResolver, type DnsResolver } from './email/dns.js';
import { startImapPoller, type ImapPoller } from './email/imap.js';
import { isAttachable, type AttachableSender } from './email/sender.js';
import type { Logger } from './logger.js';
import { checkDatabaseReachable, portUnavailable } from './startup-error.js';
import { issueSetupCode } from './setup/first-admin.js';

export type Role = 'all' | 'api' | 'bot' | 'worker';

/**
 * A plain Node handler tried before the Express app: true when it took the request. For endpoints
 * whose callers time the answer (Slack's 3 s), without the console's middleware on the way.
 */
export type FrontDoor = (req: IncomingMessage, res: ServerResponse) => boolean;

export interface RuntimeOptions {
  config: Config;
  role: Role;
  logger: Logger;
  version: string;
  clock?: Clock;
  /** Routers for the bot role (Slack, Teams endpoints), given by the composition root. */
  botRouters?: Router[];
  /** Channels that send deliveries (Slack, Teams from bot/; email from api/), for worker roles. */
  senders?: TDeliverySender[];
  /** Channels that act on recorded chat requests (Slack, from bot/), for worker roles. */
  inbound?: TInboundHandler[];
  /** Handlers before the Express app for the bot role (Slack's endpoint), given by the composition root. */
  frontDoors?: FrontDoor[];
  /** Whether Slack and Teams are configured, from the bot's settings (default: neither). */
  integrations?: TChatIntegrations;
  /** DNS for sender authentication (default: the system's resolver); tests pass a table. */
  resolveDns?: DnsResolver;
  consoleDir?: string;
  /** Use this database instead of DATABASE_URL or the embedded one (tests). */
  databaseUrl?: string;
  /** Run the embedded PostgreSQL with fsync off (tests only). */
  fastEmbedded?: boolean;
}

export interface Runtime {
  url: string;
  relay: OutboxRelay | undefined;
  services: Services;
  port: number;
  database: Database;
  databaseUrl: string;
  /** Where this process's session connection and migrations go (DATABASE_DIRECT_URL, else databaseUrl). */
  directUrl: string;
  /** The process's one direct connection: LISTEN and session locks (api and worker roles). */
  session: SessionConnection | undefined;
  embedded: EmbeddedPostgresHandle | undefined;
  worker: Worker | undefined;
  demoData: boolean;
  /** While no admin exists (API roles): the one-time code for the first-run setup page, to print. */
  setupCode: string | null;
  stop(): Promise<void>;
}

/**
 * Bring Deskmate up: the database (DATABASE_URL or the embedded one), migrations under an advisory
 * lock, the demo seed, the HTTP server for the role's routes and the job worker. `stop()` takes it
 * down in the reverse order.
 */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { config, role, logger } = options;
  const clock = options.clock ?? systemClock;
  // The port first: a port in use is said in one line before any database work, and while the
  // rest starts every request gets a 503 that says so.
  let handle: (req: IncomingMessage, res: ServerResponse) => void = answerStarting;
  const server: Server = createServer((req, res) => handle(req, res));
  server.keepAliveTimeout = 5000;
  await listen(server, config.PORT, defaultHost(config));
  let embedded: EmbeddedPostgresHandle | undefined;
  let databaseUrl = options.databaseUrl ?? config.DATABASE_URL;
  try {
    if (!databaseUrl) {
      embedded = await startEmbeddedPostgres({
        dataDir: config.DESKMATE_DATA_DIR,
        logger,
        fast: options.fastEmbedded ?? false,
      });
      databaseUrl = embedded.url;
    } else {
      await checkDatabaseReachable(databaseUrl);
      if (config.DATABASE_DIRECT_URL && config.DATABASE_DIRECT_URL !== databaseUrl)
        await checkDatabaseReachable(config.DATABASE_DIRECT_URL, 'DATABASE_DIRECT_URL');
      if (config.DATABASE_READ_URL) await checkDatabaseReachable(config.DATABASE_READ_URL, 'DATABASE_READ_URL');
    }
  } catch (err) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw err;
  }
  // Sessions (LISTEN, advisory locks, the migration) bypass a transaction-mode pooler.
  const directUrl = config.DATABASE_DIRECT_URL ?? databaseUrl;
  let database: Database | undefined;
  let readDatabase: Database | undefined;
  let session: SessionConnection | undefined;
  let jobsDatabase: Database | undefined;
  let worker: Worker | undefined;
  let live: LiveHub | undefined;
  let relay: OutboxRelay | undefined;
  let runner: DeliveryRunner | undefined;
  let imap: ImapPoller | undefined;
  const attached: AttachableSender[] = [];
  let shuttingDown = false;

  const stop = async (): Promise<void> => {
    shuttingDown = true;
    const deadline = config.SHUTDOWN_TIMEOUT_MS;
    // Live streams never end by themselves: close them so the server can drain.
    if (live) await live.stop();
    {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), deadline);
      await closed;
      clearTimeout(timer);
    }
    if (imap) await imap.stop();
    if (relay) await relay.stop();
    if (runner) await runner.stop();
    if (worker)
      await worker.stop(Math.min(deadline, 5000)).catch((err: unknown) => logger.error({ err }, 'worker stop failed'));
    if (session) await session.stop();
    if (jobsDatabase) await jobsDatabase.close().catch(() => undefined);
    for (const sender of attached) await sender.detach().catch(() => undefined);
    if (readDatabase) await readDatabase.close().catch(() => undefined);
    if (database) await database.close().catch(() => undefined);
    if (embedded) await embedded.stop();
  };

  try {
    const migration = await runMigrations(directUrl, logger);
    // Named statements on the primary when allowed (no untracking pooler in between); the read
    // replica's connections stay unnamed (a pooler in front of it is not declared anywhere).
    const namedStatements = namedStatementsAllowed(config);
    database = createDatabase(databaseUrl, {
      max: config.DATABASE_POOL_MAX,
      applicationName: `deskmate-${role}`,
      namedStatements,
    });
    if (!(await pingDatabase(database.pool, 5000))) throw new Error('The database does not answer');
    if (config.DATABASE_READ_URL)
      readDatabase = createDatabase(config.DATABASE_READ_URL, {
        max: config.DATABASE_POOL_MAX,
        applicationName: `deskmate-${role}-read`,
      });

    const seedWanted = config.DESKMATE_DEMO ?? (embedded !== undefined && migration.wasEmpty);
    if (seedWanted) await seedDemoData(database.db, { keyPrefix: config.TICKET_KEY_PREFIX, logger });
    const demoData = await hasDemoData(database.db);

    const secrets = await resolveSecrets(database.db, config, logger);
    let listenUrl = `http://127.0.0.1:${config.PORT}`;
    const services: Services = {
      db: database.db,
      readDb: readDatabase?.db ?? database.db,
      pool: database.pool,
      config,
      clock,
      logger,
      secrets,
      publicUrl: () => (config.PUBLIC_URL ?? listenUrl).replace(/\/$/, ''),
      integrations: options.integrations ?? chatIntegrationsOff,
      resolveDns: options.resolveDns ?? systemResolver(),
    };

    await seedShippedArticles(database.db, logger);
    const serveApi = role === 'all' || role === 'api';
    const runJobs = role === 'all' || role === 'worker';
    const setupCode = serveApi ? await issueSetupCode(database.db) : null;
    if (serveApi || runJobs) {
      session = new SessionConnection(directUrl, logger, `deskmate-${role}-session`);
      await session.start();
    }
    // Every role that runs domain commands (the API's requests, the worker's email intake and
    // jobs) gets the classifier: createTicket's priority floor and guess must not depend on which
    // process filed the ticket. The hub keeps the model fresh after a retrain anywhere.
    if ((serveApi || runJobs) && session) {
      live = new LiveHub(session);
      await live.start();
      services.live = live;
      const kb = new KnowledgeBase(database.db);
      await kb.load();
      kb.follow(live);
      services.kb = kb;
    }

    if (runJobs && session) {
      const senders = options.senders ?? [];
      // Senders that need this process (the email sender: SMTP, its database pool) get it first.
      for (const sender of senders.filter(isAttachable)) {
        await sender.attach({ services, databaseUrl });
        attached.push(sender);
      }
      // Agenda's own bookkeeping (its LISTEN connection, locking, lock refreshes) gets a pool of its
      // own: handlers hold connections of the main pool while they run (a delivery waits on SMTP
      // inside its transaction), and ten slow sends must not stop locks from being refreshed.
      jobsDatabase = createDatabase(databaseUrl, { max: 4, applicationName: `deskmate-${role}-jobs`, namedStatements });
      worker = await startWorker({
        pool: jobsDatabase.pool,
        session,
        db: database.db,
        logger,
        clock,
        config,
        senders,
        inbound: options.inbound ?? [],
      });
      // The outbox relay plans deliveries, and the runner sends them (ADR 20).
      const outgoing = { session, db: database.db, senders, clock, logger, pollMs: config.OUTBOX_POLL_INTERVAL };
      const sendNow = new DeliveryRunner({ ...outgoing, lockLifetimeMs: config.JOBS_LOCK_LIFETIME });
      runner = sendNow;
      relay = new OutboxRelay({ ...outgoing, onDeliveries: () => sendNow.kick() });
      runner.start();
      await relay.start();
      // Inbound email by IMAP polling (the webhook needs nothing here).
      if (config.IMAP_URL) imap = startImapPoller(services, { session });
    }

    const serveBot = role === 'all' || role === 'bot';
    const app = createApp({
      pool: database.pool,
      logger,
      role,
      version: options.version,
      ...(serveApi ? { api: createApiRouter(services), consoleDir: options.consoleDir } : {}),
      trustProxy: config.TRUST_PROXY,
      extraRouters: serveBot ? (options.botRouters ?? []) : [],
      https: servedOverHttps(config),
      isShuttingDown: () => shuttingDown,
    });
    const frontDoors = serveBot ? (options.frontDoors ?? []) : [];
    handle = frontDoors.length
      ? (req, res) => {
          if (!frontDoors.some((door) => door(req, res))) app(req, res);
        }
      : app;
    const address = server.address() as AddressInfo;
    const shownHost = address.address === '0.0.0.0' || address.address === '::' ? 'localhost' : address.address;
    listenUrl = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${address.port}`;
    return {
      url: listenUrl,
      relay,
      services,
      port: address.port,
      database,
      databaseUrl,
      directUrl,
      session,
      embedded,
      worker,
      demoData,
      setupCode,
      stop,
    };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** Listen, or say in one line why the port cannot be had. */
async function listen(server: Server, port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const failed = (err: unknown) => reject(portUnavailable(port, host, err));
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

/** Every request while the process starts: 503 with Retry-After, in the one error shape. */
function answerStarting(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(503, {
    'content-type': 'application/json; charset=utf-8',
    'retry-after': '2',
    'cache-control': 'no-store',
  });
  res.end(JSON.stringify({ error: { code: 'unavailable', message: 'Deskmate is starting; try again in a moment' } }));
}
