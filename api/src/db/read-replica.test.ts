/**
 * DATABASE_READ_URL: the heavy reads go to a replica, writes and reads of one's own writes to the
 * primary. The "replica" here is a second database cloned from the primary and then made to differ
 * (a ticket and an article on each side only), so every answer says which database it was read from.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TKbArticle, TTicket, TTicketReport } from '@deskmate/shared';
import type { UserRow } from '../http/context.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, loginAs } from '../test/auth.js';
import { createTestDatabase, dropDatabase, type TestDatabase } from '../test/db.js';
import { createTicket } from '../test/factories.js';
import { replaceDatabase } from '../test/global-setup.js';
import { createDatabase } from './client.js';
import { kbArticles, tickets } from './schema.js';

let primary: TestDatabase;
let replica: TestDatabase;
let app: TestApp;
let admin: UserRow;
let alice: UserRow;

/** A copy of the primary as it is now: the same users, then whatever each side gets alone. */
async function cloneOf(source: TestDatabase): Promise<TestDatabase> {
  const name = `${source.name}_replica`;
  const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${source.name}`);
  } finally {
    await admin.end();
  }
  const url = replaceDatabase(inject('pgAdminUrl'), name);
  return { ...createDatabase(url, { max: 4 }), url, name };
}

beforeAll(async () => {
  const seeded = await createTestDatabase();
  admin = await createUserWithPassword(seeded.db, { role: 'admin' });
  alice = await createUserWithPassword(seeded.db);
  await seeded.close(); // a template must have no connections
  replica = await cloneOf(seeded);
  primary = { ...createDatabase(seeded.url, { max: 10 }), url: seeded.url, name: seeded.name };
  await createTicket(replica.db, { requesterId: alice.id, title: 'Scanner offline (replica only)' });
  await createTicket(primary.db, { requesterId: alice.id, title: 'Scanner offline (primary only)' });
  for (const [db, where] of [
    [replica.db, 'replica'],
    [primary.db, 'primary'],
  ] as const) {
    await db.insert(kbArticles).values({
      slug: `reset-scanner-${where}`,
      title: `Reset the scanner (${where} only)`,
      body: 'Hold the power button for ten seconds.',
      published: true,
    });
  }
  app = await startTestApp({
    database: primary,
    env: { DATABASE_URL: primary.url, DATABASE_READ_URL: replica.url },
  });
});

afterAll(async () => {
  await app?.stop();
  for (const db of [primary, replica]) {
    if (!db) continue;
    await db.close();
    await dropDatabase(db.name);
  }
});

const titles = (items: { title: string }[]) => items.map((t) => t.title).filter((t) => t.includes('only'));

describe('with DATABASE_READ_URL', () => {
  it('serves the queue list, search and counts from the replica', async () => {
    const session = await loginAs(app, admin.email);
    expect(session.status).toBe(200);
    const cookie = session.cookie;
    const list = await call<{ items: TTicket[] }>(app, 'GET', '/tickets?limit=50', { cookie });
    expect(list.status).toBe(200);
    expect(titles(list.body.items)).toEqual(['Scanner offline (replica only)']);
    const search = await call<{ items: TTicket[] }>(app, 'GET', '/tickets?q=scanner%20offline', { cookie });
    expect(titles(search.body.items)).toEqual(['Scanner offline (replica only)']);
    const counts = await call<{ counts: Record<string, number> }>(app, 'GET', '/tickets/counts', { cookie });
    expect(counts.status).toBe(200);
    const onReplica = (await replica.db.select({ id: tickets.id }).from(tickets)).length;
    expect(Math.max(...Object.values(counts.body.counts))).toBe(onReplica);
  });

  it('serves reports and the knowledge-base list from the replica, one article from the primary', async () => {
    const { cookie } = await loginAs(app, admin.email);
    const report = await call<TTicketReport>(app, 'GET', '/reports/tickets', { cookie });
    expect(report.status).toBe(200);
    expect(report.body.overall.created).toBe((await replica.db.select({ id: tickets.id }).from(tickets)).length);
    const articles = await call<{ items: TKbArticle[] }>(app, 'GET', '/kb/articles', { cookie });
    expect(titles(articles.body.items)).toEqual(['Reset the scanner (replica only)']);
    expect((await call(app, 'GET', '/kb/articles/reset-scanner-primary', { cookie })).status).toBe(200);
    expect((await call(app, 'GET', '/kb/articles/reset-scanner-replica', { cookie })).status).toBe(404);
  });

  it('writes to the primary and reads a ticket just created back from it, signed in a moment ago', async () => {
    const session = await loginAs(app, alice.email);
    expect(session.status).toBe(200);
    const me = await call<{ user: { id: string } }>(app, 'GET', '/auth/me', { cookie: session.cookie });
    expect(me.status).toBe(200);
    const created = await call<{ ticket: TTicket }>(app, 'POST', '/tickets', {
      cookie: session.cookie,
      body: { title: 'Badge reader beeps (just created)', description: 'It beeps twice and stays locked.' },
    });
    expect(created.status).toBe(201);
    const key = created.body.ticket.key;
    const again = await call<{ ticket: TTicket }>(app, 'GET', `/tickets/${key}`, { cookie: session.cookie });
    expect(again.status).toBe(200);
    expect(again.body.ticket.title).toBe('Badge reader beeps (just created)');
    const { rows: onPrimary } = await primary.pool.query('SELECT 1 FROM tickets WHERE key = $1', [key]);
    const { rows: onReplica } = await replica.pool.query('SELECT 1 FROM tickets WHERE key = $1', [key]);
    expect([onPrimary.length, onReplica.length]).toEqual([1, 0]);
  });
});

describe('without DATABASE_READ_URL', () => {
  it('reads everything from the primary', async () => {
    const plain = await startTestApp({ database: primary });
    try {
      expect(plain.runtime.services.readDb).toBe(plain.runtime.services.db);
      const { cookie } = await loginAs(plain, admin.email);
      const list = await call<{ items: TTicket[] }>(plain, 'GET', '/tickets?limit=50', { cookie });
      expect(titles(list.body.items)).toContain('Scanner offline (primary only)');
      expect(titles(list.body.items)).not.toContain('Scanner offline (replica only)');
    } finally {
      await plain.stop();
    }
  });
});
