import { and, asc, eq, like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, notifications, outbox, ticketCsat, ticketEvents, tickets } from '../db/schema.js';
import { slaDueReminders } from '../jobs/definitions/sla-due-reminders.js';
import { slaSweep } from '../jobs/definitions/sla-sweep.js';
import { staleTickets } from '../jobs/definitions/stale-tickets.js';
import { weeklyDigest } from '../jobs/definitions/weekly-digest.js';
import { call } from '../test/auth.js';
import { lastDigestTime } from './digest.js';
import { as, getTicket, jobContext, openTicket, patchTicket, startSlaDesk, type SlaDesk } from '../test/sla-desk.js';

let desk: SlaDesk;

beforeAll(async () => {
  desk = await startSlaDesk('2026-01-05T09:00:00Z');
});
afterAll(async () => {
  await desk.stop();
});

const DAY = 86_400_000;
const at = (iso: string, plusDays = 0) => new Date(Date.parse(iso) + plusDays * DAY).toISOString();

const noticesOf = (ticketId: string, type: string) =>
  desk.database.db
    .select({ userId: notifications.userId, title: notifications.title, body: notifications.body })
    .from(notifications)
    .where(and(eq(notifications.ticketId, ticketId), eq(notifications.type, type)));

const publicEvents = (ticketId: string) =>
  desk.database.db
    .select({ body: ticketEvents.body, visibility: ticketEvents.visibility })
    .from(ticketEvents)
    .where(eq(ticketEvents.ticketId, ticketId))
    .orderBy(asc(ticketEvents.createdAt));

describe('stale tickets (daily)', () => {
  const stale = () => staleTickets.handler({}, jobContext(desk));

  it('closes a ticket resolved 7 days ago, once, and not one resolved 6 days ago', async () => {
    desk.clock.set('2026-01-05T10:00:00Z');
    const old = await openTicket(desk, 'medium');
    await patchTicket(desk, old.key, { status: 'resolved' });
    desk.clock.set('2026-01-06T10:00:00Z');
    const recent = await openTicket(desk, 'medium');
    await patchTicket(desk, recent.key, { status: 'resolved' });
    desk.clock.set(at('2026-01-12T10:00:00Z', 0) /* 7 days after the first, 6 after the second */);
    await stale();
    expect((await getTicket(desk, old.key)).status).toBe('closed');
    expect((await getTicket(desk, recent.key)).status).toBe('resolved');
    expect((await publicEvents(old.id)).map((e) => e.body)).toContain(
      'Closed automatically 7 days after it was resolved.',
    );
    const audits = await desk.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, old.id), eq(auditEvents.action, 'ticket.auto_closed')));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actorType: 'system',
      before: { status: 'resolved' },
      after: { status: 'closed' },
    });
    await stale();
    expect(
      await desk.database.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.entityId, old.id), eq(auditEvents.action, 'ticket.auto_closed'))),
    ).toHaveLength(1);
  });

  it('reminds a requester after 3 days pending, once; resolves with a notice 4 days later', async () => {
    desk.clock.set('2026-01-05T10:00:00Z');
    const t = await openTicket(desk, 'low');
    await patchTicket(desk, t.key, { status: 'pending' });
    desk.clock.set(at('2026-01-05T10:00:00Z', 2.9));
    await stale();
    expect(await noticesOf(t.id, 'reminder')).toEqual([]);
    desk.clock.set(at('2026-01-05T10:00:00Z', 3));
    await stale();
    desk.clock.set(at('2026-01-05T10:00:00Z', 4));
    await stale();
    const reminders = await noticesOf(t.id, 'reminder');
    expect(reminders).toEqual([
      {
        userId: desk.requester.id,
        title: `${t.key} is waiting for your reply`,
        body: expect.stringContaining('in 4 days'),
      },
    ]);
    expect((await getTicket(desk, t.key)).status).toBe('pending');
    desk.clock.set(at('2026-01-05T10:00:00Z', 6.9));
    await stale();
    expect((await getTicket(desk, t.key)).status).toBe('pending');
    desk.clock.set(at('2026-01-05T10:00:00Z', 7));
    await stale();
    const resolved = await getTicket(desk, t.key);
    expect(resolved.status).toBe('resolved');
    const events = await publicEvents(t.id);
    expect(events.at(-1)).toMatchObject({
      visibility: 'public',
      body: 'Resolved automatically: we have been waiting 7 days for a reply. Reply to reopen it.',
    });
    expect((await noticesOf(t.id, 'status_changed')).map((n) => n.userId)).toContain(desk.requester.id);
    const [row] = await desk.database.db.select().from(tickets).where(eq(tickets.id, t.id));
    expect(row).toMatchObject({ pendingSince: null, pendingRemindedAt: null, resolutionRunningSince: null });
  });

  it('a requester reply after the reminder keeps the ticket open', async () => {
    desk.clock.set('2026-01-05T11:00:00Z');
    const t = await openTicket(desk, 'low');
    await patchTicket(desk, t.key, { status: 'pending' });
    desk.clock.set(at('2026-01-05T11:00:00Z', 3));
    await stale();
    desk.clock.set(at('2026-01-05T11:00:00Z', 4));
    const reply = await call(desk.app, 'POST', `/tickets/${t.key}/replies`, {
      cookie: as(desk, desk.requester),
      body: { body: 'Still broken, sorry for the delay.' },
    });
    expect(reply.status).toBe(201);
    desk.clock.set(at('2026-01-05T11:00:00Z', 9));
    await stale();
    expect((await getTicket(desk, t.key)).status).toBe('open');
  });
});

