import { and, asc, eq, isNotNull, like, sql } from 'drizzle-orm';
import type { TSlaPolicy } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createDatabase } from '../db/client.js';
import { SessionConnection } from '../db/session.js';
import { agendaJobs, auditEvents, notifications, outbox, slaEscalations, ticketEvents, tickets } from '../db/schema.js';
import { slaSweep } from '../jobs/definitions/sla-sweep.js';
import { enqueue } from '../jobs/enqueue.js';
import { startWorker } from '../jobs/worker.js';
import { silentLogger } from '../logger.js';
import { call } from '../test/auth.js';
import { createTicket } from '../test/factories.js';
import { sweepSla } from './sweep.js';
import { syncSla } from './sync.js';
import { as, getTicket, jobContext, openTicket, startSlaDesk, type SlaDesk } from '../test/sla-desk.js';

let desk: SlaDesk;

beforeAll(async () => {
  desk = await startSlaDesk('2026-01-05T09:00:00Z'); // a Monday
});
afterAll(async () => {
  await desk.stop();
});

const sweep = () => slaSweep.handler({}, jobContext(desk));

const escalationsOf = (ticketId: string) =>
  desk.database.db
    .select({ kind: slaEscalations.kind, level: slaEscalations.level })
    .from(slaEscalations)
    .where(eq(slaEscalations.ticketId, ticketId))
    .orderBy(asc(slaEscalations.id));

const slaOutboxOf = (ticketId: string) =>
  desk.database.db
    .select({ kind: outbox.kind, dedupeKey: outbox.dedupeKey, payload: outbox.payload })
    .from(outbox)
    .where(like(outbox.dedupeKey, `sla:${ticketId}:%`))
    .orderBy(asc(outbox.id));

const escalationNotices = (ticketId: string) =>
  desk.database.db
    .select({ userId: notifications.userId, title: notifications.title })
    .from(notifications)
    .where(and(eq(notifications.ticketId, ticketId), eq(notifications.type, 'escalation')));

