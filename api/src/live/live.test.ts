import type { TTicket } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '../http/context.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';
import { createGroup } from '../test/factories.js';
import { subscribe } from '../test/stream.js';

const testDatabase = useTestDatabase();
let database: TestDatabase;
let a: TestApp;
let b: TestApp;
let agent: UserRow;
let agent2: UserRow;
let alice: UserRow;
let bob: UserRow;

beforeAll(async () => {
  database = testDatabase.current;
  a = await startTestApp({ database });
  b = await startTestApp({ database });
  agent = await createUserWithPassword(database.db, { role: 'agent' });
  agent2 = await createUserWithPassword(database.db, { role: 'agent' });
  alice = await createUserWithPassword(database.db);
  bob = await createUserWithPassword(database.db);
  await createGroup(database.db, { name: 'Desk', members: [agent.id, agent2.id] });
});
afterAll(async () => {
  await b.stop();
  await a.stop();
});

describe('live updates over SSE, across instances', () => {
  it('a claim on instance A reaches an agent watching on instance B; a stranger sees nothing', async () => {
    const created = await call<{ ticket: TTicket }>(a, 'POST', '/tickets', {
      cookie: sessionCookie(a, alice),
      body: { title: 'Live one', description: 'x' },
    });
    const key = created.body.ticket.key;
    const watcher = await subscribe(b, sessionCookie(b, agent2));
    const stranger = await subscribe(b, sessionCookie(b, bob));
    const requester = await subscribe(b, sessionCookie(b, alice));
    try {
      expect((await call(a, 'POST', `/tickets/${key}/claim`, { cookie: sessionCookie(a, agent) })).status).toBe(200);
      await watcher.waitFor((e) => e.event === 'ticket' && e.data.key === key && e.data.type === 'ticket.updated');
      await requester.waitFor((e) => e.event === 'ticket' && e.data.key === key);
      await new Promise((r) => setTimeout(r, 300));
      expect(stranger.events.filter((e) => e.data.key === key)).toEqual([]);
    } finally {
      watcher.close();
      stranger.close();
      requester.close();
    }
  });

  it('an internal note reaches agents but never the requester’s stream', async () => {
    const created = await call<{ ticket: TTicket }>(a, 'POST', '/tickets', {
      cookie: sessionCookie(a, alice),
      body: { title: 'Live two', description: 'x' },
    });
    const key = created.body.ticket.key;
    const agentStream = await subscribe(b, sessionCookie(b, agent2));
    const requester = await subscribe(b, sessionCookie(b, alice));
    try {
      const note = await call<{ event: { id: string } }>(a, 'POST', `/tickets/${key}/notes`, {
        cookie: sessionCookie(a, agent),
        body: { body: 'internal only' },
      });
      await agentStream.waitFor((e) => e.data.eventId === note.body.event.id);
      // A public reply after it: once that arrives, the note would have arrived before it.
      const reply = await call<{ event: { id: string } }>(a, 'POST', `/tickets/${key}/replies`, {
        cookie: sessionCookie(a, agent),
        body: { body: 'public' },
      });
      await requester.waitFor((e) => e.data.eventId === reply.body.event.id);
      expect(requester.events.some((e) => e.data.eventId === note.body.event.id)).toBe(false);
    } finally {
      agentStream.close();
      requester.close();
    }
  });

  it('a notification event goes to its user only', async () => {
    const created = await call<{ ticket: TTicket }>(a, 'POST', '/tickets', {
      cookie: sessionCookie(a, alice),
      body: { title: 'Live three', description: 'x' },
    });
    const mine = await subscribe(b, sessionCookie(b, alice));
    const other = await subscribe(b, sessionCookie(b, agent2));
    try {
      await call(a, 'POST', `/tickets/${created.body.ticket.key}/replies`, {
        cookie: sessionCookie(a, agent),
        body: { body: 'We are looking' },
      });
      await mine.waitFor((e) => e.event === 'notification');
      await new Promise((r) => setTimeout(r, 300));
      expect(other.events.filter((e) => e.event === 'notification')).toEqual([]);
    } finally {
      mine.close();
      other.close();
    }
  });

  it('refuses anonymous and half-authenticated streams', async () => {
    const res = await a.fetch('/api/events');
    expect(res.status).toBe(401);
  });
});