describe('due reminders', () => {
  const remind = () => slaDueReminders.handler({}, jobContext(desk));
  const reminderRows = (ticketId: string) =>
    desk.database.db
      .select({ dedupeKey: outbox.dedupeKey })
      .from(outbox)
      .where(like(outbox.dedupeKey, `sla:${ticketId}:%_reminder:%`))
      .orderBy(asc(outbox.id));

  it('tells the assignee an hour before each due time, once per due time', async () => {
    desk.clock.set('2026-01-13T09:00:00Z'); // a Tuesday
    const t = await openTicket(desk, 'high', { assignee: desk.agent }); // due 11:00 and 17:00
    const unassigned = await openTicket(desk, 'high');
    desk.clock.set('2026-01-13T09:59:00Z');
    await remind();
    expect(await reminderRows(t.id)).toEqual([]);
    desk.clock.set('2026-01-13T10:00:30Z');
    await remind();
    await remind();
    expect(await reminderRows(t.id)).toEqual([
      { dedupeKey: `sla:${t.id}:first_response_reminder:${Date.parse('2026-01-13T11:00:00Z')}` },
    ]);
    expect(await noticesOf(t.id, 'reminder')).toEqual([
      {
        userId: desk.agent.id,
        title: `${t.key}: first response due in 60 min`,
        body: expect.stringContaining('11:00'),
      },
    ]);
    expect(await reminderRows(unassigned.id)).toEqual([]);
    desk.clock.set('2026-01-13T16:01:00Z');
    await remind();
    expect((await reminderRows(t.id)).map((r) => r.dedupeKey)).toEqual([
      `sla:${t.id}:first_response_reminder:${Date.parse('2026-01-13T11:00:00Z')}`,
      `sla:${t.id}:resolution_reminder:${Date.parse('2026-01-13T17:00:00Z')}`,
    ]);
  });

  it('honours SLA_REMINDER_BEFORE and reminds again when a pause moves the due time', async () => {
    desk.clock.set('2026-01-14T09:00:00Z');
    const t = await openTicket(desk, 'urgent', { assignee: desk.agent }); // first response due 09:30
    const ctx = jobContext(desk, { SLA_REMINDER_BEFORE: '10 minutes' });
    desk.clock.set('2026-01-14T09:15:00Z');
    await slaDueReminders.handler({}, ctx);
    expect(await reminderRows(t.id)).toEqual([]);
    desk.clock.set('2026-01-14T09:21:00Z');
    await slaDueReminders.handler({}, ctx);
    expect(await reminderRows(t.id)).toHaveLength(1);
    await patchTicket(desk, t.key, { status: 'on_hold' });
    desk.clock.set('2026-01-14T10:00:00Z');
    await patchTicket(desk, t.key, { status: 'open' }); // 9 min left: due 10:09
    await slaDueReminders.handler({}, ctx);
    expect((await reminderRows(t.id)).map((r) => r.dedupeKey)).toEqual([
      `sla:${t.id}:first_response_reminder:${Date.parse('2026-01-14T09:30:00Z')}`,
      `sla:${t.id}:first_response_reminder:${Date.parse('2026-01-14T10:09:00Z')}`,
    ]);
  });
});

