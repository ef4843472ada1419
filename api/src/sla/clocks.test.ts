import { eq, sql } from 'drizzle-orm';
import { ZErrorBody, ZTicket, type TSlaCalendar, type TSlaPolicy } from '@deskmate/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../db/seed.js';
import { slaCalendars, slaPolicies, tickets } from '../db/schema.js';
import { ticketColumns } from '../tickets/presenter.js';
import { changedColumns } from './clock.js';
import { loadSlaSetup, slaSetupForNewJson, slaSetupFromJson, type SlaSetupJson } from './setup.js';
import { nextSlaState } from './sync.js';
import { silentLogger } from '../logger.js';
import { call } from '../test/auth.js';
import { createGroup } from '../test/factories.js';
import {
  ALWAYS_OPEN_ID,
  BUSINESS_HOURS_ID,
  HOUR,
  MINUTE,
  as,
  explain,
  getTicket,
  openTicket,
  patchTicket,
  startSlaDesk,
  type SlaDesk,
} from '../test/sla-desk.js';

let desk: SlaDesk;

beforeAll(async () => {
  desk = await startSlaDesk('2026-01-09T16:00:00Z'); // a Friday, 16:00 in London (GMT)
});
afterAll(async () => {
  await desk.stop();
});

const nineToFive = [{ start: '09:00', end: '17:00' }];
const weekdays = (timeZone: string, holidays: string[] = []) => ({
  timeZone,
  weekly: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive, sat: [], sun: [] },
  holidays,
});

async function getCalendars(): Promise<TSlaCalendar[]> {
  const res = await call<{ items: TSlaCalendar[] }>(desk.app, 'GET', '/sla/calendars', {
    cookie: as(desk, desk.admin),
  });
  expect(res.status).toBe(200);
  return res.body.items;
}

async function putCalendars(items: unknown[]) {
  return call<{ items: TSlaCalendar[] }>(desk.app, 'PUT', '/sla/calendars', {
    cookie: as(desk, desk.admin),
    body: { items },
  });
}

async function getPolicies(): Promise<TSlaPolicy[]> {
  const res = await call<{ items: TSlaPolicy[] }>(desk.app, 'GET', '/sla/policies', { cookie: as(desk, desk.admin) });
  expect(res.status).toBe(200);
  return res.body.items;
}

async function putPolicies(items: unknown[]) {
  return call<{ items: TSlaPolicy[] }>(desk.app, 'PUT', '/sla/policies', {
    cookie: as(desk, desk.admin),
    body: { items },
  });
}

const strip = (p: TSlaPolicy) => {
  const { version: _v, updatedAt: _u, ...rest } = p;
  return rest;
};

describe('defaults', () => {
  it('seeds a Mon–Fri 09:00–17:00 London calendar, a 24/7 one and a policy per priority', async () => {
    const calendars = await getCalendars();
    expect(calendars.map((c) => [c.name, c.timeZone])).toEqual([
      ['24/7', 'UTC'],
      ['Business hours', 'Europe/London'],
    ]);
    const policies = await getPolicies();
    expect(policies.map((p) => [p.priority, p.firstResponseMinutes, p.resolutionMinutes, p.calendarId])).toEqual([
      ['urgent', 30, 240, BUSINESS_HOURS_ID],
      ['high', 120, 480, BUSINESS_HOURS_ID],
      ['medium', 480, 1440, BUSINESS_HOURS_ID],
      ['low', 480, 2400, BUSINESS_HOURS_ID],
    ]);
    expect(policies.every((p) => p.warningPercent === 75 && p.escalation.raisePriority)).toBe(true);
  });

  it('a create reads the same setup in its first statement as a read of the tables gives', async () => {
    const db = desk.database.db;
    const [row] = (await db.execute<{ setup: SlaSetupJson }>(sql`SELECT ${slaSetupForNewJson} AS setup`)).rows;
    const read = await db
      .select({ policy: slaPolicies, calendar: slaCalendars })
      .from(slaPolicies)
      .leftJoin(slaCalendars, eq(slaCalendars.id, slaPolicies.calendarId))
      .where(eq(slaPolicies.active, true));
    const setup = slaSetupFromJson(row!.setup);
    const byId = <T extends { id: string }>(xs: T[]) => [...xs].sort((a, b) => a.id.localeCompare(b.id));
    expect(read).toHaveLength(4);
    expect(setup.policies[0]!.createdAt).toBeInstanceOf(Date);
    expect(byId(setup.policies)).toEqual(byId(read.map((r) => r.policy)));
    const calendars = new Map(read.flatMap((r) => (r.calendar ? [[r.calendar.id, r.calendar.name]] : [])));
    expect(new Map([...setup.calendars].map(([id, c]) => [id, c.name]))).toEqual(calendars);
  });
});

