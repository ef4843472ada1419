import { describe, expect, it } from 'vitest';
import type { TSlaCalendar } from '@deskmate/shared';
import { businessDayMinutes, formatBusinessMinutes } from './calendar';

const nineToFive = [{ start: '09:00', end: '17:00' }];
const week = (weekday: TSlaCalendar['weekly']['mon'], weekend: TSlaCalendar['weekly']['mon'] = []) => ({
  weekly: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: weekend, sun: weekend },
});

describe('a business day of a calendar', () => {
  it('is the open hours of a day when every open day has the same: 09:00-17:00 is 480 minutes', () => {
    expect(businessDayMinutes(week(nineToFive))).toBe(480);
    expect(
      businessDayMinutes(
        week([
          { start: '08:30', end: '12:00' },
          { start: '13:00', end: '17:30' },
        ]),
      ),
    ).toBe(480);
    expect(businessDayMinutes(week([{ start: '00:00', end: '24:00' }], [{ start: '00:00', end: '24:00' }]))).toBe(1440);
  });

  it('is unknown when open days differ (a short Friday) or no day is open', () => {
    const shortFriday = week(nineToFive);
    shortFriday.weekly.fri = [{ start: '09:00', end: '13:00' }];
    expect(businessDayMinutes(shortFriday)).toBeNull();
    expect(businessDayMinutes(week([]))).toBeNull();
  });
});

describe('business minutes as people read them', () => {
  it('counts days of the calendar’s length, not of 24 hours: 1,440 business minutes of 8-hour days are 3 business days', () => {
    expect(formatBusinessMinutes(1440, 480)).toBe('3 business days');
    expect(formatBusinessMinutes(480, 480)).toBe('1 business day');
    expect(formatBusinessMinutes(2400, 480)).toBe('5 business days');
    expect(formatBusinessMinutes(1440, 1440)).toBe('1 business day');
  });

  it('gives what is left of a day in hours and minutes', () => {
    expect(formatBusinessMinutes(600, 480)).toBe('1 business day 2 h');
    expect(formatBusinessMinutes(630, 480)).toBe('1 business day 2 h 30 min');
    expect(formatBusinessMinutes(965, 480)).toBe('2 business days 5 min');
  });

  it('under a day, in business hours and minutes', () => {
    expect(formatBusinessMinutes(240, 480)).toBe('4 business hours');
    expect(formatBusinessMinutes(60, 480)).toBe('1 business hour');
    expect(formatBusinessMinutes(90, 480)).toBe('1 business hour 30 min');
    expect(formatBusinessMinutes(30, 480)).toBe('30 business minutes');
    expect(formatBusinessMinutes(1, 480)).toBe('1 business minute');
  });

  it('without a day length, in business hours', () => {
    expect(formatBusinessMinutes(1440, null)).toBe('24 business hours');
    expect(formatBusinessMinutes(2430, null)).toBe('40 business hours 30 min');
  });

  it('shows nothing for nothing', () => {
    expect(formatBusinessMinutes(0, 480)).toBe('');
    expect(formatBusinessMinutes(-5, 480)).toBe('');
    expect(formatBusinessMinutes(Number.NaN, 480)).toBe('');
  });
});