describe('weekly digest', () => {
  it('finds the last digest time on the local clock', () => {
    const schedule = { weekday: 'mon' as const, hour: 8, timeZone: 'Europe/London' };
    expect(lastDigestTime(new Date('2026-02-09T08:30:00Z'), schedule).toISOString()).toBe('2026-02-09T08:00:00.000Z');
    expect(lastDigestTime(new Date('2026-02-09T07:59:00Z'), schedule).toISOString()).toBe('2026-02-02T08:00:00.000Z');
    // London in summer time: 08:00 BST is 07:00Z.
    expect(lastDigestTime(new Date('2026-06-15T07:30:00Z'), schedule).toISOString()).toBe('2026-06-15T07:00:00.000Z');
    const ny = { weekday: 'fri' as const, hour: 17, timeZone: 'America/New_York' };
    expect(lastDigestTime(new Date('2026-11-07T00:00:00Z'), ny).toISOString()).toBe('2026-11-06T22:00:00.000Z');
  });

  it('sends each agent their week and each admin the desk’s, once, through the outbox', async () => {
    const sweep = () => slaSweep.handler({}, jobContext(desk));
    const reply = (key: string) =>
      call(desk.app, 'POST', `/tickets/${key}/replies`, { cookie: as(desk, desk.agent), body: { body: 'On it' } });
    desk.clock.set('2026-02-03T09:00:00Z'); // Tuesday of the week 2 Feb 08:00 – 9 Feb 08:00
    const a = await openTicket(desk, 'high', { assignee: desk.agent });
    const b = await openTicket(desk, 'medium', { assignee: desk.agent });
    const c = await openTicket(desk, 'low', { assignee: desk.agent2 });
    desk.clock.set('2026-02-03T09:30:00Z');
    await reply(b.key);
    await reply(c.key);
    desk.clock.set('2026-02-03T11:01:00Z');
    await sweep(); // a misses its first response
    expect((await getTicket(desk, a.key)).sla.firstResponseBreached).toBe(true);
    desk.clock.set('2026-02-04T10:00:00Z');
    await patchTicket(desk, b.key, { status: 'resolved' });
    await desk.database.db
      .insert(ticketCsat)
      .values({ ticketId: b.id, userId: desk.requester.id, rating: 4, createdAt: new Date('2026-02-04T12:00:00Z') });
    desk.clock.set('2026-02-06T15:01:00Z');
    await sweep(); // c's resolution (40 h) is 75 % used: at risk

    desk.clock.set('2026-02-09T08:30:00Z');
    const digest = () => weeklyDigest.handler({}, jobContext(desk));
    await digest();
    desk.clock.set('2026-02-09T09:30:00Z');
    await digest();
    const rows = await desk.database.db
      .select({ key: outbox.dedupeKey, payload: outbox.payload })
      .from(outbox)
      .where(and(eq(outbox.kind, 'digest.weekly'), sql`${outbox.dedupeKey} LIKE '%:2026-02-09T08:00:00.000Z'`));
    expect(rows).toHaveLength(3); // two agents, one admin
    const of = (userId: string) => rows.find((r) => r.key === `digest:${userId}:2026-02-09T08:00:00.000Z`)?.payload;
    const week = { from: '2026-02-02T08:00:00.000Z', to: '2026-02-09T08:00:00.000Z' };
    expect(of(desk.agent.id)).toEqual({
      userId: desk.agent.id,
      scope: 'agent',
      ...week,
      opened: 2,
      resolved: 1,
      breached: 1,
      atRisk: 0,
      csat: { count: 1, average: 4 },
    });
    expect(of(desk.agent2.id)).toMatchObject({
      opened: 1,
      resolved: 0,
      breached: 0,
      atRisk: 1,
      csat: { count: 0, average: null },
    });
    expect(of(desk.admin.id)).toMatchObject({ scope: 'desk', opened: 3, resolved: 1, breached: 1, atRisk: 1 });
  });
});
