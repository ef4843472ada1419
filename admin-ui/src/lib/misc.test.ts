import { describe, expect, it } from 'vitest';
import { parseDayHours, parseHolidays } from './calendar';
import { formatDuration, initials } from './format';
import { matchSequence } from './shortcuts';
import { parseViews } from './views';

describe('keyboard sequences', () => {
  const bindings = ['?', 'j', 'g m', 'g u'];
  it('matches single keys and two-key sequences', () => {
    expect(matchSequence(['j'], bindings)).toEqual({ kind: 'match', keys: 'j' });
    expect(matchSequence(['g'], bindings)).toEqual({ kind: 'prefix' });
    expect(matchSequence(['g', 'u'], bindings)).toEqual({ kind: 'match', keys: 'g u' });
    expect(matchSequence(['g', 'x'], bindings)).toEqual({ kind: 'none' });
  });
});

describe('saved views', () => {
  it('drops malformed storage instead of failing', () => {
    expect(parseViews('not json')).toEqual([]);
    expect(parseViews(JSON.stringify([{ id: 1 }]))).toEqual([]);
    expect(parseViews(null)).toEqual([]);
  });

  it('reads views this browser kept before they moved to the server', () => {
    const kept = [{ id: 'b', name: 'vpn', queue: 'mine', search: 'q=vpn' }];
    expect(parseViews(JSON.stringify(kept))).toEqual(kept);
  });
});

describe('calendar input', () => {
  it('parses weekly hours as typed and refuses nonsense with a readable message', () => {
    expect(parseDayHours('9:00-12:00, 13:00 – 17:30')).toEqual([
      { start: '09:00', end: '12:00' },
      { start: '13:00', end: '17:30' },
    ]);
    expect(parseDayHours('')).toEqual([]);
    expect(parseDayHours('closed')).toEqual([]);
    expect(() => parseDayHours('nine to five')).toThrow(/not a range/);
  });

  it('sorts and de-duplicates holidays', () => {
    expect(parseHolidays('2026-12-25\n2026-01-01, 2026-12-25')).toEqual(['2026-01-01', '2026-12-25']);
  });

  it('formats durations for people', () => {
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(-(3 * 3_600_000 + 5 * 60_000))).toBe('3h 05m');
    expect(formatDuration(2 * 86_400_000 + 4 * 3_600_000)).toBe('2d 4h');
    expect(initials('Sam Agent')).toBe('SA');
    expect(initials('')).toBe('?');
  });
});

describe('the next page after sign-in', () => {
  it('stays on this site', async () => {
    const { safeNext } = await import('./redirect');
    expect(safeNext('/tickets/IT-1001?x=1')).toBe('/tickets/IT-1001?x=1');
    expect(safeNext('https://evil.example/')).toBeNull();
    expect(safeNext('//evil.example/')).toBeNull();
    expect(safeNext('/\\evil.example')).toBeNull();
    expect(safeNext('/login?next=/x')).toBeNull();
    expect(safeNext(null)).toBeNull();
  });
});
