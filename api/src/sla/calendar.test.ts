import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import {
  ALWAYS_OPEN,
  BusinessCalendarError,
  DEFAULT_CALENDAR,
  type TBusinessCalendar,
  type TWeekday,
  ZBusinessCalendar,
  addBusinessTime,
  businessTimeBetween,
  explainDue,
  isBusinessTime,
  nextBusinessInstant,
  weekdays,
} from './calendar.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;

type Hours = Array<{ start: string; end: string }>;

/** A calendar open `hours` on `days` (Mon-Fri unless told), closed on the other days. */
function calendar(
  timeZone: string,
  hours: Hours,
  { days = ['mon', 'tue', 'wed', 'thu', 'fri'], holidays = [] }: { days?: TWeekday[]; holidays?: string[] } = {},
): TBusinessCalendar {
  const weekly = Object.fromEntries(weekdays.map((d) => [d, days.includes(d) ? hours : []]));
  return ZBusinessCalendar.parse({ timeZone, weekly, holidays });
}

const nineToFive = [{ start: '09:00', end: '17:00' }];
const withLunch = [
  { start: '09:00', end: '12:30' },
  { start: '13:30', end: '17:00' },
];
const allWeek = [...weekdays];
const due = (cal: TBusinessCalendar, start: string, ms: number) =>
  addBusinessTime(cal, new Date(start), ms).toISOString();
const between = (cal: TBusinessCalendar, from: string, to: string) =>
  businessTimeBetween(cal, new Date(from), new Date(to));
const spans = (intervals: Array<{ start: Date; end: Date }>) =>
  intervals.map((i) => `${i.start.toISOString()}/${i.end.toISOString()}`);

describe('a ticket opened on Friday at 16:00 with a 4 business-hour target', () => {
  it('in London is due on Monday at 12:00, or on Tuesday at 12:00 when Monday is a bank holiday', () => {
    const london = calendar('Europe/London', nineToFive);
    const mayDay = calendar('Europe/London', nineToFive, { holidays: ['2026-05-04'] });
    // Friday 1 May 2026 16:00 BST; Monday 4 May is the Early May bank holiday.
    expect(due(london, '2026-05-01T15:00:00Z', 4 * HOUR)).toBe('2026-05-04T11:00:00.000Z');
    expect(due(mayDay, '2026-05-01T15:00:00Z', 4 * HOUR)).toBe('2026-05-05T11:00:00.000Z');
    expect(due(DEFAULT_CALENDAR, '2026-05-01T15:00:00Z', 4 * HOUR)).toBe('2026-05-04T11:00:00.000Z');
  });

  it('in New York is due on Monday at 12:00, or on Tuesday at 12:00 when Monday is Labor Day', () => {
    const newYork = calendar('America/New_York', nineToFive);
    const laborDay = calendar('America/New_York', nineToFive, { holidays: ['2026-09-07'] });
    // Friday 4 September 2026 16:00 EDT.
    expect(due(newYork, '2026-09-04T20:00:00Z', 4 * HOUR)).toBe('2026-09-07T16:00:00.000Z');
    expect(due(laborDay, '2026-09-04T20:00:00Z', 4 * HOUR)).toBe('2026-09-08T16:00:00.000Z');
  });

  it('is explained by the hour left on Friday and three hours on Monday', () => {
    const explanation = explainDue(DEFAULT_CALENDAR, new Date('2026-05-01T15:00:00Z'), 4 * HOUR);
    expect(explanation.due.toISOString()).toBe('2026-05-04T11:00:00.000Z');
    expect(spans(explanation.intervals)).toEqual([
      '2026-05-01T15:00:00.000Z/2026-05-01T16:00:00.000Z',
      '2026-05-04T08:00:00.000Z/2026-05-04T11:00:00.000Z',
    ]);
  });
});

