import { z } from 'zod';
import { ZUserRole } from '../domain.js';
import { ZUuid } from './common.js';

/**
 * Single sign-on with OpenID Connect. A provider is a generic OIDC issuer or a preset that needs
 * only the ids: Microsoft Entra ID (a tenant, or `organizations`/`common` for any work account),
 * Google Workspace, Sign in with Slack.
 */
export const ssoProviderKinds = ['oidc', 'entra', 'google', 'slack'] as const;
export const ZSsoProviderKind = z.enum(ssoProviderKinds);
export type TSsoProviderKind = z.infer<typeof ZSsoProviderKind>;

/** The id of the provider configured by the environment (OIDC_ISSUER …). */
export const ENV_SSO_PROVIDER_ID = 'default';

export const ZSsoProviderId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1-40 lower-case letters, digits or dashes');

export const ZDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a domain such as example.com');

const claimValue = z.string().trim().min(1).max(500);
const claimName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[\w:/.#-]+$/, 'must be a claim name such as roles or groups');

/**
 * Claim values → Deskmate role and groups, applied at each sign-in. With role rules, the user's
 * role is the highest one their claim values map to (requester when none matches). With group
 * rules, the user is added to the mapped groups their values name and removed from the other
 * mapped groups; groups no rule names are left alone.
 */
export const ZClaimMapping = z
  .object({
    roleClaim: claimName.default('roles'),
    roles: z
      .array(z.object({ value: claimValue, role: ZUserRole }).strict())
      .max(50)
      .default([]),
    groupClaim: claimName.default('groups'),
    groups: z
      .array(z.object({ value: claimValue, groupId: ZUuid }).strict())
      .max(200)
      .default([]),
  })
  .strict();
export type TClaimMapping = z.infer<typeof ZClaimMapping>;

export const ZSsoProviderOptions = z
  .object({
    /** Email domains whose people get a requester account at their first sign-in. */
    allowedDomains: z.array(ZDomain).max(50).default([]),
    /** Entra: the tenant ids whose accounts may sign in (empty: any tenant the issuer accepts). */
    allowedTenants: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
    /** Google: the Workspace domain (`hd` claim) every account must belong to. */
    hostedDomain: ZDomain.nullable().default(null),
    /**
     * The provider enforces MFA for Deskmate (an Entra Conditional Access policy, say): every
     * sign-in through it counts as multi-factor. For providers whose tokens carry no `amr`.
     */
    assumeMfa: z.boolean().default(false),
    /** `acr` values that mean multi-factor at this provider, besides the standard ones. */
    mfaAcrValues: z.array(z.string().trim().min(1).max(300)).max(20).default([]),
    claimMapping: ZClaimMapping.default({ roleClaim: 'roles', roles: [], groupClaim: 'groups', groups: [] }),
  })
  .strict();
export type TSsoProviderOptions = z.infer<typeof ZSsoProviderOptions>;

/** A provider as the console edits it. `clientSecret` absent: keep the stored one. */
export const ZSsoProviderInput = z
  .object({
    kind: ZSsoProviderKind,
    displayName: z.string().trim().min(1).max(60),
    /** Generic OIDC only: the issuer URL. */
    issuer: z.url().max(500).optional(),
    /** Entra only: tenant id or domain, `organizations` or `common`. */
    tenant: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9.-]{1,100}$/, 'must be a tenant id, a domain, organizations or common')
      .optional(),
    clientId: z.string().trim().min(1).max(500),
    clientSecret: z.string().min(1).max(2000).optional(),
    enabled: z.boolean().default(true),
    options: ZSsoProviderOptions.default(ZSsoProviderOptions.parse({})),
  })
  .strict();
export type TSsoProviderInput = z.input<typeof ZSsoProviderInput>;

export const ZCreateSsoProviderRequest = ZSsoProviderInput.extend({ id: ZSsoProviderId }).strict();
export type TCreateSsoProviderRequest = z.input<typeof ZCreateSsoProviderRequest>;

/** The provider from the environment: only its options and whether it is on can change here. */
export const ZUpdateEnvSsoProviderRequest = z
  .object({ enabled: z.boolean().default(true), options: ZSsoProviderOptions })
  .strict();

export const ZSsoProviderParams = z.object({ id: ZSsoProviderId }).strict();

export const ZSsoProvider = z.object({
  id: z.string(),
  kind: ZSsoProviderKind,
  displayName: z.string(),
  /** env: OIDC_* variables (connection read-only here); console: added on the admin page. */
  source: z.enum(['env', 'console']),
  /** The issuer URL discovery starts from. */
  issuer: z.string(),
  tenant: z.string().nullable(),
  clientId: z.string(),
  hasClientSecret: z.boolean(),
  enabled: z.boolean(),
  options: ZSsoProviderOptions,
  /** Where the console's button sends the browser. */
  loginUrl: z.string(),
});
export type TSsoProvider = z.infer<typeof ZSsoProvider>;

