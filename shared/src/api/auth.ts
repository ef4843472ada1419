import { z } from 'zod';
import { ZUserRole } from '../domain.js';
import { ZEmail, ZPasswordInput } from './common.js';
import { ZUser } from './users.js';

export const ZLoginRequest = z.object({ email: ZEmail, password: ZPasswordInput }).strict();

/** Either a full session (`user`) or a half-authenticated one that must finish 2FA. */
export const ZLoginResponse = z.union([
  z.object({ user: ZUser }),
  z.object({ twoFactorRequired: z.literal(true), method: z.enum(['totp', 'email', 'enroll']) }),
]);
export type TLoginResponse = z.infer<typeof ZLoginResponse>;

export const ZMeResponse = z.object({ user: ZUser });

/** A TOTP code, an email OTP or a recovery code. */
export const ZTwoFactorCode = z
  .string()
  .trim()
  .min(6, 'must be a 6-digit code or a recovery code')
  .max(32, 'must be a 6-digit code or a recovery code');

export const ZTwoFactorVerifyRequest = z.object({ code: ZTwoFactorCode }).strict();

export const ZTotpSetupResponse = z.object({ secret: z.string(), otpauthUrl: z.string(), qrDataUrl: z.string() });
export const ZRecoveryCodesResponse = z.object({ recoveryCodes: z.array(z.string()) });

/** One signed-in session (a sign-in on one device), as its owner sees it. */
export const ZUserSession = z.object({
  id: z.string(),
  /** A short description read from the user agent, such as "Firefox on Windows". */
  device: z.string(),
  /** The address it was last seen from. */
  ip: z.string().nullable(),
  createdAt: z.string(),
  /** Updated at most once a minute. */
  lastSeenAt: z.string(),
  expiresAt: z.string(),
  /** The session of the request that asked (this device). */
  current: z.boolean(),
});
export type TUserSession = z.infer<typeof ZUserSession>;
/** My active sessions, the most recently seen first. */
export const ZUserSessionList = z.object({ items: z.array(ZUserSession) });

export const ZChangePasswordRequest = z
  .object({ currentPassword: ZPasswordInput, newPassword: ZPasswordInput })
  .strict();
export const ZForgotPasswordRequest = z.object({ email: ZEmail }).strict();
/** A forgotten-password request was taken (true whether or not the account exists). */
export const ZAcceptedResponse = z.object({ accepted: z.boolean() });
/** Whether a code was emailed (false when the send limit was reached). */
export const ZSentResponse = z.object({ sent: z.boolean() });
export const ZResetPasswordRequest = z
  .object({ token: z.string().min(10).max(200), password: ZPasswordInput })
  .strict();
export const ZAcceptInviteRequest = z
  .object({
    token: z.string().min(10).max(200),
    password: ZPasswordInput,
    name: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

/** First run: whether the console must offer "Create the first administrator". */
export const ZSetupStatus = z.object({ needed: z.boolean() });
export type TSetupStatus = z.infer<typeof ZSetupStatus>;

/** The first administrator, with the one-time setup code Deskmate printed in its log at start. */
export const ZSetupRequest = z
  .object({
    code: z.string().trim().min(4, 'is required').max(64),
    email: ZEmail,
    name: z.string().trim().min(1, 'is required').max(200),
    password: ZPasswordInput,
  })
  .strict();
export type TSetupRequest = z.infer<typeof ZSetupRequest>;

export const ZSecuritySettings = z.object({
  /** Roles that must use two-factor sign-in (they enrol at their next sign-in). */
  require2faRoles: z.array(ZUserRole.exclude(['requester'])).max(2),
});
export type TSecuritySettings = z.infer<typeof ZSecuritySettings>;
export const ZSecuritySettingsRequest = ZSecuritySettings.strict();

export const apiTokenScopes = ['chat:act', 'api:read', 'api:write'] as const;
export const ZApiTokenScope = z.enum(apiTokenScopes);

export const ZCreateApiTokenRequest = z
  .object({ name: z.string().trim().min(1).max(100), scopes: z.array(ZApiTokenScope).min(1).max(3) })
  .strict();

export const ZApiToken = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(ZApiTokenScope),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export const ZCreatedApiToken = z.object({ apiToken: ZApiToken, token: z.string() });

/** A chat account the bot asks the API to map to a Deskmate user. */
export const ZResolveIdentityRequest = z
  .object({
    provider: z.enum(['slack', 'teams']),
    providerUserId: z.string().trim().min(1).max(128),
    providerTeamId: z.string().trim().max(128).optional(),
    email: ZEmail.optional(),
    name: z.string().trim().min(1).max(200).optional(),
  })
  .strict();
export const ZResolveIdentityResponse = z.object({ user: ZUser, created: z.boolean(), linked: z.boolean() });

export const ZMailMessage = z.object({
  id: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  kind: z.string(),
  status: z.string(),
  createdAt: z.string(),
});
