import { describe, expect, it } from 'vitest';
import { decideEmail, nextLocalHour, quietUntil, type Preferences } from './preferences.js';

const at = (iso: string) => new Date(iso);
const pref = (p: Partial<Preferences> = {}): Preferences => ({
  delivery: 'both',
  quietHours: null,
  timeZone: 'Europe/London',
  ...p,
});

describe('quiet hours', () => {
  const night = { start: '22:00', end: '07:00' };

  it('hold across midnight and end at their local end time', () => {
    expect(quietUntil(at('2026-11-22T23:30:00Z'), night, 'Europe/London')).toEqual(at('2026-11-23T07:00:00Z'));
    expect(quietUntil(at('2026-11-23T06:59:00Z'), night, 'Europe/London')).toEqual(at('2026-11-23T07:00:00Z'));
    expect(quietUntil(at('2026-11-23T07:00:00Z'), night, 'Europe/London')).toBeNull();
    expect(quietUntil(at('2026-11-22T21:59:00Z'), night, 'Europe/London')).toBeNull();
  });

  it('are read on the person’s own clock', () => {
    // 23:30 UTC is 18:30 in New York: not quiet there.
    expect(quietUntil(at('2026-11-22T23:30:00Z'), night, 'America/New_York')).toBeNull();
    // 04:00 UTC is 23:00 in New York: quiet until 07:00 there, 12:00 UTC.
    expect(quietUntil(at('2026-11-23T04:00:00Z'), night, 'America/New_York')).toEqual(at('2026-11-23T12:00:00Z'));
  });

  it('may be a daytime window', () => {
    expect(quietUntil(at('2026-11-23T12:30:00Z'), { start: '12:00', end: '13:00' }, 'UTC')).toEqual(
      at('2026-11-23T13:00:00Z'),
    );
  });
});

describe('what happens to one email', () => {
  const now = at('2026-11-23T12:00:00Z');
  const o = { digestHour: 8, kind: 'notification' as const };

  it('both and email: sent now', () => {
    expect(decideEmail(pref(), now, o)).toEqual({ action: 'send' });
    expect(decideEmail(pref({ delivery: 'email' }), now, o)).toEqual({ action: 'send' });
  });

  it('chat only: no notification email, no digest either', () => {
    expect(decideEmail(pref({ delivery: 'chat' }), now, o)).toEqual({ action: 'skip', reason: 'prefers_chat' });
    expect(decideEmail(pref({ delivery: 'chat' }), now, { ...o, kind: 'digest' })).toMatchObject({ action: 'skip' });
  });

  it('digest only: into the next daily digest after the notification was made', () => {
    expect(decideEmail(pref({ delivery: 'digest' }), now, o)).toEqual({
      action: 'digest',
      at: at('2026-11-24T08:00:00Z'),
    });
    expect(decideEmail(pref({ delivery: 'digest' }), now, { ...o, happenedAt: at('2026-11-23T07:10:00Z') })).toEqual({
      action: 'digest',
      at: at('2026-11-23T08:00:00Z'),
    });
    // The digest itself is sent.
    expect(decideEmail(pref({ delivery: 'digest' }), now, { ...o, kind: 'digest' })).toEqual({ action: 'send' });
  });

  it('quiet hours: deferred to their end, digests too', () => {
    const quiet = pref({ quietHours: { start: '11:00', end: '14:30' }, timeZone: 'UTC' });
    expect(decideEmail(quiet, now, o)).toEqual({ action: 'defer', until: at('2026-11-23T14:30:00Z') });
    expect(decideEmail(quiet, now, { ...o, kind: 'digest' })).toEqual({
      action: 'defer',
      until: at('2026-11-23T14:30:00Z'),
    });
  });

  it('next local hour is strictly later', () => {
    expect(nextLocalHour(at('2026-11-23T08:00:00Z'), 8, 'UTC')).toEqual(at('2026-11-24T08:00:00Z'));
    expect(nextLocalHour(at('2026-07-01T06:30:00Z'), 8, 'Europe/London')).toEqual(at('2026-07-01T07:00:00Z'));
  });
});
