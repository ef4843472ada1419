import { describe, expect, it } from 'vitest';
import { ticketPriorities } from '../domain.js';
import { matrixPriority, maxPriority, ticketPriority } from './priority.js';
import { impacts, urgencies } from './schemas.js';

const rank = (p: string) => ticketPriorities.indexOf(p as (typeof ticketPriorities)[number]);

describe('priority matrix', () => {
  it('gives urgent to a whole office that cannot work and low to one person whose problem can wait', () => {
    expect(matrixPriority('many', 'blocked')).toBe('urgent');
    expect(matrixPriority('me', 'can_wait')).toBe('low');
  });

  it('gives high to one person who cannot work and to a whole office slowed down', () => {
    expect(matrixPriority('me', 'blocked')).toBe('high');
    expect(matrixPriority('many', 'slowed')).toBe('high');
    expect(matrixPriority('team', 'slowed')).toBe('medium');
  });

  it('never gives a lower priority for more people or a more blocking problem', () => {
    for (const [i, impact] of impacts.entries()) {
      for (const [u, urgency] of urgencies.entries()) {
        const here = rank(matrixPriority(impact, urgency));
        const wider = impacts[i + 1];
        const worse = urgencies[u + 1];
        if (wider) expect(rank(matrixPriority(wider, urgency))).toBeGreaterThanOrEqual(here);
        if (worse) expect(rank(matrixPriority(impact, worse))).toBeGreaterThanOrEqual(here);
      }
    }
  });

  it('only a whole office that cannot work is urgent', () => {
    const urgent = impacts.flatMap((i) =>
      urgencies.filter((u) => matrixPriority(i, u) === 'urgent').map((u) => `${i}/${u}`),
    );
    expect(urgent).toEqual(['many/blocked']);
  });
});

describe('ticket priority with the classifier floor', () => {
  it('raises the matrix priority to the classifier priority', () => {
    expect(ticketPriority('urgent', 'me', 'can_wait')).toBe('urgent');
    expect(ticketPriority('high', 'team', 'slowed')).toBe('high');
  });

  it('never lowers the matrix priority to the classifier priority', () => {
    expect(ticketPriority('low', 'many', 'blocked')).toBe('urgent');
    expect(ticketPriority(null, 'me', 'blocked')).toBe('high');
  });

  it('maxPriority is the higher of two', () => {
    expect(maxPriority('low', 'high')).toBe('high');
    expect(maxPriority('urgent', 'medium')).toBe('urgent');
    expect(maxPriority('medium', 'medium')).toBe('medium');
  });
});
