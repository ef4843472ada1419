import { eq } from 'drizzle-orm';
import { loadArticles } from '@deskmate/kb';
import type { TTicket } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, kbArticles } from '../db/schema.js';
import type { UserRow } from '../http/context.js';
import { silentLogger } from '../logger.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';
import { seedShippedArticles } from './service.js';

const testDatabase = useTestDatabase();
let database: TestDatabase;
let a: TestApp;
let b: TestApp;
let admin: UserRow;
let agent: UserRow;
let alice: UserRow;

async function waitFor(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('not in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  database = testDatabase.current;
  a = await startTestApp({ database });
  b = await startTestApp({ database });
  admin = await createUserWithPassword(database.db, { role: 'admin' });
  agent = await createUserWithPassword(database.db, { role: 'agent' });
  alice = await createUserWithPassword(database.db);
});
afterAll(async () => {
  await b.stop();
  await a.stop();
});

const hits = async (app: TestApp, q: string) =>
  (
    await call<{ items: { slug: string }[] }>(app, 'GET', `/kb/search?q=${encodeURIComponent(q)}`, {
      cookie: sessionCookie(app, alice),
    })
  ).body.items.map((h) => h.slug);

describe('the knowledge base', () => {
  it('seeds every shipped article once, published', async () => {
    const rows = await database.db.select().from(kbArticles);
    expect(rows.length).toBe(loadArticles().length);
    expect(rows.length).toBeGreaterThanOrEqual(30);
    expect(rows.every((r) => r.published)).toBe(true);
    expect(await seedShippedArticles(database.db, silentLogger())).toBe(0);
  });

  it('searches by how people describe problems, and answers nothing for noise', async () => {
    expect((await hits(a, 'cant get on the vpn from home'))[0]).toMatch(/vpn/);
    expect(await hits(a, 'what is for lunch today')).toEqual([]);
    expect((await call(a, 'GET', '/kb/search', { cookie: sessionCookie(a, alice) })).status).toBe(400);
  });

  it('an admin writes, publishes and unpublishes; every instance’s search follows', async () => {
    const cookie = sessionCookie(a, admin);
    const created = await call(a, 'POST', '/kb/articles', {
      cookie,
      body: {
        slug: 'badge-reader',
        title: 'Door badge reader does not open the door',
        category: 'hardware',
        tags: ['badge', 'door'],
        body: 'Hold the badge flat against the reader for two seconds. If the light stays red, ask reception for a new badge.',
      },
    });
    expect(created.status).toBe(201);
    expect(await hits(b, 'my badge does not open the door')).not.toContain('badge-reader');
    expect((await call(a, 'GET', '/kb/articles/badge-reader', { cookie: sessionCookie(a, alice) })).status).toBe(404);
    expect((await call(a, 'GET', '/kb/articles/badge-reader', { cookie: sessionCookie(a, agent) })).status).toBe(200);
    await call(a, 'POST', '/kb/articles/badge-reader/publish', { cookie });
    // The shipped door-access-denied article is the better answer to this question; the new one joins it.
    await waitFor(async () => (await hits(b, 'my badge does not open the door')).includes('badge-reader'));
    await call(a, 'PUT', '/kb/articles/badge-reader', { cookie, body: { title: 'Door badge reader stays red' } });
    await waitFor(async () => (await hits(b, 'badge reader stays red'))[0] === 'badge-reader');
    await call(b, 'POST', '/kb/articles/badge-reader/unpublish', { cookie: sessionCookie(b, admin) });
    await waitFor(async () => !(await hits(a, 'badge reader stays red')).includes('badge-reader'));
    const actions = (await database.db.select().from(auditEvents).where(eq(auditEvents.entityId, 'badge-reader'))).map(
      (r) => r.action,
    );
    expect(actions).toEqual([
      'kb.article_created',
      'kb.article_published',
      'kb.article_updated',
      'kb.article_unpublished',
    ]);
  });

  it('refuses a duplicate slug and bad input', async () => {
    const cookie = sessionCookie(a, admin);
    const body = { slug: 'vpn-connect', title: 'Dup', category: 'network', body: 'x' };
    expect((await call(a, 'POST', '/kb/articles', { cookie, body })).status).toBe(409);
    expect((await call(a, 'POST', '/kb/articles', { cookie, body: { ...body, slug: 'Not A Slug' } })).status).toBe(400);
    expect(
      (await call(a, 'POST', '/kb/articles', { cookie, body: { ...body, slug: 'new-one', category: 'coffee' } }))
        .status,
    ).toBe(400);
  });

  it('counts views, and helpful votes once per person and article a day', async () => {
    const [before] = await database.db.select().from(kbArticles).where(eq(kbArticles.slug, 'vpn-connect'));
    await call(a, 'POST', '/kb/articles/vpn-connect/view', { cookie: sessionCookie(a, alice) });
    for (let i = 0; i < 3; i++)
      await call(a, 'POST', '/kb/articles/vpn-connect/feedback', {
        cookie: sessionCookie(a, alice),
        body: { helpful: true },
      });
    await call(a, 'POST', '/kb/articles/vpn-connect/feedback', {
      cookie: sessionCookie(a, agent),
      body: { helpful: false },
    });
    const [after] = await database.db.select().from(kbArticles).where(eq(kbArticles.slug, 'vpn-connect'));
    expect(after!.views - before!.views).toBe(1);
    expect(after!.helpfulYes - before!.helpfulYes).toBe(1);
    expect(after!.helpfulNo - before!.helpfulNo).toBe(1);
    expect(
      (await call(a, 'POST', '/kb/articles/no-such-article/view', { cookie: sessionCookie(a, alice) })).status,
    ).toBe(404);
  });
});

