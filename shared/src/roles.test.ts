import { describe, expect, it } from 'vitest';
import { hasRole, isAdmin, isAgent, isRequester, outranks, userRoles } from './index.js';

describe('the role helper', () => {
  it('ranks requester < agent < admin, for a user or a bare role', () => {
    const table = userRoles.map((role) => [
      role,
      isAgent(role),
      isAdmin({ role }),
      isRequester({ role }),
      hasRole(role, 'requester'),
      hasRole({ role }, 'admin'),
      outranks(role, 'agent'),
    ]);
    expect(table).toEqual([
      ['requester', false, false, true, true, false, false],
      ['agent', true, false, false, true, false, false],
      ['admin', true, true, false, true, true, true],
    ]);
  });
});
