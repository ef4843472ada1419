import { describe, expect, it } from 'vitest';
import { trafficText } from './integrations';

const now = Date.parse('2026-05-04T09:00:00Z');

describe('a channel’s last traffic on the Integrations page', () => {
  it('says "not configured" for a direction that is off, even with traffic on record', () => {
    expect(trafficText('2026-05-04T08:59:50Z', false, now)).toBe('not configured');
    expect(trafficText(null, false, now, 'not configured (dev outbox)')).toBe('not configured (dev outbox)');
  });

  it('says when for a configured one, or that nothing happened yet', () => {
    expect(trafficText('2026-05-04T08:59:50Z', true, now)).toBe('just now');
    expect(trafficText('2026-05-04T07:00:00Z', true, now)).toBe('2 hours ago');
    expect(trafficText(null, true, now)).toBe('none yet');
  });
});
