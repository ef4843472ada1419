import { describe, expect, it } from 'vitest';
import { DEFAULT_CALENDAR } from './calendar.js';
import { advanceSla, dueActions, noSlaClock, presentSla, type AppliedPolicy, type TicketFacts } from './clock.js';

const HOUR = 3_600_000;
const policy: AppliedPolicy = {
  id: 'p',
  version: 1,
  calendarId: 'c',
  calendar: DEFAULT_CALENDAR,
  firstResponseMs: 2 * HOUR,
  resolutionMs: 8 * HOUR,
  warningPercent: 75,
};
const empty = noSlaClock;
const open: TicketFacts = { status: 'open', firstRespondedAt: null };
const d = (iso: string) => new Date(iso);

describe('the clock model', () => {
  it('gives the same due time however often a running clock is re-synced (segments add up)', () => {
    const start = advanceSla(empty, open, d('2026-01-08T15:20:00Z'), null, policy); // Thursday
    let row = start;
    for (const at of ['2026-01-08T16:59:59Z', '2026-01-09T02:00:00Z', '2026-01-09T09:00:00Z', '2026-01-09T11:17:00Z']) {
      row = advanceSla(row, open, d(at), DEFAULT_CALENDAR, policy);
    }
    expect(row.resolutionDueAt).toEqual(start.resolutionDueAt);
    expect(row.firstResponseDueAt).toEqual(start.firstResponseDueAt);
    expect(row.resolutionConsumedMs).toBe(1 * HOUR + 40 * 60_000 + 2 * HOUR + 17 * 60_000);
  });

  it('sets the warning at 75 % of the target and the next action to it', () => {
    const row = advanceSla(empty, open, d('2026-01-05T09:00:00Z'), null, policy);
    expect(row.firstResponseWarnAt).toEqual(d('2026-01-05T10:30:00Z'));
    expect(row.slaNextActionAt).toEqual(d('2026-01-05T10:30:00Z'));
    expect(dueActions(row, d('2026-01-05T10:30:00Z'))).toEqual([]);
    expect(dueActions(row, d('2026-01-05T10:31:00Z')).map((a) => a.kind)).toEqual(['first_response_warning']);
    expect(dueActions(row, d('2026-01-05T11:01:00Z')).map((a) => a.kind)).toEqual(['first_response_breach']);
  });

  it('records a breach found when a clock stops late, and none when it stops in time', () => {
    const row = advanceSla(empty, open, d('2026-01-05T09:00:00Z'), null, policy);
    const answered = (at: string) =>
      advanceSla(row, { status: 'open', firstRespondedAt: d(at) }, d(at), DEFAULT_CALENDAR, policy);
    expect(answered('2026-01-05T11:00:00Z').firstResponseBreachedAt).toBeNull();
    expect(answered('2026-01-05T11:00:01Z').firstResponseBreachedAt).toEqual(d('2026-01-05T11:00:00Z'));
    const late = answered('2026-01-05T12:00:00Z');
    expect(presentSla({ ...late, escalationLevel: 0 }, d('2026-01-05T12:30:00Z'))).toMatchObject({
      firstResponseBreached: true,
      resolutionBreached: false,
    });
  });

  it('pauses without a due time and resumes with the rest of the target', () => {
    const row = advanceSla(empty, open, d('2026-01-05T09:00:00Z'), null, policy);
    const paused = advanceSla(
      row,
      { status: 'pending', firstRespondedAt: null },
      d('2026-01-05T10:00:00Z'),
      DEFAULT_CALENDAR,
      policy,
    );
    expect(paused).toMatchObject({
      slaPausedAt: d('2026-01-05T10:00:00Z'),
      resolutionDueAt: null,
      slaNextActionAt: null,
    });
    expect(paused.pendingSince).toEqual(d('2026-01-05T10:00:00Z'));
    const resumed = advanceSla(paused, open, d('2026-01-07T16:00:00Z'), DEFAULT_CALENDAR, policy);
    expect(resumed).toMatchObject({ slaPausedAt: null, pendingSince: null, resolutionConsumedMs: HOUR });
    expect(resumed.resolutionDueAt).toEqual(d('2026-01-08T15:00:00Z')); // 1 h on Wednesday, 6 h on Thursday
  });

  it('without a policy a ticket has no due times, but keeps the time it consumed', () => {
    const row = advanceSla(empty, open, d('2026-01-05T09:00:00Z'), null, policy);
    const none = advanceSla(row, open, d('2026-01-05T10:00:00Z'), DEFAULT_CALENDAR, null);
    expect(none).toMatchObject({
      slaPolicyId: null,
      resolutionDueAt: null,
      slaNextActionAt: null,
      resolutionConsumedMs: HOUR,
    });
  });
});
