import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../db/embedded.js';
import { runMigrations } from '../db/migrate.js';
import { silentLogger } from '../logger.js';

export const TEMPLATE_DB = 'deskmate_template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the test server's maintenance database (`postgres`). */
    pgAdminUrl: string;
  }
}

let embedded: EmbeddedPostgresHandle | undefined;
let dataDir: string | undefined;

/**
 * One real PostgreSQL for the whole run (embedded, or TEST_DATABASE_URL's server), with a migrated
 * template database that each test file clones.
 */
export async function setup(project: TestProject): Promise<void> {
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    dataDir = await mkdtemp(join(tmpdir(), 'dm-test-'));
    embedded = await startEmbeddedPostgres({ dataDir, logger: silentLogger(), database: 'postgres', fast: true });
    adminUrl = embedded.url;
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  await runMigrations(replaceDatabase(adminUrl, TEMPLATE_DB), silentLogger());
  project.provide('pgAdminUrl', adminUrl);
}

export async function teardown(): Promise<void> {
  await embedded?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}

/** The same server, another database. Works for socket URLs and TCP URLs alike. */
export function replaceDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}
