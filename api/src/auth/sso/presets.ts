import type { TSsoProviderKind, TSsoProviderOptions } from '@deskmate/shared';
import type { IDToken } from 'openid-client';
import { SsoError } from './errors.js';

/** A provider ready to use: where discovery starts, the client, and the admin's options. */
export interface SsoProviderConfig {
  id: string;
  kind: TSsoProviderKind;
  displayName: string;
  source: 'env' | 'console';
  /** The issuer URL discovery starts from (Entra multi-tenant: the `organizations`/`common` one). */
  issuer: string;
  /** Entra: the tenant the issuer names. */
  tenant: string | null;
  clientId: string;
  clientSecret: string | undefined;
  enabled: boolean;
  options: TSsoProviderOptions;
}

const ENTRA_HOST = 'login.microsoftonline.com';

/** The issuer of a preset: Entra from its tenant, Google and Slack fixed, a generic provider as given. */
export function issuerFor(kind: TSsoProviderKind, input: { issuer?: string | null; tenant?: string | null }): string {
  switch (kind) {
    case 'entra':
      return `https://${ENTRA_HOST}/${input.tenant ?? 'organizations'}/v2.0`;
    case 'google':
      return 'https://accounts.google.com';
    case 'slack':
      return 'https://slack.com';
    case 'oidc':
      if (!input.issuer) throw new Error('a generic OpenID Connect provider needs an issuer');
      return input.issuer;
  }
}

/** What an issuer URL from the environment is: a preset when it is one of theirs. */
export function kindOfIssuer(issuer: string): { kind: TSsoProviderKind; tenant: string | null } {
  const url = new URL(issuer);
  if (url.hostname === ENTRA_HOST) {
    const tenant = /^\/([^/]+)\/v2\.0\/?$/.exec(url.pathname)?.[1] ?? null;
    return { kind: 'entra', tenant };
  }
  if (url.hostname === 'accounts.google.com') return { kind: 'google', tenant: null };
  if (url.hostname === 'slack.com') return { kind: 'slack', tenant: null };
  return { kind: 'oidc', tenant: null };
}

/** Scopes a sign-in asks for: who the person is and their email, nothing else. */
export const SSO_SCOPES = ['openid', 'email', 'profile'];

/** Extra authorization parameters of a preset (Google: the Workspace domain as a hint; it is checked on return). */
export function extraAuthParams(provider: SsoProviderConfig): Record<string, string> {
  if (provider.kind === 'google' && provider.options.hostedDomain) return { hd: provider.options.hostedDomain };
  return {};
}

/** `amr` values (RFC 8176) that name a factor beyond a password: one of them means multi-factor. */
export const MFA_AMR_VALUES = ['mfa', 'otp', 'hwk', 'swk', 'sc', 'sms', 'tel', 'fpt', 'face', 'iris', 'retina', 'vbm'];
/** `acr` values that mean multi-factor (OpenID PAPE policies; Okta's phishing-resistant levels). */
export const MFA_ACR_VALUES = [
  'http://schemas.openid.net/pape/policies/2007/06/multi-factor',
  'http://schemas.openid.net/pape/policies/2007/06/multi-factor-physical',
  'phr',
  'phrh',
];

/** The person the ID token names, as Deskmate uses them. */
export interface SsoPerson {
  issuer: string;
  subject: string;
  /** The email, only when the provider vouches for it (see `verifiedEmail`). */
  email: string | null;
  /** An email claim the provider did not vouch for (for the refusal message and the audit). */
  unverifiedEmail: string | null;
  name: string | null;
  /** Entra tenant or Slack team. */
  tenantId: string | null;
  /** The chat account that is the same person: Teams by the Entra object id, Slack by its user id. */
  chat: { provider: 'teams' | 'slack'; userId: string; teamId: string | null } | null;
  /** The provider says the sign-in was multi-factor (amr/acr), or the admin says it always is. */
  mfa: boolean;
  claims: IDToken;
}

const isTrue = (value: unknown) => value === true || value === 'true';
const str = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : null);

/**
 * Whether the provider vouches for the email:
 * - every provider: `email_verified` is true (Google, Slack and most providers send it);
 * - Entra ID: organisational accounts carry no `email_verified`, and the `email` claim may be an
 *   address nobody checked (the "nOAuth" problem); it counts only with the optional claim
 *   `xms_edov` = true ("email domain owner verified": the domain is a verified domain of the
 *   user's tenant). `preferred_username` and `upn` are never used as an email.
 */
export function verifiedEmail(kind: TSsoProviderKind, claims: IDToken): string | null {
  const email = str(claims.email)?.toLowerCase() ?? null;
  if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) return null;
  if (isTrue(claims.email_verified)) return email;
  if (kind === 'entra' && isTrue(claims.xms_edov)) return email;
  return null;
}

/** Whether the sign-in was multi-factor by the token's `amr`/`acr`, or by the admin's word. */
export function provedMfa(claims: IDToken, options: TSsoProviderOptions): boolean {
  if (options.assumeMfa) return true;
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((v): v is string => typeof v === 'string') : [];
  if (amr.some((v) => MFA_AMR_VALUES.includes(v.toLowerCase()))) return true;
  const acr = str(claims.acr);
  return Boolean(acr && (MFA_ACR_VALUES.includes(acr) || options.mfaAcrValues.includes(acr)));
}

/**
 * Read the validated ID token (openid-client checked issuer, audience, expiry, nonce and
 * signature) into a person, and apply the preset's own rules: Entra's allowed tenants, Google's
 * Workspace domain.
 */
export function personFrom(provider: SsoProviderConfig, claims: IDToken): SsoPerson {
  const email = verifiedEmail(provider.kind, claims);
  const person: SsoPerson = {
    issuer: claims.iss,
    subject: claims.sub,
    email,
    unverifiedEmail: email ? null : (str(claims.email)?.toLowerCase() ?? null),
    name: str(claims.name) ?? ([str(claims.given_name), str(claims.family_name)].filter(Boolean).join(' ') || null),
    tenantId: null,
    chat: null,
    mfa: provedMfa(claims, provider.options),
    claims,
  };
  if (provider.kind === 'entra') {
    const tid = str(claims.tid);
    person.tenantId = tid;
    const allowed = provider.options.allowedTenants.map((t) => t.toLowerCase());
    if (allowed.length && (!tid || !allowed.includes(tid.toLowerCase()))) throw new SsoError('tenant_not_allowed');
    const oid = str(claims.oid);
    if (oid) person.chat = { provider: 'teams', userId: oid, teamId: tid };
  }
  if (provider.kind === 'google' && provider.options.hostedDomain) {
    if (str(claims.hd)?.toLowerCase() !== provider.options.hostedDomain) throw new SsoError('hosted_domain');
  }
  if (provider.kind === 'slack') {
    const userId = str(claims['https://slack.com/user_id']) ?? claims.sub;
    const teamId = str(claims['https://slack.com/team_id']);
    person.tenantId = teamId;
    person.chat = { provider: 'slack', userId, teamId };
  }
  return person;
}