describe('where the clock starts (London in January, so local time is UTC)', () => {
  const lunch = calendar('Europe/London', withLunch, { holidays: ['2026-01-14'] });

  it('before opening, counting begins at 09:00', () => {
    expect(due(lunch, '2026-01-12T07:30:00Z', 2 * HOUR)).toBe('2026-01-12T11:00:00.000Z');
    expect(isBusinessTime(lunch, new Date('2026-01-12T08:59:59.999Z'))).toBe(false);
    expect(isBusinessTime(lunch, new Date('2026-01-12T09:00:00Z'))).toBe(true);
    expect(nextBusinessInstant(lunch, new Date('2026-01-12T07:30:00Z')).toISOString()).toBe('2026-01-12T09:00:00.000Z');
  });

  it('in the lunch break between two intervals, counting begins when the afternoon opens', () => {
    expect(due(lunch, '2026-01-12T12:45:00Z', HOUR)).toBe('2026-01-12T14:30:00.000Z');
    expect(isBusinessTime(lunch, new Date('2026-01-12T12:45:00Z'))).toBe(false);
  });

  it('across the lunch break, the break does not count', () => {
    const explanation = explainDue(lunch, new Date('2026-01-12T12:00:00Z'), HOUR);
    expect(explanation.due.toISOString()).toBe('2026-01-12T14:00:00.000Z');
    expect(spans(explanation.intervals)).toEqual([
      '2026-01-12T12:00:00.000Z/2026-01-12T12:30:00.000Z',
      '2026-01-12T13:30:00.000Z/2026-01-12T14:00:00.000Z',
    ]);
    expect(between(lunch, '2026-01-12T00:00:00Z', '2026-01-13T00:00:00Z')).toBe(7 * HOUR);
  });

  it('exactly at closing, the day is over; a target that ends at closing is due at closing', () => {
    expect(isBusinessTime(lunch, new Date('2026-01-12T17:00:00Z'))).toBe(false);
    expect(due(lunch, '2026-01-12T17:00:00Z', HOUR)).toBe('2026-01-13T10:00:00.000Z');
    expect(due(lunch, '2026-01-12T16:00:00Z', HOUR)).toBe('2026-01-12T17:00:00.000Z');
    expect(due(lunch, '2026-01-12T17:00:00Z', 0)).toBe('2026-01-13T09:00:00.000Z');
  });

  it('on a weekend, counting begins on Monday morning', () => {
    expect(due(lunch, '2026-01-10T10:00:00Z', HOUR)).toBe('2026-01-12T10:00:00.000Z');
    expect(between(lunch, '2026-01-09T17:00:00Z', '2026-01-12T09:00:00Z')).toBe(0);
    expect(isBusinessTime(lunch, new Date('2026-01-10T10:00:00Z'))).toBe(false);
  });

  it('on a holiday, counting begins the next working morning, and the holiday counts for nothing', () => {
    expect(due(lunch, '2026-01-14T10:00:00Z', HOUR)).toBe('2026-01-15T10:00:00.000Z');
    expect(due(lunch, '2026-01-13T16:00:00Z', 2 * HOUR)).toBe('2026-01-15T10:00:00.000Z');
    expect(between(lunch, '2026-01-12T00:00:00Z', '2026-01-19T00:00:00Z')).toBe(4 * 7 * HOUR);
    expect(isBusinessTime(lunch, new Date('2026-01-14T10:00:00Z'))).toBe(false);
  });

  it('a zero duration is the next business instant, which is the start itself during hours', () => {
    expect(due(lunch, '2026-01-12T10:15:00Z', 0)).toBe('2026-01-12T10:15:00.000Z');
    expect(explainDue(lunch, new Date('2026-01-10T10:00:00Z'), 0)).toEqual({
      due: new Date('2026-01-12T09:00:00Z'),
      intervals: [],
    });
    expect(between(lunch, '2026-01-12T11:00:00Z', '2026-01-12T11:00:00Z')).toBe(0);
    expect(between(lunch, '2026-01-12T12:00:00Z', '2026-01-12T11:00:00Z')).toBe(0);
  });

  it('an always-open calendar counts elapsed time and explains it as one interval', () => {
    const explanation = explainDue(ALWAYS_OPEN, new Date('2026-01-10T10:00:00Z'), 50 * HOUR);
    expect(explanation.due.toISOString()).toBe('2026-01-12T12:00:00.000Z');
    expect(spans(explanation.intervals)).toEqual(['2026-01-10T10:00:00.000Z/2026-01-12T12:00:00.000Z']);
  });
});