describe('the escalation sweep', () => {
  it('warns the assignee once when 75 % of a target is used, not a minute before', async () => {
    desk.clock.set('2026-01-05T09:00:00Z');
    const t = await openTicket(desk, 'urgent', { assignee: desk.agent }); // first response 30 min: warn at 22.5 min
    desk.clock.set('2026-01-05T09:22:00Z');
    await sweep();
    expect(await escalationsOf(t.id)).toEqual([]);
    desk.clock.set('2026-01-05T09:23:00Z');
    await sweep();
    expect(await escalationsOf(t.id)).toEqual([{ kind: 'first_response_warning', level: 0 }]);
    expect(await slaOutboxOf(t.id)).toMatchObject([
      { kind: 'sla.warning', dedupeKey: `sla:${t.id}:first_response_warning:0` },
    ]);
    const notices = await escalationNotices(t.id);
    expect(notices).toEqual([{ userId: desk.agent.id, title: expect.stringContaining('is at risk') }]);
    const [event] = await desk.database.db
      .select()
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, t.id), sql`${ticketEvents.data}->>'type' = 'sla_warning'`));
    expect(event).toMatchObject({ visibility: 'internal', body: expect.stringContaining('75% of the target used') });
    desk.clock.set('2026-01-05T09:25:00Z');
    await sweep();
    expect(await slaOutboxOf(t.id)).toHaveLength(1);
    expect((await getTicket(desk, t.key)).sla).toMatchObject({ escalationLevel: 0, firstResponseBreached: false });
  });

  it('escalates a breach: level 1, assignee and group told, triage posted, priority raised once', async () => {
    desk.clock.set('2026-01-05T10:00:00Z');
    const t = await openTicket(desk, 'high', { assignee: desk.agent }); // 2 h / 8 h
    desk.clock.set('2026-01-05T12:01:00Z'); // the warning (11:30) and the breach (12:00) both passed
    await sweep();
    expect(await escalationsOf(t.id)).toEqual([{ kind: 'first_response_breach', level: 1 }]);
    const [row] = await slaOutboxOf(t.id);
    expect(row).toMatchObject({
      kind: 'sla.escalation',
      dedupeKey: `sla:${t.id}:first_response_breach:1`,
      payload: { ticketId: t.id, level: 1, triage: true, priority: { from: 'high', to: 'urgent' } },
    });
    expect((await escalationNotices(t.id)).map((n) => n.userId).sort()).toEqual([desk.agent.id, desk.agent2.id].sort());
    const after = await getTicket(desk, t.key);
    expect(after.priority).toBe('urgent');
    // Under urgent (4 h to resolve) with 2 h 01 used: 1 h 59 from 12:01.
    expect(after.sla).toMatchObject({
      escalationLevel: 1,
      firstResponseBreached: true,
      resolutionBreached: false,
      resolutionDueAt: '2026-01-05T14:00:00.000Z',
    });
    const [audit] = await desk.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, t.id), eq(auditEvents.action, 'ticket.sla_escalated')));
    expect(audit).toMatchObject({
      actorType: 'system',
      before: { priority: 'high', escalationLevel: 0 },
      after: { priority: 'urgent', escalationLevel: 1 },
    });

    desk.clock.set('2026-01-05T12:02:00Z');
    await sweep();
    expect(await slaOutboxOf(t.id)).toHaveLength(1);

    desk.clock.set('2026-01-05T13:30:00Z'); // 75 % of the new resolution target
    await sweep();
    desk.clock.set('2026-01-05T14:01:00Z');
    await sweep();
    expect(await escalationsOf(t.id)).toEqual([
      { kind: 'first_response_breach', level: 1 },
      { kind: 'resolution_warning', level: 1 },
      { kind: 'resolution_breach', level: 2 },
    ]);
    const last = await getTicket(desk, t.key);
    expect(last.priority).toBe('urgent'); // never above urgent
    expect(last.sla).toMatchObject({ escalationLevel: 2, resolutionBreached: true });
    expect((await slaOutboxOf(t.id)).map((r) => r.dedupeKey)).toEqual([
      `sla:${t.id}:first_response_breach:1`,
      `sla:${t.id}:resolution_warning:1`,
      `sla:${t.id}:resolution_breach:2`,
    ]);
  });

  it('a raise that uses up the other target marks it breached without raising again', async () => {
    desk.clock.set('2026-01-06T09:00:00Z');
    const t = await openTicket(desk, 'medium', { assignee: desk.agent }); // 8 h / 24 h
    desk.clock.set('2026-01-06T17:01:00Z');
    await sweep();
    const after = await getTicket(desk, t.key);
    // High allows 8 h to resolve, and 8 h are used: breached at once, but one breach, one raise.
    expect(after.priority).toBe('high');
    expect(after.sla).toMatchObject({ escalationLevel: 1, firstResponseBreached: true, resolutionBreached: true });
    expect(await escalationsOf(t.id)).toEqual([{ kind: 'first_response_breach', level: 1 }]);
    desk.clock.set('2026-01-07T12:00:00Z');
    await sweep();
    expect(await escalationsOf(t.id)).toHaveLength(1);
  });

  it('follows the policy’s escalation settings (no raise, assignee only)', async () => {
    const policies = await call<{ items: TSlaPolicy[] }>(desk.app, 'GET', '/sla/policies', {
      cookie: as(desk, desk.admin),
    });
    const items = policies.body.items.map(({ version: _v, updatedAt: _u, ...p }) =>
      p.priority === 'low'
        ? { ...p, escalation: { notifyAssignee: true, notifyGroup: false, notifyTriage: false, raisePriority: false } }
        : p,
    );
    const put = await call(desk.app, 'PUT', '/sla/policies', { cookie: as(desk, desk.admin), body: { items } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    desk.clock.set('2026-01-08T09:00:00Z');
    const t = await openTicket(desk, 'low', { assignee: desk.agent });
    desk.clock.set('2026-01-08T17:30:00Z');
    await sweep();
    const after = await getTicket(desk, t.key);
    expect(after.priority).toBe('low');
    expect(after.sla).toMatchObject({ escalationLevel: 1, firstResponseBreached: true });
    expect((await escalationNotices(t.id)).map((n) => n.userId)).toEqual([desk.agent.id]);
    expect((await slaOutboxOf(t.id))[0]?.payload).toMatchObject({ triage: false, priority: null });
  });

  it('leaves paused and answered tickets alone', async () => {
    desk.clock.set('2026-01-09T09:00:00Z');
    const paused = await openTicket(desk, 'urgent', { assignee: desk.agent });
    await call(desk.app, 'PATCH', `/tickets/${paused.key}`, {
      cookie: as(desk, desk.agent),
      body: { status: 'pending' },
    });
    const answered = await openTicket(desk, 'urgent', { assignee: desk.agent });
    await call(desk.app, 'POST', `/tickets/${answered.key}/replies`, {
      cookie: as(desk, desk.agent),
      body: { body: 'Looking now' },
    });
    desk.clock.set('2026-01-09T09:45:00Z');
    await sweep();
    expect(await escalationsOf(paused.id)).toEqual([]);
    expect(await escalationsOf(answered.id)).toEqual([]);
  });
});