describe('due times count business time only', () => {
  it('a ticket opened Friday 16:00 with a 4 business-hour target is due Monday 12:00', async () => {
    desk.clock.set('2026-01-09T16:00:00Z');
    const t = await openTicket(desk, 'urgent');
    expect(ZTicket.parse(t).sla).toEqual({
      firstResponseDueAt: '2026-01-09T16:30:00.000Z',
      resolutionDueAt: '2026-01-12T12:00:00.000Z',
      // Warnings at 75 % of each target, in business time too.
      firstResponseWarnAt: '2026-01-09T16:22:30.000Z',
      resolutionWarnAt: '2026-01-12T11:00:00.000Z',
      firstResponseBreached: false,
      resolutionBreached: false,
      atRisk: false,
      paused: false,
      escalationLevel: 0,
    });
    const why = await explain(desk, t.key);
    expect(why.calendar).toMatchObject({ id: BUSINESS_HOURS_ID, timeZone: 'Europe/London' });
    expect(why.policy).toMatchObject({ name: 'Urgent', version: 1 });
    expect(why.resolution).toMatchObject({
      state: 'running',
      targetMs: 4 * HOUR,
      consumedMs: 0,
      remainingMs: 4 * HOUR,
    });
    expect(why.resolution.intervals).toEqual([
      { start: '2026-01-09T16:00:00.000Z', end: '2026-01-09T17:00:00.000Z' },
      { start: '2026-01-12T09:00:00.000Z', end: '2026-01-12T12:00:00.000Z' },
    ]);
  });

  it('a new ticket is inserted with its clocks: a sync at that moment would change nothing', async () => {
    desk.clock.set('2026-01-09T16:00:00Z');
    for (const priority of ['low', 'medium', 'high', 'urgent'] as const) {
      const t = await openTicket(desk, priority);
      const [row] = await desk.database.db.select(ticketColumns).from(tickets).where(eq(tickets.key, t.key));
      expect(row!.slaPolicyId).not.toBeNull();
      expect(row!.firstResponseRunningSince?.toISOString()).toBe('2026-01-09T16:00:00.000Z');
      const next = nextSlaState(row!, row!.createdAt, await loadSlaSetup(desk.database.db));
      expect(changedColumns(row!, next), priority).toEqual({});
    }
  });

  it('with Monday a holiday it is due Tuesday 12:00, and tickets already open move with the calendar', async () => {
    desk.clock.set('2026-01-09T16:00:00Z');
    const before = await openTicket(desk, 'urgent');
    const calendars = await getCalendars();
    const business = calendars.find((c) => c.id === BUSINESS_HOURS_ID)!;
    const res = await putCalendars(
      calendars
        .map((c) => (c.id === BUSINESS_HOURS_ID ? { ...business, holidays: ['2026-01-12'], updatedAt: undefined } : c))
        .map(({ updatedAt: _u, ...c }) => c),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const after = await openTicket(desk, 'urgent');
    expect(after.sla.resolutionDueAt).toBe('2026-01-13T12:00:00.000Z');
    expect((await getTicket(desk, before.key)).sla.resolutionDueAt).toBe('2026-01-13T12:00:00.000Z');
    // Put the calendar back for the other tests.
    expect((await putCalendars(calendars.map(({ updatedAt: _u, ...c }) => c))).status).toBe(200);
    expect((await getTicket(desk, before.key)).sla.resolutionDueAt).toBe('2026-01-12T12:00:00.000Z');
  });

  it('a 24/7 calendar counts every hour, weekends included', async () => {
    const policies = await getPolicies();
    const res = await putPolicies(
      policies.map((p) => ({ ...strip(p), calendarId: p.priority === 'low' ? ALWAYS_OPEN_ID : p.calendarId })),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    desk.clock.set('2026-01-09T16:00:00Z');
    const t = await openTicket(desk, 'low');
    expect(t.sla.firstResponseDueAt).toBe('2026-01-10T00:00:00.000Z');
    expect(t.sla.resolutionDueAt).toBe('2026-01-11T08:00:00.000Z'); // 40 h later, Sunday
    expect((await putPolicies(policies.map(strip))).status).toBe(200);
  });

  it.each([
    // Berlin springs forward on Sunday 29 March 2026: Friday 16:00 CET is 15:00Z, Monday 12:00 CEST is 10:00Z.
    ['Europe/Berlin', '2026-03-27T15:00:00Z', '2026-03-30T10:00:00.000Z'],
    // New York falls back on Sunday 1 November 2026: Friday 16:00 EDT is 20:00Z, Monday 12:00 EST is 17:00Z.
    ['America/New_York', '2026-10-30T20:00:00Z', '2026-11-02T17:00:00.000Z'],
  ])(
    'across the DST weekend in %s, Friday 16:00 + 4 business hours is Monday 12:00 local',
    async (zone, opened, due) => {
      const calendars = await getCalendars();
      const name = `Office ${zone}`;
      const put = await putCalendars([...calendars.map(({ updatedAt: _u, ...c }) => c), { name, ...weekdays(zone) }]);
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      const calendarId = put.body.items.find((c) => c.name === name)!.id;
      // A policy narrowed to one group: that group's urgent tickets run on the office's calendar.
      const group = await createGroup(desk.database.db, { name: `Team ${zone}`, members: [desk.agent.id] });
      const policies = await getPolicies();
      const urgent = policies.find((p) => p.priority === 'urgent' && !p.groupId && !p.category)!;
      const res = await putPolicies([
        ...policies.map(strip),
        { ...strip(urgent), id: undefined, name: `Urgent (${zone})`, groupId: group.id, calendarId },
      ]);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      desk.clock.set(opened);
      const t = await openTicket(desk, 'urgent', { groupId: group.id });
      expect(t.sla.resolutionDueAt).toBe(due);
      expect((await explain(desk, t.key)).calendar?.timeZone).toBe(zone);
      const elsewhere = await openTicket(desk, 'urgent');
      expect((await explain(desk, elsewhere.key)).calendar?.timeZone).toBe('Europe/London');
    },
  );
});

describe('clocks pause, resume, stop and recompute without losing time', () => {
  it('time spent pending is not counted; the ticket shows paused with no due time meanwhile', async () => {
    desk.clock.set('2026-02-02T09:00:00Z'); // Monday
    const t = await openTicket(desk, 'urgent');
    expect(t.sla.resolutionDueAt).toBe('2026-02-02T13:00:00.000Z');
    desk.clock.set('2026-02-02T10:00:00Z');
    const pending = await patchTicket(desk, t.key, { status: 'pending' });
    expect(pending.sla).toMatchObject({ paused: true, resolutionDueAt: null, firstResponseDueAt: null });
    desk.clock.set('2026-02-02T14:00:00Z'); // four hours waiting on the requester
    expect((await getTicket(desk, t.key)).sla.resolutionBreached).toBe(false);
    const resumed = await patchTicket(desk, t.key, { status: 'open' });
    // 1 h used before the pause, 3 h left from 14:00: 17:00.
    expect(resumed.sla).toMatchObject({ paused: false, resolutionDueAt: '2026-02-02T17:00:00.000Z' });
    const why = await explain(desk, t.key);
    expect(why.resolution.consumedMs).toBe(HOUR);
    expect(why.firstResponse.consumedMs).toBe(HOUR);
  });

  it('on hold pauses too, and a requester reply to a pending ticket resumes its clocks', async () => {
    desk.clock.set('2026-02-03T09:00:00Z');
    const t = await openTicket(desk, 'high'); // 2 h / 8 h
    desk.clock.set('2026-02-03T09:30:00Z');
    await patchTicket(desk, t.key, { status: 'on_hold' });
    desk.clock.set('2026-02-03T11:30:00Z');
    await patchTicket(desk, t.key, { status: 'pending' });
    desk.clock.set('2026-02-03T13:30:00Z');
    const reply = await call<{ ticket: typeof t }>(desk.app, 'POST', `/tickets/${t.key}/replies`, {
      cookie: as(desk, desk.requester),
      body: { body: 'Here is the screenshot.' },
    });
    expect(reply.status).toBe(201);
    expect(reply.body.ticket.status).toBe('open');
    // 30 min used; 1 h 30 of first response left from 13:30 → 15:00; 7 h 30 of resolution:
    // 3 h 30 on Tuesday, 4 h on Wednesday → 13:00.
    expect(reply.body.ticket.sla).toMatchObject({
      paused: false,
      firstResponseDueAt: '2026-02-03T15:00:00.000Z',
      resolutionDueAt: '2026-02-04T13:00:00.000Z',
    });
  });

  it('the first public reply by an agent stops the first-response clock; a note does not', async () => {
    desk.clock.set('2026-02-05T09:00:00Z');
    const t = await openTicket(desk, 'high');
    desk.clock.set('2026-02-05T09:20:00Z');
    await call(desk.app, 'POST', `/tickets/${t.key}/notes`, {
      cookie: as(desk, desk.agent),
      body: { body: 'Looking' },
    });
    expect((await explain(desk, t.key)).firstResponse.state).toBe('running');
    desk.clock.set('2026-02-05T09:45:00Z');
    await call(desk.app, 'POST', `/tickets/${t.key}/replies`, {
      cookie: as(desk, desk.agent),
      body: { body: 'On it' },
    });
    desk.clock.set('2026-02-05T16:00:00Z'); // long after the 11:00 first-response due time
    const after = await getTicket(desk, t.key);
    expect(after.sla).toMatchObject({ firstResponseDueAt: '2026-02-05T11:00:00.000Z', firstResponseBreached: false });
    const why = await explain(desk, t.key);
    expect(why.firstResponse).toMatchObject({ state: 'stopped', consumedMs: 45 * MINUTE });
    expect(why.resolution.state).toBe('running');
  });

  it('a priority change keeps the elapsed time, and changing it back gives the original due times', async () => {
    desk.clock.set('2026-02-09T09:00:00Z');
    const t = await openTicket(desk, 'medium'); // 8 h / 24 h
    expect(t.sla).toMatchObject({
      firstResponseDueAt: '2026-02-09T17:00:00.000Z',
      resolutionDueAt: '2026-02-11T17:00:00.000Z',
    });
    desk.clock.set('2026-02-09T10:00:00Z');
    const high = await patchTicket(desk, t.key, { priority: 'high' }); // 2 h / 8 h, 1 h used
    expect(high.sla).toMatchObject({
      firstResponseDueAt: '2026-02-09T11:00:00.000Z',
      resolutionDueAt: '2026-02-09T17:00:00.000Z',
      firstResponseBreached: false,
    });
    desk.clock.set('2026-02-09T10:30:00Z');
    const back = await patchTicket(desk, t.key, { priority: 'medium' });
    expect(back.sla).toMatchObject({
      firstResponseDueAt: '2026-02-09T17:00:00.000Z',
      resolutionDueAt: '2026-02-11T17:00:00.000Z',
    });
    expect((await explain(desk, t.key)).resolution.consumedMs).toBe(90 * MINUTE);
  });

  it('a category change moves the ticket to a policy narrowed to that category, keeping the time used', async () => {
    const policies = await getPolicies();
    const high = policies.find((p) => p.priority === 'high' && !p.groupId && !p.category)!;
    const res = await putPolicies([
      ...policies.map(strip),
      {
        ...strip(high),
        id: undefined,
        name: 'High security',
        category: 'security',
        firstResponseMinutes: 15,
        resolutionMinutes: 120,
      },
    ]);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    desk.clock.set('2026-02-11T09:00:00Z');
    const t = await openTicket(desk, 'high', { category: 'network' });
    expect(t.sla.firstResponseDueAt).toBe('2026-02-11T11:00:00.000Z');
    desk.clock.set('2026-02-11T09:05:00Z');
    const moved = await patchTicket(desk, t.key, { category: 'security' });
    expect(moved.sla).toMatchObject({
      firstResponseDueAt: '2026-02-11T09:15:00.000Z',
      resolutionDueAt: '2026-02-11T11:00:00.000Z',
    });
    expect((await explain(desk, t.key)).policy?.name).toBe('High security');
    expect((await putPolicies(policies.map(strip))).status).toBe(200);
  });

  it('raising the priority past a target already used up is a breach at once', async () => {
    desk.clock.set('2026-02-10T09:00:00Z');
    const t = await openTicket(desk, 'medium');
    desk.clock.set('2026-02-10T12:00:00Z'); // 3 h used; urgent allows 30 min to first response
    const urgent = await patchTicket(desk, t.key, { priority: 'urgent' });
    expect(urgent.sla).toMatchObject({ firstResponseBreached: true, resolutionBreached: false });
    expect(urgent.sla.resolutionDueAt).toBe('2026-02-10T13:00:00.000Z');
  });

  it('resolving stops the resolution clock; a reopen resumes it from the time used', async () => {
    desk.clock.set('2026-02-16T09:00:00Z');
    const t = await openTicket(desk, 'urgent');
    desk.clock.set('2026-02-16T10:00:00Z');
    const resolved = await patchTicket(desk, t.key, { status: 'resolved' });
    expect(resolved.sla).toMatchObject({ paused: false, resolutionDueAt: '2026-02-16T13:00:00.000Z' });
    desk.clock.set('2026-02-16T15:00:00Z'); // past the old due time, but resolved in time
    expect((await getTicket(desk, t.key)).sla.resolutionBreached).toBe(false);
    const reopened = await call<{ ticket: typeof t }>(desk.app, 'POST', `/tickets/${t.key}/reopen`, {
      cookie: as(desk, desk.agent),
    });
    expect(reopened.status, JSON.stringify(reopened.body)).toBe(200);
    // 1 h used; 3 h left from Monday 15:00: 2 h on Monday, 1 h on Tuesday.
    expect(reopened.body.ticket.sla.resolutionDueAt).toBe('2026-02-17T10:00:00.000Z');
    expect((await explain(desk, t.key)).resolution.consumedMs).toBe(HOUR);
  });

  it('a policy change recomputes open tickets from the business time already consumed', async () => {
    desk.clock.set('2026-02-23T09:00:00Z');
    const t = await openTicket(desk, 'medium');
    desk.clock.set('2026-02-23T10:00:00Z');
    await patchTicket(desk, t.key, { status: 'pending' }); // 1 h used, then paused
    desk.clock.set('2026-02-23T11:00:00Z');
    await patchTicket(desk, t.key, { status: 'open' });
    desk.clock.set('2026-02-23T12:00:00Z'); // 2 h used in all
    const policies = await getPolicies();
    const res = await putPolicies(
      policies.map((p) => (p.priority === 'medium' && !p.groupId ? { ...strip(p), resolutionMinutes: 600 } : strip(p))),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const medium = res.body.items.find((p) => p.priority === 'medium' && !p.groupId)!;
    expect(medium.version).toBe(2);
    // 10 h target, 2 h used: 5 h on Monday from 12:00, 3 h on Tuesday.
    expect((await getTicket(desk, t.key)).sla.resolutionDueAt).toBe('2026-02-24T12:00:00.000Z');
    const why = await explain(desk, t.key);
    expect(why.policy).toMatchObject({ id: medium.id, version: 2 });
    expect(why.resolution).toMatchObject({ consumedMs: 2 * HOUR, targetMs: 10 * HOUR });
    expect((await putPolicies(policies.map(strip))).status).toBe(200);
  });

  it('breach shows against the running clock at the clock’s now, before any sweep', async () => {
    desk.clock.set('2026-03-02T09:00:00Z');
    const t = await openTicket(desk, 'urgent');
    desk.clock.set('2026-03-02T09:30:00Z');
    expect((await getTicket(desk, t.key)).sla.firstResponseBreached).toBe(false);
    desk.clock.set('2026-03-02T09:31:00Z');
    expect((await getTicket(desk, t.key)).sla.firstResponseBreached).toBe(true);
  });

  it('a closed ticket keeps its record; its clocks stay stopped', async () => {
    desk.clock.set('2026-03-03T09:00:00Z');
    const t = await openTicket(desk, 'urgent');
    desk.clock.set('2026-03-03T10:00:00Z');
    await patchTicket(desk, t.key, { status: 'closed' });
    const [row] = await desk.database.db.select().from(tickets).where(eq(tickets.id, t.id));
    expect(row).toMatchObject({
      resolutionRunningSince: null,
      firstResponseRunningSince: null,
      slaNextActionAt: null,
      resolutionConsumedMs: HOUR,
    });
  });
});

describe('admin API', () => {
  it('refuses a bad time zone and overlapping intervals with 400, saying where', async () => {
    const calendars = (await getCalendars()).map(({ updatedAt: _u, ...c }) => c);
    const badZone = await putCalendars([...calendars, { name: 'Mars', ...weekdays('Mars/Olympus_Mons') }]);
    expect(badZone.status).toBe(400);
    expect(ZErrorBody.parse(badZone.body).error.message).toMatch(/timeZone: must be an IANA time zone/);
    const overlap = weekdays('Europe/London');
    overlap.weekly.mon = [
      { start: '09:00', end: '13:00' },
      { start: '12:00', end: '17:00' },
    ];
    const overlapping = await putCalendars([...calendars, { name: 'Overlap', ...overlap }]);
    expect(overlapping.status).toBe(400);
    expect(JSON.stringify(overlapping.body)).toContain('09:00-13:00 overlaps 12:00-17:00');
    expect((await getCalendars()).map((c) => c.name)).not.toContain('Overlap');
  });

  it('refuses policies without a fallback per priority, duplicates, and unknown calendars', async () => {
    const policies = (await getPolicies()).map(strip);
    const noLow = await putPolicies(policies.filter((p) => p.priority !== 'low'));
    expect(noLow.status).toBe(400);
    expect(JSON.stringify(noLow.body)).toContain('needs a policy for low priority');
    const dup = await putPolicies([...policies, { ...policies[0]!, id: undefined }]);
    expect(dup.status).toBe(400);
    const unknownCalendar = await putPolicies(
      policies.map((p, i) => (i === 0 ? { ...p, calendarId: '00000000-0000-4000-8000-000000000000' } : p)),
    );
    expect(unknownCalendar.status).toBe(400);
    expect((await getPolicies()).map(strip)).toEqual(policies);
  });

  it('will not delete a calendar a policy uses (409), and records each change in the audit', async () => {
    const calendars = (await getCalendars()).map(({ updatedAt: _u, ...c }) => c);
    const res = await putCalendars(calendars.filter((c) => c.id !== BUSINESS_HOURS_ID));
    expect(res.status).toBe(409);
    expect(ZErrorBody.parse(res.body).error.message).toContain('Business hours');
    const audit = await call<{ items: { action: string }[] }>(desk.app, 'GET', '/audit?entity=sla', {
      cookie: as(desk, desk.admin),
    });
    expect(audit.body.items.map((a) => a.action)).toContain('sla.policies_updated');
  });

  it('lets agents read a ticket’s SLA explanation but not the configuration', async () => {
    desk.clock.set('2026-03-04T09:00:00Z');
    const t = await openTicket(desk, 'high');
    expect((await call(desk.app, 'GET', `/tickets/${t.key}/sla`, { cookie: as(desk, desk.agent) })).status).toBe(200);
    expect((await call(desk.app, 'GET', '/sla/policies', { cookie: as(desk, desk.agent) })).status).toBe(403);
    expect((await call(desk.app, 'GET', `/tickets/${t.key}/sla`, { cookie: as(desk, desk.requester) })).status).toBe(
      403,
    );
  });
});

describe('the demo desk', () => {
  it('gets due times from its tickets’ history: running, paused and stopped clocks', async () => {
    const now = new Date('2026-03-11T12:00:00Z'); // a Wednesday
    expect(await seedDemoData(desk.database.db, { keyPrefix: 'IT', logger: silentLogger(), now })).toBe(true);
    const rows = await desk.database.db
      .select()
      .from(tickets)
      .where(
        sql`${tickets.title} IN ('Cannot access the Finance shared drive', 'Request: Figma licence for the marketing intern', 'Wi-Fi in meeting room Oak keeps asking for the password')`,
      );
    const byTitle = (start: string) => rows.find((r) => r.title.startsWith(start))!;
    // Open for 8 hours, unanswered, medium: 8 business hours to respond from 04:00 → due 17:00 the same day.
    expect(byTitle('Cannot access')).toMatchObject({
      slaPolicyId: expect.any(String),
      firstResponseDueAt: new Date('2026-03-11T17:00:00Z'),
      slaPausedAt: null,
    });
    expect(byTitle('Cannot access').resolutionRunningSince).not.toBeNull();
    expect(byTitle('Request: Figma')).toMatchObject({ resolutionDueAt: null, resolutionRunningSince: null });
    expect(byTitle('Request: Figma').slaPausedAt).not.toBeNull();
    expect(byTitle('Wi-Fi in meeting room')).toMatchObject({ resolutionRunningSince: null, slaNextActionAt: null });
  });
});
