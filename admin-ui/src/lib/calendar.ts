import type { TBusinessInterval } from '@deskmate/shared';

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

/** Minutes as a short duration: 90 → `1h 30m`, 2880 → `2d`. */
export function formatMinutes(minutes: number): string {
  if (!Number.isFinite(minutes) || minutes <= 0) return '';
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  return [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : ''].filter(Boolean).join(' ');
}
