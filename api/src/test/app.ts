import type { Router } from 'express';
import type { TChatIntegrations, TDeliverySender, TInboundHandler } from '@deskmate/shared';
import { afterAll, beforeAll } from 'vitest';
import type { Clock } from '../clock.js';
import type { DnsResolver } from '../email/dns.js';
import { loadConfig, type Config } from '../config.js';
import { silentLogger, type Logger } from '../logger.js';
import { startRuntime, type FrontDoor, type Role, type Runtime } from '../runtime.js';
import { createTestDatabase, dropDatabase, type TestDatabase } from './db.js';
import { saveTestSessions } from './sessions.js';

export interface TestAppOptions {
  role?: Role;
  env?: Record<string, string>;
  clock?: Clock;
  botRouters?: Router[];
  consoleDir?: string;
  /** Share a database (for several instances); default: a new clone. */
  database?: TestDatabase;
  senders?: TDeliverySender[];
  inbound?: TInboundHandler[];
  /** Node-level handlers tried before the Express app (the bots' Slack endpoint). */
  frontDoors?: FrontDoor[];
  /** What the composition root says of Slack and Teams (default: not configured). */
  integrations?: TChatIntegrations;
  /** Where the app logs (default: nowhere); see `captureLogger`. */
  logger?: Logger;
  /** DNS answers for sender authentication (default: every name unknown — tests never ask real DNS). */
  resolveDns?: DnsResolver;
}

/** A resolver that knows no name: what a test app uses unless the test publishes records. */
export const noDns: DnsResolver = async (name) => {
  throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
};

export interface TestApp {
  runtime: Runtime;
  url: string;
  config: Config;
  database: TestDatabase;
  /** fetch against the app: `app.fetch('/api/meta')`. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/** The whole app in-process on a random port, on a real (cloned) database. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const ownsDatabase = !options.database;
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DESKMATE_DEMO: 'false',
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const runtime = await startRuntime({
    config,
    role: options.role ?? 'all',
    logger: options.logger ?? silentLogger(),
    version: 'test',
    databaseUrl: database.url,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.botRouters ? { botRouters: options.botRouters } : {}),
    ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
    ...(options.senders ? { senders: options.senders } : {}),
    ...(options.inbound ? { inbound: options.inbound } : {}),
    ...(options.frontDoors ? { frontDoors: options.frontDoors } : {}),
    ...(options.integrations ? { integrations: options.integrations } : {}),
    resolveDns: options.resolveDns ?? noDns,
  });
  return {
    runtime,
    url: runtime.url,
    config,
    database,
    fetch: async (path, init) => {
      await saveTestSessions(runtime.services.db, database.name);
      return fetch(new URL(path, runtime.url), init);
    },
    async stop() {
      await runtime.stop();
      if (ownsDatabase) {
        await database.close();
        await dropDatabase(database.name);
      }
    },
  };
}

/** One app for the test file, stopped after it. */
export function useTestApp(options: TestAppOptions = {}): { readonly current: TestApp } {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await startTestApp(options);
  });
  afterAll(async () => {
    await app?.stop();
  });
  return {
    get current() {
      if (!app) throw new Error('useTestApp: the app starts in beforeAll');
      return app;
    },
  };
}
