import type { TBusinessInterval, TSlaCalendar } from '@deskmate/shared';

/** `09:00-12:00, 13:00-17:30` as intervals; an empty text is a day off. Throws with a readable message. */
export function parseDayHours(text: string): TBusinessInterval[] {
  const parts = text
    .split(/[,;]/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 1 && /^(closed|off|-)$/i.test(parts[0]!)) return [];
  return parts.map((part) => {
    const m = /^(\d{1,2}):?(\d{2})\s*[-–]\s*(\d{1,2}):?(\d{2})$/.exec(part);
    if (!m) throw new Error(`“${part}” is not a range such as 09:00-17:00`);
    const pad = (h: string, min: string) => `${h.padStart(2, '0')}:${min}`;
    return { start: pad(m[1]!, m[2]!), end: pad(m[3]!, m[4]!) };
  });
}

export const formatDayHours = (intervals: readonly TBusinessInterval[]): string =>
  intervals.map((i) => `${i.start}-${i.end}`).join(', ');

/** Holidays typed one per line or comma separated, sorted and de-duplicated. */
export function parseHolidays(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ].sort();
}

const clockMinutes = (time: string): number => {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/**
 * The business minutes of one open day of a calendar (09:00-17:00 on weekdays: 480), when every
 * open day has the same hours; null when the days differ or none is open, so a "business day"
 * would mean different things on different days.
 */
export function businessDayMinutes(calendar: Pick<TSlaCalendar, 'weekly'>): number | null {
  const open = Object.values(calendar.weekly)
    .map((day) => day.reduce((sum, i) => sum + clockMinutes(i.end) - clockMinutes(i.start), 0))
    .filter((minutes) => minutes > 0);
  if (!open.length || open.some((minutes) => minutes !== open[0])) return null;
  return open[0]!;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/**
 * Business minutes as people read an SLA target: in business days of the calendar's day length
 * when it has one (1,440 minutes of 8-hour days: "3 business days"), else in business hours
 * ("24 business hours"); the rest in hours and minutes ("1 business day 2 h 30 min"). Empty for
 * nothing to show (zero, negative, not a number).
 */
export function formatBusinessMinutes(minutes: number, dayMinutes: number | null): string {
  if (!Number.isFinite(minutes) || minutes <= 0) return '';
  const whole = Math.round(minutes);
  const rest = (m: number) =>
    [Math.floor(m / 60) && `${Math.floor(m / 60)} h`, m % 60 && `${m % 60} min`].filter(Boolean).join(' ');
  if (dayMinutes && whole >= dayMinutes) {
    const days = Math.floor(whole / dayMinutes);
    const left = rest(whole % dayMinutes);
    return `${plural(days, 'business day')}${left ? ` ${left}` : ''}`;
  }
  if (whole >= 60) {
    const hours = Math.floor(whole / 60);
    return `${plural(hours, 'business hour')}${whole % 60 ? ` ${whole % 60} min` : ''}`;
  }
  return plural(whole, 'business minute');
}
