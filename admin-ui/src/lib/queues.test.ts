import { describe, expect, it } from 'vitest';
import { emptyFilters, filtersFromSearch, filtersToSearch, listParams, queueById } from './queues';

describe('queues and filters', () => {
  it('reads filters from the URL and drops values the API would refuse', () => {
    const f = filtersFromSearch(new URLSearchParams('status=open,bogus&priority=high&sort=-priority&q=vpn'));
    expect(f).toEqual({ status: ['open'], priority: ['high'], category: [], q: 'vpn', sort: '-priority' });
    expect(filtersFromSearch(new URLSearchParams('sort=DROP TABLE')).sort).toBe('-updatedAt');
  });

  it('round-trips filters through the URL, leaving defaults out', () => {
    expect(filtersToSearch(emptyFilters).toString()).toBe('');
    const f = { ...emptyFilters, category: ['network' as const], q: 'wifi' };
    expect(filtersFromSearch(filtersToSearch(f))).toEqual(f);
  });

  it('lets a chosen status replace the queue default and keeps the queue scope', () => {
    const mine = queueById('mine')!;
    expect(listParams(mine, emptyFilters)).toEqual({
      assignee: 'me',
      status: 'new,open,pending,on_hold',
      sort: '-updatedAt',
    });
    expect(listParams(mine, { ...emptyFilters, status: ['resolved'] })).toMatchObject({
      assignee: 'me',
      status: 'resolved',
    });
  });

  it('asks the API for the SLA queues (at risk, breached) among active tickets', () => {
    expect(queueById('at-risk')?.params).toEqual({ status: 'new,open,pending,on_hold', sla: 'at_risk' });
    expect(queueById('breached')?.params).toEqual({ status: 'new,open,pending,on_hold', sla: 'breached' });
    expect(queueById('breached')?.clientFilter).toBeUndefined();
    expect(queueById('nope')).toBeUndefined();
  });
});