/** Sign-in policy, per role. */
export const ZSsoPolicy = z
  .object({
    /** Roles whose password sign-in is refused (they use single sign-on); break-glass admins excepted. */
    requireSsoRoles: z.array(ZUserRole).max(3).default([]),
    /**
     * trusted: a provider's MFA (amr/acr, or a provider marked as enforcing MFA) satisfies
     * Deskmate's two-factor requirement; ignored: Deskmate's own second factor is still asked.
     */
    providerMfa: z.enum(['trusted', 'ignored']).default('ignored'),
    /** Admins who may still sign in with a password and two-factor sign-in when admins must use SSO. */
    breakGlassAdminIds: z.array(ZUuid).max(20).default([]),
  })
  .strict();
export type TSsoPolicy = z.infer<typeof ZSsoPolicy>;
export const ZSsoPolicyRequest = ZSsoPolicy;

export const ZBreakGlassAdmin = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  /** Chosen as break-glass in the policy. */
  chosen: z.boolean(),
  /** An active admin with a password and two-factor sign-in: able to sign in when SSO is down. */
  ready: z.boolean(),
});

export const ZSsoSettings = z.object({
  policy: ZSsoPolicy,
  providers: z.array(ZSsoProvider),
  /** The redirect URI to register with every provider. */
  redirectUri: z.string(),
  /** Admins and whether each could sign in with a password and 2FA (the break-glass). */
  admins: z.array(ZBreakGlassAdmin),
  /** What the policy means for admins, in one sentence the console shows. */
  breakGlass: z.string(),
});
export type TSsoSettings = z.infer<typeof ZSsoSettings>;

/** The providers the sign-in page offers (public). */
export const ZSsoLoginOptions = z.object({
  providers: z.array(
    z.object({ id: z.string(), displayName: z.string(), kind: ZSsoProviderKind, loginUrl: z.string() }),
  ),
});
export type TSsoLoginOptions = z.infer<typeof ZSsoLoginOptions>;

/** "Test": discovery, and what a sign-in would request (nothing is sent to the provider but discovery). */
export const ZSsoTestResult = z.object({
  ok: z.boolean(),
  discoveryUrl: z.string(),
  redirectUri: z.string(),
  /** What went wrong, when not ok. */
  error: z.string().optional(),
  issuer: z.string().optional(),
  authorizationEndpoint: z.string().optional(),
  tokenEndpoint: z.string().optional(),
  jwksUri: z.string().optional(),
  /** Keys the provider publishes now (kid), for a signature check. */
  signingKeys: z.array(z.string()).optional(),
  pkceS256: z.boolean().optional(),
  scopes: z.array(z.string()),
  /** The authorization request a sign-in would start with (state, nonce and challenge are samples). */
  authorizationUrl: z.string().optional(),
  warnings: z.array(z.string()),
});
export type TSsoTestResult = z.infer<typeof ZSsoTestResult>;

/**
 * Why a single sign-on did not sign anyone in: the callback sends the browser to
 * `/login?sso_error=<code>`, and answers JSON clients with the message.
 */
export const ssoErrorMessages = {
  expired: 'That sign-in link has expired or was already used. Start again.',
  state: 'That sign-in did not start in this browser. Start again from the sign-in page.',
  provider: 'The identity provider did not confirm who you are. Try again, or ask your administrator.',
  unavailable: 'The identity provider cannot be reached right now. Try again in a moment.',
  unverified_email: 'Your identity provider did not confirm your email address, so Deskmate cannot match your account.',
  domain_not_allowed:
    'There is no Deskmate account for you yet, and your email domain is not one that gets an account automatically. Ask your administrator to invite you.',
  tenant_not_allowed: 'Your organisation’s directory is not allowed to sign in to this Deskmate.',
  hosted_domain: 'Sign in with your organisation’s Google Workspace account.',
  deactivated: 'Your Deskmate account is deactivated. Ask your administrator.',
  unknown_provider: 'That sign-in option is not available.',
} as const;
export type TSsoErrorCode = keyof typeof ssoErrorMessages;
export const ssoErrorCodes = Object.keys(ssoErrorMessages) as TSsoErrorCode[];

/** Where to go after signing in: a path of this site only (never `//host` or an absolute URL). */
export const ZReturnTo = z
  .string()
  .max(500)
  .regex(/^\/(?![/\\])[^\s]*$/, 'must be a path of this site, such as /queue/mine');
/** GET /auth/oidc/login: which provider (needed when several are on) and where to land afterwards. */
export const ZSsoLoginQuery = z.object({ provider: ZSsoProviderId.optional(), next: ZReturnTo.optional() }).strict();
/** GET /auth/oidc/callback: whatever the provider sends back (code, state, or an error), read by the flow. */
export const ZSsoCallbackQuery = z.record(z.string(), z.string());
