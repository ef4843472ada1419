import { describe, expect, it } from 'vitest';
import { auditEntity } from './audit';

const id = '0b1e6a1c-9a4f-4f3e-8a55-5d0f7b5a2c11';

describe('the entity of an audit row', () => {
  it('is a ticket’s key, linked to the ticket in the console, not a fragment of its id', () => {
    expect(auditEntity({ entityType: 'ticket', entityId: id, entityLabel: 'IT-1042' })).toEqual({
      text: 'IT-1042',
      href: '/tickets/IT-1042',
    });
  });

  it('is a user’s or group’s name', () => {
    expect(auditEntity({ entityType: 'user', entityId: id, entityLabel: 'Sam Agent' })).toEqual({
      text: 'User Sam Agent',
      href: null,
    });
    expect(auditEntity({ entityType: 'group', entityId: id, entityLabel: 'Field service' }).text).toBe(
      'Group Field service',
    );
  });

  it('falls back to the start of the id for what has no name (or is gone), and to the kind alone', () => {
    expect(auditEntity({ entityType: 'api_token', entityId: id, entityLabel: null })).toEqual({
      text: 'API token 0b1e6a1c',
      href: null,
    });
    expect(auditEntity({ entityType: 'settings', entityId: null, entityLabel: null }).text).toBe('Settings');
  });
});
