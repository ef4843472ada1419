/** Shared set-up of the SLA test files: an app on a fake clock, people, and ticket helpers. */
import { eq } from 'drizzle-orm';
import type { TTicket, TTicketPriority, TTicketSlaExplanation } from '@deskmate/shared';
import { expect } from 'vitest';
import { FakeClock } from './clock.js';
import { loadConfig } from '../config.js';
import { tickets } from '../db/schema.js';
import type { UserRow } from '../http/context.js';
import type { JobContext } from '../jobs/registry.js';
import { silentLogger } from '../logger.js';
import { startTestApp, type TestApp } from './app.js';
import { call, createUserWithPassword, sessionCookie } from './auth.js';
import type { TestDatabase } from './db.js';
import { createGroup } from './factories.js';
import { fileTicket } from './tickets.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** The seeded default calendar and policies (migration 0005). */
export const BUSINESS_HOURS_ID = '5ca1e000-0000-4000-8000-000000000001';
export const ALWAYS_OPEN_ID = '5ca1e000-0000-4000-8000-000000000002';

export interface SlaDesk {
  clock: FakeClock;
  database: TestDatabase;
  app: TestApp;
  admin: UserRow;
  agent: UserRow;
  agent2: UserRow;
  requester: UserRow;
  groupId: string;
  stop(): Promise<void>;
}

/**
 * An app that serves the API only (no worker: nothing sweeps behind the test's back) on a fake
 * clock, a group of two agents, an admin and a requester.
 */
export async function startSlaDesk(start: string): Promise<SlaDesk> {
  const clock = new FakeClock(start);
  // The app clones its own database and drops it when it stops.
  const app = await startTestApp({ clock, role: 'api', env: { TICKET_CREATE_LIMIT: '100000' } });
  const database = app.database;
  const db = database.db;
  const admin = await createUserWithPassword(db, { role: 'admin' });
  const agent = await createUserWithPassword(db, { role: 'agent', name: 'Sam Agent' });
  const agent2 = await createUserWithPassword(db, { role: 'agent', name: 'Riley Agent' });
  const requester = await createUserWithPassword(db, { role: 'requester', name: 'Alice' });
  const groupId = (await createGroup(db, { name: 'Service desk', members: [agent.id, agent2.id] })).id;
  return {
    clock,
    database,
    app,
    admin,
    agent,
    agent2,
    requester,
    groupId,
    async stop() {
      await app.stop();
    },
  };
}

/** A session cookie signed at the fake clock's now (sessions expire as the clock moves). */
export const as = (desk: SlaDesk, user: UserRow) => sessionCookie(desk.app, user);

/** An agent opens a ticket for the requester at the clock's now, with this priority. */
export async function openTicket(
  desk: SlaDesk,
  priority: TTicketPriority,
  extra: { groupId?: string; category?: string; assignee?: UserRow } = {},
): Promise<TTicket> {
  const ticket = await fileTicket(desk.app, desk.agent, {
    title: 'The VPN keeps disconnecting',
    description: 'It drops every few minutes.',
    priority,
    category: extra.category ?? 'network',
    requesterId: desk.requester.id,
    groupId: extra.groupId ?? desk.groupId,
  });
  if (extra.assignee) {
    await desk.database.db.update(tickets).set({ assigneeId: extra.assignee.id }).where(eq(tickets.id, ticket.id));
  }
  return ticket;
}

export async function patchTicket(desk: SlaDesk, key: string, body: Record<string, unknown>, by?: UserRow) {
  const res = await call<{ ticket: TTicket }>(desk.app, 'PATCH', `/tickets/${key}`, {
    cookie: as(desk, by ?? desk.agent),
    body,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.ticket;
}

export async function getTicket(desk: SlaDesk, key: string): Promise<TTicket> {
  const res = await call<{ ticket: TTicket }>(desk.app, 'GET', `/tickets/${key}`, { cookie: as(desk, desk.admin) });
  expect(res.status).toBe(200);
  return res.body.ticket;
}

export async function explain(desk: SlaDesk, key: string): Promise<TTicketSlaExplanation> {
  const res = await call<TTicketSlaExplanation>(desk.app, 'GET', `/tickets/${key}/sla`, {
    cookie: as(desk, desk.admin),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const jobConfig = loadConfig({ LOG_LEVEL: 'silent' });

/** What a job handler gets, with the test's clock. */
export function jobContext(desk: Pick<SlaDesk, 'database' | 'clock'>, env: Record<string, string> = {}): JobContext {
  return {
    db: desk.database.db,
    clock: desk.clock,
    logger: silentLogger(),
    config: Object.keys(env).length ? loadConfig({ LOG_LEVEL: 'silent', ...env }) : jobConfig,
    attempt: 1,
    senders: [],
    inbound: [],
  } as JobContext;
}
