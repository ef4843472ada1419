import { asc, eq, sql } from 'drizzle-orm';
import { createClassifier } from '@deskmate/kb';
import {
  ticketCategories,
  ticketPriorities,
  type TClassifierReport,
  type TTicket,
  type TTicketCategory,
  type TTicketPriority,
} from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../test/clock.js';
import { auditEvents, classifierFeedback } from '../db/schema.js';
import { classifierModels, classifierPredictions } from '../db/schema-classifier.js';
import type { UserRow } from '../http/context.js';
import { silentLogger } from '../logger.js';
import { startTestApp, type TestApp } from '../test/app.js';
import { call, createUserWithPassword, sessionCookie } from '../test/auth.js';
import { useTestDatabase, type TestDatabase } from '../test/db.js';
import { retrainClassifier } from './model.js';

const DAY = 86_400_000;
const clock = new FakeClock('2026-03-02T09:00:00Z'); // a Monday
const testDatabase = useTestDatabase();
let database: TestDatabase;
let a: TestApp;
let b: TestApp;
let admin: UserRow;
let agent: UserRow;
let agent2: UserRow;
let alice: UserRow;

async function waitFor(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('not in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  database = testDatabase.current;
  // The first instance runs the job worker too (role all); the second only serves the API.
  a = await startTestApp({ database, clock, env: { JOBS_PROCESS_EVERY: '200ms' } });
  b = await startTestApp({ database, clock, role: 'api' });
  admin = await createUserWithPassword(database.db, { role: 'admin' });
  agent = await createUserWithPassword(database.db, { role: 'agent', name: 'Agent One' });
  agent2 = await createUserWithPassword(database.db, { role: 'agent', name: 'Agent Two' });
  alice = await createUserWithPassword(database.db);
}, 60_000);
afterAll(async () => {
  await b.stop();
  await a.stop();
});

const as = (user: UserRow, app = a) => sessionCookie(app, user);

async function file(title: string, extra: { priority?: TTicketPriority; category?: TTicketCategory } = {}) {
  const res = await call<{ ticket: TTicket }>(a, 'POST', '/tickets', {
    cookie: as(alice),
    body: { title, description: `${title}, please help`, ...extra },
  });
  expect(res.status).toBe(201);
  return res.body.ticket;
}

const change = (key: string, user: UserRow, body: Record<string, unknown>) =>
  call<{ ticket: TTicket }>(a, 'PATCH', `/tickets/${key}`, { cookie: as(user), body });

const other = <T extends string>(all: readonly T[], not: T, skip: T[] = []) =>
  all.find((x) => x !== not && !skip.includes(x))!;

async function feedbackOf(ticketId: string) {
  return database.db
    .select()
    .from(classifierFeedback)
    .where(eq(classifierFeedback.ticketId, ticketId))
    .orderBy(asc(classifierFeedback.field));
}

async function predictionOf(ticketId: string) {
  const [row] = await database.db
    .select()
    .from(classifierPredictions)
    .where(eq(classifierPredictions.ticketId, ticketId));
  return row!;
}

describe('corrections by agents', () => {
  it('what the classifier said is kept at filing, with which fields the ticket took from it', async () => {
    const t = await file('my second monitor stays black after docking');
    const p = await predictionOf((await ticketRow(t.key)).id);
    expect(p).toMatchObject({ priority: t.priority, category: t.category, priorityUsed: true, categoryUsed: true });
    expect(p.text).toBe(
      'my second monitor stays black after docking\nmy second monitor stays black after docking, please help',
    );

    const chosen = await file('keyboard is missing a key', { priority: 'low', category: 'hardware' });
    expect(await predictionOf((await ticketRow(chosen.key)).id)).toMatchObject({
      priorityUsed: false,
      categoryUsed: false,
    });
  });

  it('an early change is one labelled example per ticket and field; a later change updates it', async () => {
    const t = await file('outlook will not open since this morning');
    const id = (await ticketRow(t.key)).id;
    const predicted = await predictionOf(id);
    const first = other(ticketPriorities, t.priority);
    const second = other(ticketPriorities, t.priority, [first]);
    const category = other(ticketCategories, t.category!);

    clock.advance(2 * 3_600_000);
    expect((await change(t.key, agent, { priority: first, category })).status).toBe(200);
    const [cat, pri] = await feedbackOf(id);
    expect(pri).toMatchObject({
      field: 'priority',
      predicted: predicted.priority,
      corrected: first,
      text: predicted.text,
      userId: agent.id,
    });
    expect(cat).toMatchObject({ field: 'category', predicted: predicted.category, corrected: category });
    const firstAt = pri!.createdAt.getTime();

    clock.advance(3_600_000);
    expect((await change(t.key, agent2, { priority: second })).status).toBe(200);
    const rows = await feedbackOf(id);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({
      field: 'priority',
      predicted: predicted.priority,
      corrected: second,
      userId: agent2.id,
    });
    expect(rows[1]!.createdAt.getTime()).toBe(firstAt);
    expect(rows[1]!.updatedAt.getTime()).toBe(clock.now().getTime());
  });

  it('a change more than 7 days after filing, or to a resolved ticket, is not a correction', async () => {
    const late = await file('printer on floor 3 prints blank pages');
    clock.advance(7 * DAY + 60_000);
    expect((await change(late.key, agent, { priority: other(ticketPriorities, late.priority) })).status).toBe(200);
    expect(await feedbackOf((await ticketRow(late.key)).id)).toEqual([]);

    const done = await file('need a new mouse mat');
    expect((await change(done.key, agent, { status: 'resolved' })).status).toBe(200);
    expect((await change(done.key, agent, { priority: other(ticketPriorities, done.priority) })).status).toBe(200);
    expect(await feedbackOf((await ticketRow(done.key)).id)).toEqual([]);
  });
});

