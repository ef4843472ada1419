import { describe, expect, it } from 'vitest';
import { densityStorageKey, parseDensity, rowHeights } from './density';

describe('queue density', () => {
  it('is kept per person: each user id has its own key', () => {
    expect(densityStorageKey('u1')).not.toBe(densityStorageKey('u2'));
  });

  it('reads compact, and anything else (nothing stored, an old value) as comfortable', () => {
    expect(parseDensity('compact')).toBe('compact');
    expect(parseDensity(null)).toBe('comfortable');
    expect(parseDensity('tiny')).toBe('comfortable');
  });

  it('fits more rows when compact', () => {
    expect(rowHeights.compact).toBeLessThan(rowHeights.comfortable);
  });
});
