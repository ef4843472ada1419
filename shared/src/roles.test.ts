import { describe, expect, it } from 'vitest';
import { ApiError, hasRole, isAdmin, isAgent, isRequester, outranks, refusedRole, userRoles } from './index.js';

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

describe('refusedRole', () => {
  it('reads the role a refusal asked for, and nothing from any other error', () => {
    const refusal = new ApiError(403, 'forbidden', 'Only agents can do this', { requiredRole: 'agent' });
    expect(refusedRole(refusal)).toBe('agent');
    expect(refusedRole(new ApiError(403, 'forbidden', 'Only agents working this ticket can change priority'))).toBe(
      null,
    );
    expect(refusedRole(new ApiError(404, 'not_found', 'No such ticket', { requiredRole: 'agent' }))).toBe(null);
    expect(refusedRole(new Error('Only agents can do this'))).toBe(null);
  });
});