async function ticketRow(key: string) {
  const res = await database.db.execute<{ id: string }>(sql`SELECT id FROM tickets WHERE key = ${key}`);
  return res.rows[0]!;
}

describe('the agreement report', () => {
  it('counts, week by week, the classified tickets agents did not correct; agents and admins only', async () => {
    // Two weeks of their own: the week of May 4 and the week of May 11, 2026 (Mondays).
    clock.set('2026-05-05T10:00:00Z');
    const w1 = [await file('wifi drops every few minutes'), await file('excel crashes on open')];
    await file('password reset please', { priority: 'low', category: 'access' }); // not classified
    const fix = w1[0]!;
    await change(fix.key, agent, { category: other(ticketCategories, fix.category!) });
    // Changing it back to what the classifier said is no disagreement.
    const back = w1[1]!;
    await change(back.key, agent, { priority: other(ticketPriorities, back.priority) });
    await change(back.key, agent, { priority: back.priority });
    clock.set('2026-05-12T10:00:00Z');
    const w2 = await file('teams camera not detected');
    await change(w2.key, agent, { priority: other(ticketPriorities, w2.priority) });

    const range = '?from=2026-05-04&to=2026-05-18';
    expect((await call(a, 'GET', `/reports/classifier${range}`, { cookie: as(alice) })).status).toBe(403);
    const res = await call<TClassifierReport>(a, 'GET', `/reports/classifier${range}`, { cookie: as(agent) });
    expect(res.status).toBe(200);
    expect(res.body.correctionWindowDays).toBe(7);
    expect(res.body.weeks.map((w) => [w.weekStart, w.classified, w.corrected, w.agreement])).toEqual([
      ['2026-05-04', 2, 1, 0.5],
      ['2026-05-11', 1, 1, 0],
    ]);
    expect(res.body.weeks[0]!.category).toEqual({ classified: 2, corrected: 1, agreement: 0.5 });
    expect(res.body.weeks[0]!.priority).toEqual({ classified: 2, corrected: 0, agreement: 1 });
    expect(res.body.overall).toMatchObject({ classified: 3, corrected: 2, agreement: 0.333 });
    expect((await call(a, 'GET', `/reports/classifier${range}`, { cookie: as(admin) })).status).toBe(200);
    const bad = await call<{ error: { code: string } }>(a, 'GET', '/reports/classifier?from=2026-05-18&to=2026-05-04', {
      cookie: as(agent),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
  });
});

describe('retraining on the corrections', () => {
  // Words no shipped example uses, so what the model says of them comes from the corrections.
  const novel = 'the quillograph on the fourth landing keeps blinking amber';
  const shipped = createClassifier().classify(novel);
  const priority = other(ticketPriorities, shipped.priority, ['urgent']);
  const category = other(ticketCategories, shipped.category, ['security']);

  it('stores one model per change of the data however many run at once; every process loads it; new tickets use it', async () => {
    clock.set('2026-06-01T09:00:00Z');
    for (const n of [1, 2, 3]) {
      const t = await file(`${novel} (${n})`);
      expect(t.priority).toBe(shipped.priority);
      await change(t.key, agent, { priority, category });
    }
    const before = await database.db.select({ version: classifierModels.version }).from(classifierModels);
    const options = { clock, logger: silentLogger(), reason: 'schedule' as const };
    const runs = await Promise.all([retrainClassifier(database.db, options), retrainClassifier(database.db, options)]);
    expect(runs.filter((r) => r.trained)).toHaveLength(1);
    expect(runs[0]!.version).toBe(runs[1]!.version);
    const again = await retrainClassifier(database.db, options);
    expect(again).toMatchObject({ trained: false, version: runs[0]!.version });
    const models = await database.db.select().from(classifierModels);
    expect(models).toHaveLength(before.length + 1);

    const version = runs[0]!.version;
    const kbs = [a, b].map((app) => app.runtime.services.kb!);
    await waitFor(() => kbs.every((kb) => kb.classifierVersion === version));
    for (const kb of kbs) expect(kb.classifier.classify(novel)).toMatchObject({ priority, category });

    const res = await call<{ ticket: TTicket }>(b, 'POST', '/tickets', {
      cookie: as(alice, b),
      body: { title: novel, description: 'it started this week' },
    });
    expect(res.body.ticket).toMatchObject({ priority, category });
    expect(await predictionOf((await ticketRow(res.body.ticket.key)).id)).toMatchObject({ modelVersion: version });
  });

  it('admins can retrain now (a job the worker runs); agents cannot', async () => {
    const t = await file('the zentrifax badge reader hums loudly');
    await change(t.key, agent, { category: other(ticketCategories, t.category!, ['security']) });
    expect((await call(a, 'POST', '/admin/classifier/retrain', { cookie: as(agent) })).status).toBe(403);
    const res = await call<{ jobId: string }>(a, 'POST', '/admin/classifier/retrain', { cookie: as(admin) });
    expect(res.status).toBe(202);
    expect(res.body.jobId).toEqual(expect.any(String));
    await waitFor(async () => {
      const [m] = await database.db.select().from(classifierModels).where(eq(classifierModels.reason, 'manual'));
      return m?.requestedBy === admin.id;
    });
    const [audit] = await database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'classifier.retrain_requested'));
    expect(audit).toMatchObject({ actorId: admin.id });
    const report = await call<TClassifierReport>(a, 'GET', '/reports/classifier', { cookie: as(agent) });
    expect(report.body.model).toMatchObject({ reason: 'manual' });
    expect(report.body.model!.corrections).toBeGreaterThanOrEqual(5);
  });
});