describe('automatic priority and category on every ticket', () => {
  it('a ticket filed without them gets the classifier’s; a requester’s own low priority is raised to the policy’s floor', async () => {
    const outage = await call<{ ticket: TTicket }>(a, 'POST', '/tickets', {
      cookie: sessionCookie(a, alice),
      body: {
        title: 'Whole office internet outage',
        description: 'Nobody in the office can get online, we cannot work',
      },
    });
    expect(outage.body.ticket).toMatchObject({ priority: 'urgent', category: 'network' });
    const phishing = await call<{ ticket: TTicket }>(a, 'POST', '/tickets', {
      cookie: sessionCookie(a, alice),
      body: { title: 'Weird email', description: 'I clicked a phishing link asking for my password', priority: 'low' },
    });
    // A security incident is urgent whatever the requester said.
    expect(phishing.body.ticket.priority).toBe('urgent');
    const agentsChoice = await call<{ ticket: TTicket }>(a, 'POST', '/tickets', {
      cookie: sessionCookie(a, agent),
      body: {
        title: 'Phishing training request',
        description: 'Schedule phishing awareness training next quarter',
        priority: 'low',
      },
    });
    expect(agentsChoice.body.ticket.priority).toBe('low');
  });

  it('rates a ticket filed without the wizard’s questions by the priority policy, not by its tone', async () => {
    const file = async (title: string, description: string) =>
      (
        await call<{ ticket: TTicket }>(a, 'POST', '/tickets', {
          cookie: sessionCookie(a, alice),
          body: { title, description },
        })
      ).body.ticket.priority;
    // Many people blocked, written casually.
    expect(await file('phones', "none of the call centre phones work, 20 agents can't take calls")).toBe('urgent');
    // A security incident, written casually.
    expect(await file('fyi', 'I plugged in a usb stick I found in the car park, probably nothing')).toBe('urgent');
    // One person fully blocked, written calmly.
    expect(await file('no rush', "laptop asks for a bitlocker recovery key and I don't have it")).toBe('high');
    // Degraded with a workaround, written angrily.
    expect(await file('PRINTER ON 4 DOWN AGAIN!!!', 'using the one on 3 for now')).toBe('medium');
    // A question that mentions an outage, and something cosmetic.
    expect(await file('is onedrive down?', 'the icon changed but everything syncs')).toBe('low');
    expect(await file('teams status', "teams shows me as away all day though I'm active")).toBe('low');
    // A request written as urgent.
    expect(await file('URGENT!!!', 'need Visio installed ASAP!!!')).toBe('low');
  });
});
