import { describe, expect, it } from 'vitest';
import { fillPath, queryString } from './endpoint.js';

describe('endpoint paths and queries', () => {
  it('fills each path parameter, URI-encoded, and refuses a missing one', () => {
    expect(fillPath('/tickets/:key/watchers/:userId', { key: 'IT-1', userId: 'a b/c' })).toBe(
      '/tickets/IT-1/watchers/a%20b%2Fc',
    );
    expect(() => fillPath('/tickets/:key', {})).toThrow('Missing path parameter key');
  });

  it('writes a query string without empty values, repeating the key of an array', () => {
    expect(queryString({ q: 'vpn down', status: ['open', 'new'], cursor: undefined, group: '', limit: 5 })).toBe(
      '?q=vpn+down&status=open&status=new&limit=5',
    );
    expect(queryString({ cursor: undefined })).toBe('');
    expect(queryString(undefined)).toBe('');
  });
});
