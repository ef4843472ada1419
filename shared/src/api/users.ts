import { z } from 'zod';
import { ZUserRole } from '../domain.js';
import { ZEmail } from './common.js';

/** Mail to the user's address bounced for good: when, why, and until when mail to it waits. */
export const ZEmailBounce = z.object({
  bouncedAt: z.string(),
  reason: z.string().nullable(),
  /** Mail to the address is skipped until then; after it, mail is tried again (the mark stays until cleared). */
  pausedUntil: z.string().nullable(),
});
export type TEmailBounce = z.infer<typeof ZEmailBounce>;

export const ZUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: ZUserRole,
  active: z.boolean(),
  away: z.boolean(),
  /** An invited user who has not set a password yet. */
  invited: z.boolean(),
  twoFactorMethod: z.enum(['none', 'email', 'totp']),
  twoFactorRequired: z.boolean(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
  /** Set when mail to the user bounced (see EMAIL_BOUNCE_PAUSE); absent in payloads of older servers. */
  emailBounce: ZEmailBounce.nullable().optional(),
});
export type TUser = z.infer<typeof ZUser>;

export const ZUserList = z.object({ items: z.array(ZUser) });

export const ZInviteUserRequest = z
  .object({
    email: ZEmail,
    name: z.string().trim().min(1, 'is required').max(200),
    role: ZUserRole.default('requester'),
  })
  .strict();

export const ZChangeRoleRequest = z.object({ role: ZUserRole }).strict();

export const ZUpdateUserRequest = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    away: z.boolean().optional(),
    /** Require this user to sign in with a second factor (they enrol at the next sign-in). */
    twoFactorRequired: z.boolean().optional(),
  })
  .strict();

/** What a user may change about themselves. */
export const ZUpdateMeRequest = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    away: z.boolean().optional(),
  })
  .strict();

export const ZUserListQuery = z
  .object({
    role: ZUserRole.optional(),
    active: z.enum(['true', 'false']).optional(),
    q: z.string().max(200).optional(),
  })
  .strict();

/** One user, as answered when one is changed. */
export const ZUserResponse = z.object({ user: ZUser });

export const ZGroup = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  roundRobin: z.boolean(),
  memberIds: z.array(z.string()),
  createdAt: z.string(),
});
export type TGroup = z.infer<typeof ZGroup>;
export const ZGroupResponse = z.object({ group: ZGroup });

export const ZCreateGroupRequest = z
  .object({
    name: z.string().trim().min(1, 'is required').max(100),
    description: z.string().trim().max(1000).nullable().optional(),
    roundRobin: z.boolean().optional(),
    memberIds: z.array(z.uuid()).max(500).optional(),
  })
  .strict();

export const ZUpdateGroupRequest = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    description: z.string().trim().max(1000).nullable().optional(),
    roundRobin: z.boolean().optional(),
  })
  .strict();

export const ZSetGroupMembersRequest = z.object({ memberIds: z.array(z.uuid()).max(500) }).strict();
