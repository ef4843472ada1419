import type { TTicket, TUser } from '../index.js';

/**
 * The one hand-written "ticket as the API presents it" for tests that need a TTicket without a
 * server (renderers, senders, the console's pure logic, browser tests that stub the API). Tests
 * override the values they assert on; the shape lives here, so a new field is added once.
 * Test-only: `src/test/` is outside the build, and only test files import it (by relative path,
 * like `api/src/test/`); it does no I/O, so every workspace's tests may use it.
 */
export function presentedTicket(
  overrides: Omit<Partial<TTicket>, 'sla'> & { sla?: Partial<TTicket['sla']> } = {},
): TTicket {
  const { sla, ...rest } = overrides;
  return {
    id: '6f1c0a9e-3c1b-4d59-9d7e-0d4a1f0b2c3d',
    key: 'IT-1042',
    title: 'VPN drops every few minutes',
    description: 'Since this morning my VPN disconnects every few minutes.',
    status: 'new',
    priority: 'high',
    category: 'network',
    channel: 'teams',
    requester: { id: 'u-alice', name: 'Alice Example', email: 'alice@example.com' },
    assignee: null,
    group: { id: 'g-it', name: 'IT' },
    watchers: [],
    mergedIntoKey: null,
    csat: null,
    createdAt: '2026-01-05T09:00:00.000Z',
    updatedAt: '2026-01-05T09:00:00.000Z',
    firstRespondedAt: null,
    resolvedAt: null,
    closedAt: null,
    ...rest,
    sla: {
      firstResponseDueAt: '2026-01-05T13:00:00.000Z',
      resolutionDueAt: '2026-01-06T13:00:00.000Z',
      firstResponseWarnAt: null,
      resolutionWarnAt: null,
      atRisk: false,
      firstResponseBreached: false,
      resolutionBreached: false,
      paused: false,
      escalationLevel: 0,
      ...sla,
    },
  };
}

/** A user as the API presents it (GET /api/users/:id, delivery facts), with the same rule. */
export function presentedUser(overrides: Partial<TUser> = {}): TUser {
  return {
    id: 'u-alice',
    email: 'alice@example.com',
    name: 'Alice Example',
    role: 'requester',
    active: true,
    away: false,
    invited: false,
    twoFactorMethod: 'none',
    twoFactorRequired: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    lastLoginAt: null,
    ...overrides,
  };
}