describe('several workers', () => {
  async function breachedTickets(n: number, at: string): Promise<string[]> {
    const start = new Date(at);
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const row = await createTicket(desk.database.db, {
        status: 'open',
        priority: 'high',
        requesterId: desk.requester.id,
        assigneeId: desk.agent.id,
        groupId: desk.groupId,
        createdAt: start,
        updatedAt: start,
      });
      await syncSla(desk.database.db, row, start);
      ids.push(row.id);
    }
    return ids;
  }

  const countSlaRows = async (ids: string[], kind: string) => {
    const [row] = await desk.database.db
      .select({
        n: sql<number>`count(*)::int`,
        tickets: sql<number>`count(DISTINCT ${outbox.payload}->>'ticketId')::int`,
      })
      .from(outbox)
      .where(
        and(
          like(outbox.dedupeKey, `sla:%:${kind}:%`),
          sql`${outbox.payload}->>'ticketId' IN (${sql.join(
            ids.map((id) => sql`${id}`),
            sql`, `,
          )})`,
        ),
      );
    return row!;
  };

  it('two worker processes sweeping the same tickets escalate each ticket once per level', async () => {
    const ids = await breachedTickets(60, '2026-01-12T09:00:00Z');
    desk.clock.set('2026-01-12T11:01:00Z'); // every first response (2 h) breached a minute ago
    const config = loadConfig({ JOBS_PROCESS_EVERY: '100ms', LOG_LEVEL: 'silent' });
    const pools = [createDatabase(desk.database.url, { max: 4 }), createDatabase(desk.database.url, { max: 4 })];
    const sessions = pools.map(() => new SessionConnection(desk.database.url, silentLogger()));
    await Promise.all(sessions.map((s) => s.start()));
    const workers = await Promise.all(
      pools.map((p, i) =>
        startWorker({
          pool: p.pool,
          session: sessions[i]!,
          db: p.db,
          logger: silentLogger(),
          clock: desk.clock,
          config,
          definitions: { [slaSweep.name]: { ...slaSweep, concurrency: 3 } },
          scheduleRecurring: false,
          name: `sla-worker-${i}`,
        }),
      ),
    );
    try {
      // Eight sweeps at once, shared by the two workers (three at a time each).
      const jobIds = await Promise.all(Array.from({ length: 8 }, () => enqueue(desk.database.db, slaSweep, {})));
      const deadline = Date.now() + 20_000;
      for (;;) {
        const finished = await desk.database.db
          .select({ id: agendaJobs.id })
          .from(agendaJobs)
          .where(and(eq(agendaJobs.name, slaSweep.name), isNotNull(agendaJobs.lastFinishedAt)));
        if (jobIds.every((id) => finished.some((f) => f.id === id))) break;
        if (Date.now() > deadline) throw new Error('sweeps did not finish');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      for (const w of workers) await w.stop(2000);
      for (const s of sessions) await s.stop();
      for (const p of pools) await p.close();
    }
    expect(await countSlaRows(ids, 'first_response_breach')).toEqual({ n: 60, tickets: 60 });
    const rows = await desk.database.db
      .select({ priority: tickets.priority, level: tickets.escalationLevel })
      .from(tickets)
      .where(
        sql`${tickets.id} IN (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})`,
      );
    // Raised once each (high → urgent), level 1 each.
    expect(rows.every((r) => r.priority === 'urgent' && r.level === 1)).toBe(true);
    const [esc] = await desk.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(slaEscalations)
      .where(
        sql`${slaEscalations.ticketId} IN (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})`,
      );
    expect(esc!.n).toBe(60);
  });

  it('sweeps racing in parallel on separate connections share the work and act once', async () => {
    const ids = await breachedTickets(40, '2026-01-13T09:00:00Z');
    desk.clock.set('2026-01-13T10:35:00Z'); // 95 min of 120: every first response is at risk
    const pools = Array.from({ length: 4 }, () => createDatabase(desk.database.url, { max: 2 }));
    try {
      const results = await Promise.all(pools.map((p) => sweepSla(p.db, desk.clock, { batchSize: 5 })));
      expect(results.reduce((n, r) => n + r.warnings, 0)).toBe(40);
    } finally {
      for (const p of pools) await p.close();
    }
    expect(await countSlaRows(ids, 'first_response_warning')).toEqual({ n: 40, tickets: 40 });
  });
});
