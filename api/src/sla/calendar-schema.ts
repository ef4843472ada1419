// The calendar's shape is part of the API contract (the admin API validates calendars with it),
// so it lives in @deskmate/shared; the arithmetic stays here.
export {
  isTimeZone,
  timeOfDayMs,
  weekdays,
  ZBusinessCalendar,
  ZBusinessInterval,
  ZLocalDate,
  type TBusinessCalendar,
  type TBusinessInterval,
  type TWeekday,
} from '@deskmate/shared';
import type { TBusinessCalendar } from '@deskmate/shared';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

const allDay = [{ start: '00:00', end: '24:00' }];
const nineToFive = [{ start: '09:00', end: '17:00' }];

/** Open around the clock, every day, in UTC: business time is elapsed time. */
export const ALWAYS_OPEN: TBusinessCalendar = deepFreeze({
  timeZone: 'UTC',
  weekly: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay },
  holidays: [],
});

/** Monday to Friday, 09:00 to 17:00, London time, no holidays. */
export const DEFAULT_CALENDAR: TBusinessCalendar = deepFreeze({
  timeZone: 'Europe/London',
  weekly: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive, sat: [], sun: [] },
  holidays: [],
});