describe('daylight saving: wall-clock hours are what count', () => {
  it.each([
    // zone, Friday 16:00 local before the change, Monday 12:00 local after it
    ['Europe/Berlin', 'spring forward 2026-03-29', '2026-03-27T15:00:00Z', '2026-03-30T10:00:00.000Z'],
    ['Europe/Berlin', 'fall back 2026-10-25', '2026-10-23T14:00:00Z', '2026-10-26T11:00:00.000Z'],
    ['America/New_York', 'spring forward 2026-03-08', '2026-03-06T21:00:00Z', '2026-03-09T16:00:00.000Z'],
    ['America/New_York', 'fall back 2026-11-01', '2026-10-30T20:00:00Z', '2026-11-02T17:00:00.000Z'],
    ['Europe/London', 'spring forward 2026-03-29', '2026-03-27T16:00:00Z', '2026-03-30T11:00:00.000Z'],
    ['Europe/London', 'fall back 2026-10-25', '2026-10-23T15:00:00Z', '2026-10-26T12:00:00.000Z'],
  ])('%s, %s: Friday 16:00 + 4 business hours is Monday 12:00 local', (zone, _change, friday, monday) => {
    const cal = calendar(zone, nineToFive);
    expect(due(cal, friday, 4 * HOUR)).toBe(monday);
    expect(between(cal, friday, monday)).toBe(4 * HOUR);
  });

  it.each([
    ['Europe/Berlin', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z', '2026-03-30T22:00:00Z'],
    ['Europe/Berlin', '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z', '2026-10-26T23:00:00Z'],
    ['America/New_York', '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z', '2026-03-10T04:00:00Z'],
    ['America/New_York', '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z', '2026-11-03T05:00:00Z'],
  ])('%s: 09:00-17:00 is 8 hours on the Sunday of the change and on the Monday after', (zone, sun, mon, tue) => {
    const cal = calendar(zone, nineToFive, { days: allWeek });
    expect(between(cal, sun, mon)).toBe(8 * HOUR);
    expect(between(cal, mon, tue)).toBe(8 * HOUR);
  });

  it('a 24/7 calendar in Berlin counts real time: the spring-forward day is 23 hours, the fall-back day 25', () => {
    const berlin = { ...ALWAYS_OPEN, timeZone: 'Europe/Berlin' };
    expect(between(berlin, '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z')).toBe(23 * HOUR);
    expect(between(berlin, '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z')).toBe(25 * HOUR);
    // Saturday 12:00 CET + 24 h = Sunday 13:00 CEST: 24 real hours, not "same time tomorrow".
    expect(due(berlin, '2026-03-28T11:00:00Z', 24 * HOUR)).toBe('2026-03-29T11:00:00.000Z');
    expect(due(berlin, '2026-10-24T10:00:00Z', 24 * HOUR)).toBe('2026-10-25T10:00:00.000Z');
    expect(
      between({ ...ALWAYS_OPEN, timeZone: 'America/New_York' }, '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z'),
    ).toBe(23 * HOUR);
  });

  describe('a night interval 00:00-04:00 over the change', () => {
    const nights = (zone: string) => calendar(zone, [{ start: '00:00', end: '04:00' }], { days: allWeek });

    it('Berlin spring forward: 02:00-03:00 does not exist, so the night is 3 real hours', () => {
      const berlin = nights('Europe/Berlin');
      expect(between(berlin, '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z')).toBe(3 * HOUR);
      // 00:00 CET + 2 h 30 = 03:30 CEST
      expect(due(berlin, '2026-03-28T23:00:00Z', 2.5 * HOUR)).toBe('2026-03-29T01:30:00.000Z');
      // 3 h ends exactly at 04:00 CEST, the closing
      expect(due(berlin, '2026-03-28T23:00:00Z', 3 * HOUR)).toBe('2026-03-29T02:00:00.000Z');
      expect(spans(explainDue(berlin, new Date('2026-03-28T23:00:00Z'), 3 * HOUR).intervals)).toEqual([
        '2026-03-28T23:00:00.000Z/2026-03-29T02:00:00.000Z',
      ]);
    });

    it('Berlin fall back: 02:00-03:00 happens twice, so the night is 5 real hours', () => {
      const berlin = nights('Europe/Berlin');
      expect(between(berlin, '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z')).toBe(5 * HOUR);
      // 00:00 CEST + 4 h 30 = 03:30 CET
      expect(due(berlin, '2026-10-24T22:00:00Z', 4.5 * HOUR)).toBe('2026-10-25T02:30:00.000Z');
      // 02:30 CET, the second 02:30 of the night, is open too
      expect(isBusinessTime(berlin, new Date('2026-10-25T01:30:00Z'))).toBe(true);
      expect(isBusinessTime(berlin, new Date('2026-10-25T03:00:00Z'))).toBe(false);
    });

    it('New York: 3 real hours on 2026-03-08 and 5 on 2026-11-01', () => {
      const newYork = nights('America/New_York');
      expect(between(newYork, '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z')).toBe(3 * HOUR);
      expect(between(newYork, '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z')).toBe(5 * HOUR);
      expect(due(newYork, '2026-03-08T05:00:00Z', 3 * HOUR)).toBe('2026-03-08T08:00:00.000Z');
      expect(due(newYork, '2026-11-01T04:00:00Z', 5 * HOUR)).toBe('2026-11-01T09:00:00.000Z');
    });
  });

  it('an interval that starts at a wall time that does not exist (02:30 in Berlin) opens when the clocks jump', () => {
    const berlin = calendar('Europe/Berlin', [{ start: '02:30', end: '05:00' }], { days: allWeek });
    expect(nextBusinessInstant(berlin, new Date('2026-03-28T23:00:00Z')).toISOString()).toBe(
      '2026-03-29T01:00:00.000Z',
    );
    expect(between(berlin, '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z')).toBe(2 * HOUR);
    const endsInGap = calendar('Europe/Berlin', [{ start: '01:00', end: '02:30' }], { days: allWeek });
    expect(between(endsInGap, '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z')).toBe(HOUR);
    // 01:00 CET until the jump is the whole hour; the next minute is at 01:00 CEST on Monday.
    expect(due(endsInGap, '2026-03-29T00:00:00Z', HOUR + MINUTE)).toBe('2026-03-29T23:01:00.000Z');
  });

  it('an interval that starts at a wall time that happens twice (01:30 in New York) is open both times', () => {
    const newYork = calendar('America/New_York', [{ start: '01:30', end: '04:00' }], { days: allWeek });
    // 01:30 EDT = 05:30Z; clocks go back at 06:00Z to 01:00 EST; 01:30 EST = 06:30Z; 04:00 EST = 09:00Z.
    expect(between(newYork, '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z')).toBe(3 * HOUR);
    expect(isBusinessTime(newYork, new Date('2026-11-01T05:45:00Z'))).toBe(true);
    expect(isBusinessTime(newYork, new Date('2026-11-01T06:15:00Z'))).toBe(false);
    expect(isBusinessTime(newYork, new Date('2026-11-01T06:45:00Z'))).toBe(true);
    const explanation = explainDue(newYork, new Date('2026-11-01T04:00:00Z'), HOUR);
    expect(explanation.due.toISOString()).toBe('2026-11-01T07:00:00.000Z');
    expect(spans(explanation.intervals)).toEqual([
      '2026-11-01T05:30:00.000Z/2026-11-01T06:00:00.000Z',
      '2026-11-01T06:30:00.000Z/2026-11-01T07:00:00.000Z',
    ]);
  });
});

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const propertyZones = [
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/Santiago', // changes at midnight: a local day starts twice
  'Australia/Sydney',
  'Australia/Lord_Howe', // 30-minute change
  'Pacific/Chatham', // +12:45 / +13:45
  'Asia/Kolkata', // no change, half-hour offset
];
const nightShift = [
  { start: '00:00', end: '02:15' },
  { start: '02:45', end: '04:00' },
  { start: '23:00', end: '24:00' },
];
function calendarsIn(zone: string): Array<[string, TBusinessCalendar]> {
  return [
    ['office', calendar(zone, nineToFive, { holidays: ['2026-04-03', '2026-04-06', '2026-12-25', '2026-12-28'] })],
    ['lunch', calendar(zone, withLunch, { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'] })],
    ['night', calendar(zone, nightShift, { days: allWeek, holidays: ['2026-04-05'] })],
    ['24/7', { ...ALWAYS_OPEN, timeZone: zone }],
  ];
}

describe('businessTimeBetween and addBusinessTime agree (seeded random starts and durations over 2026)', () => {
  const year = Date.UTC(2026, 0, 1);
  for (const zone of propertyZones) {
    it(`in ${zone}`, () => {
      const random = seeded(zone.length * 7919);
      for (const [name, cal] of calendarsIn(zone)) {
        for (let i = 0; i < 250; i++) {
          const start = new Date(year + Math.floor(random() * 365 * 24 * HOUR));
          const duration = Math.floor(random() * (random() < 0.5 ? 3 * HOUR : 60 * HOUR));
          const end = addBusinessTime(cal, start, duration);
          const context = `${name} ${start.toISOString()} + ${duration} ms = ${end.toISOString()}`;
          expect(businessTimeBetween(cal, start, end), context).toBe(duration);
          expect(end.getTime(), context).toBeGreaterThanOrEqual(start.getTime());
          if (duration > 0) expect(isBusinessTime(cal, new Date(end.getTime() - 1)), context).toBe(true);
          expect(nextBusinessInstant(cal, start).getTime(), context).toBeLessThanOrEqual(end.getTime());
          const explanation = explainDue(cal, start, duration);
          const explained = explanation.intervals.reduce((sum, s) => sum + s.end.getTime() - s.start.getTime(), 0);
          expect(explanation.due.toISOString(), context).toBe(end.toISOString());
          expect(explained, context).toBe(duration);
          // The other way round: adding back what was measured up to an instant reaches the last
          // business moment before it (or, when nothing was measured, the next opening).
          const later = new Date(start.getTime() + Math.floor(random() * 10 * 24 * HOUR));
          const measured = businessTimeBetween(cal, start, later);
          const back = addBusinessTime(cal, start, measured);
          if (measured > 0) expect(back.getTime(), context).toBeLessThanOrEqual(later.getTime());
          else expect(back.getTime(), context).toBe(nextBusinessInstant(cal, start).getTime());
          expect(businessTimeBetween(cal, back, later), context).toBe(0);
        }
      }
    });
  }
});

describe('isBusinessTime and businessTimeBetween match a minute-by-minute reading of the wall clock', () => {
  // Two days either side of each 2026 change; the reference reads every minute with Intl directly.
  const changes: Array<[string, string]> = [
    ['Europe/Berlin', '2026-03-29T01:00:00Z'],
    ['Europe/Berlin', '2026-10-25T01:00:00Z'],
    ['America/New_York', '2026-03-08T07:00:00Z'],
    ['America/New_York', '2026-11-01T06:00:00Z'],
    ['America/Santiago', '2026-04-05T03:00:00Z'],
    ['America/Santiago', '2026-09-06T04:00:00Z'],
    ['Australia/Sydney', '2026-04-04T16:00:00Z'],
    ['Australia/Lord_Howe', '2026-10-03T15:30:00Z'],
    ['Pacific/Chatham', '2026-04-04T14:00:00Z'],
    ['Pacific/Chatham', '2026-09-26T14:00:00Z'],
  ];

  it.each(changes)('%s around %s', (zone, change) => {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    const from = new Date(change).getTime() - 48 * HOUR;
    const minutes = 96 * 60;
    const wallClock = Array.from({ length: minutes }, (_, i) => {
      const p = Object.fromEntries(format.formatToParts(from + i * MINUTE).map((x) => [x.type, x.value]));
      const date = `${p.year}-${p.month}-${p.day}`;
      return { date, weekday: weekdays[(new Date(date).getUTCDay() + 6) % 7]!, time: `${p.hour}:${p.minute}` };
    });
    const random = seeded(minutes);
    for (const [name, cal] of calendarsIn(zone)) {
      const open = wallClock.map(
        (w) => !cal.holidays.includes(w.date) && cal.weekly[w.weekday].some((i) => i.start <= w.time && w.time < i.end),
      );
      open.forEach((expected, i) => {
        const at = new Date(from + i * MINUTE);
        expect(isBusinessTime(cal, at), `${name} at ${at.toISOString()}`).toBe(expected);
      });
      for (let k = 0; k < 50; k++) {
        const a = Math.floor(random() * minutes);
        const b = a + Math.floor(random() * (minutes - a));
        const expected = open.slice(a, b).filter(Boolean).length * MINUTE;
        const window = `${name} ${new Date(from + a * MINUTE).toISOString()}..${new Date(from + b * MINUTE).toISOString()}`;
        expect(businessTimeBetween(cal, new Date(from + a * MINUTE), new Date(from + b * MINUTE)), window).toBe(
          expected,
        );
      }
    }
  });
});

describe('calendar validation', () => {
  const valid = {
    timeZone: 'Europe/London',
    weekly: { mon: withLunch, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive, sat: [], sun: [] },
    holidays: ['2026-12-25'],
  };
  const problems = (input: unknown) =>
    ZBusinessCalendar.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);

  it('accepts split days, touching intervals, a 24:00 end and the two built-in calendars', () => {
    expect(problems(valid)).toBeUndefined();
    expect(
      problems({
        ...valid,
        weekly: {
          ...valid.weekly,
          sat: [
            { start: '00:00', end: '12:00' },
            { start: '12:00', end: '24:00' },
          ],
        },
      }),
    ).toBeUndefined();
    expect(problems(ALWAYS_OPEN)).toBeUndefined();
    expect(problems(DEFAULT_CALENDAR)).toBeUndefined();
  });

  it('rejects a time zone Intl does not know', () => {
    expect(problems({ ...valid, timeZone: 'Europe/Londn' })).toEqual([
      'timeZone: must be an IANA time zone such as Europe/London',
    ]);
    expect(problems({ ...valid, timeZone: '+01:00' })).toEqual([
      'timeZone: must be an IANA time zone such as Europe/London',
    ]);
  });

  it('rejects overlapping intervals', () => {
    const overlapping = [
      { start: '09:00', end: '12:30' },
      { start: '12:00', end: '17:00' },
    ];
    expect(problems({ ...valid, weekly: { ...valid.weekly, wed: overlapping } })).toEqual([
      'weekly.wed: 09:00-12:30 overlaps 12:00-17:00',
    ]);
  });

  it('rejects an end before or at its start, and a start of 24:00', () => {
    expect(problems({ ...valid, weekly: { ...valid.weekly, thu: [{ start: '17:00', end: '09:00' }] } })).toEqual([
      'weekly.thu.0.end: end must be after start (an interval cannot cross midnight: split it at 24:00)',
    ]);
    expect(problems({ ...valid, weekly: { ...valid.weekly, thu: [{ start: '09:00', end: '09:00' }] } })).toHaveLength(
      1,
    );
    expect(problems({ ...valid, weekly: { ...valid.weekly, thu: [{ start: '24:00', end: '24:00' }] } })).toEqual([
      'weekly.thu.0.start: must be a time of day as HH:MM, 00:00 to 23:59',
    ]);
    expect(problems({ ...valid, weekly: { ...valid.weekly, thu: [{ start: '9:00', end: '17:00' }] } })).toEqual([
      'weekly.thu.0.start: must be a time of day as HH:MM, 00:00 to 23:59',
    ]);
  });

  it('rejects holidays that are not YYYY-MM-DD days of the calendar', () => {
    expect(problems({ ...valid, holidays: ['2026-02-30', '2026-2-3', '2028-02-29', '2027-02-29'] })).toEqual([
      'holidays.0: is not a day of the calendar',
      'holidays.1: must be a date as YYYY-MM-DD',
      'holidays.3: is not a day of the calendar',
    ]);
  });

  it('rejects a week without any working hours, and an unknown day name', () => {
    const empty = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
    expect(problems({ ...valid, weekly: empty })).toEqual([
      'weekly: the week has no working hours: give at least one day an interval',
    ]);
    expect(problems({ ...valid, weekly: { ...valid.weekly, monday: nineToFive } })?.[0]).toMatch(/^weekly: /);
  });

  it('the arithmetic refuses an invalid calendar instead of guessing', () => {
    const bad = { ...valid, timeZone: 'Nowhere/Town' } as TBusinessCalendar;
    expect(() => addBusinessTime(bad, new Date('2026-01-12T09:00:00Z'), HOUR)).toThrow(ZodError);
  });
});

describe('limits', () => {
  const dayNames = (from: string, years: number) => {
    const out: string[] = [];
    const end = new Date(from);
    end.setUTCFullYear(end.getUTCFullYear() + years);
    for (let t = new Date(from).getTime(); t < end.getTime(); t += 24 * HOUR)
      out.push(new Date(t).toISOString().slice(0, 10));
    return out;
  };

  it('nine years of back-to-back holidays are skipped; eleven are a configuration error, not an endless loop', () => {
    const nine = calendar('UTC', nineToFive, { holidays: dayNames('2026-01-01', 9) });
    expect(nextBusinessInstant(nine, new Date('2026-01-01T00:00:00Z')).toISOString()).toBe('2035-01-01T09:00:00.000Z');
    const eleven = calendar('UTC', nineToFive, { holidays: dayNames('2026-01-01', 11) });
    expect(() => addBusinessTime(eleven, new Date('2026-01-01T00:00:00Z'), HOUR)).toThrow(BusinessCalendarError);
    expect(() => addBusinessTime(eleven, new Date('2026-01-01T00:00:00Z'), HOUR)).toThrow(
      /no business hours for ten years/,
    );
  });

  it('rejects negative, fractional and century-long durations, and invalid dates', () => {
    const start = new Date('2026-01-12T09:00:00Z');
    expect(() => addBusinessTime(DEFAULT_CALENDAR, start, -1)).toThrow(RangeError);
    expect(() => addBusinessTime(DEFAULT_CALENDAR, start, 0.5)).toThrow(RangeError);
    expect(() => addBusinessTime(DEFAULT_CALENDAR, start, Number.NaN)).toThrow(RangeError);
    expect(() => addBusinessTime(DEFAULT_CALENDAR, start, 150 * 365 * 24 * HOUR)).toThrow(RangeError);
    // 90 years of business hours take far more than a century of calendar time.
    expect(() => addBusinessTime(DEFAULT_CALENDAR, start, 90 * 365 * 24 * HOUR)).toThrow(/more than a century/);
    expect(() => addBusinessTime(DEFAULT_CALENDAR, new Date('nope'), HOUR)).toThrow(RangeError);
    expect(() => isBusinessTime(DEFAULT_CALENDAR, new Date('nope'))).toThrow(RangeError);
  });
});

describe('performance', () => {
  it('computes 100,000 due times across a year of starts', () => {
    const random = seeded(42);
    const calendars = [DEFAULT_CALENDAR, calendar('America/New_York', withLunch, { holidays: ['2026-07-03'] })];
    const inputs = Array.from({ length: 100_000 }, (_, i) => ({
      cal: calendars[i % 2]!,
      start: new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 365 * 24 * HOUR)),
      duration: Math.floor(random() * 40) * 15 * MINUTE,
    }));
    const began = performance.now();
    let latest = 0;
    for (const { cal, start, duration } of inputs) {
      latest = Math.max(latest, addBusinessTime(cal, start, duration).getTime());
    }
    const elapsed = performance.now() - began;
    console.log(`100,000 addBusinessTime calls: ${elapsed.toFixed(0)} ms`);
    expect(latest).toBeGreaterThan(Date.UTC(2026, 11, 1));
  });
});
