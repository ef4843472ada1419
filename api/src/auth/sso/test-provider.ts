import * as oidc from 'openid-client';
import type { TSsoTestResult } from '@deskmate/shared';
import type { Services } from '../../http/context.js';
import { type SsoError } from './errors.js';
import { authorizationUrl } from './flow.js';
import { SSO_SCOPES, type SsoProviderConfig } from './presets.js';
import { discover, redirectUriOf } from './providers.js';

/**
 * The admin's "Test": discovery now (not from the cache), the keys the provider publishes, and a
 * dry-run of the authorization request a sign-in would send (sample state, nonce and challenge;
 * nothing is sent to the provider but the discovery and JWKS requests).
 */
export async function testSsoProvider(services: Services, provider: SsoProviderConfig): Promise<TSsoTestResult> {
  const redirectUri = redirectUriOf(services);
  const base = {
    discoveryUrl: `${provider.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`,
    redirectUri,
    scopes: SSO_SCOPES,
  };
  let config: oidc.Configuration;
  try {
    config = await discover(provider);
  } catch (err) {
    return { ok: false, ...base, error: `Discovery failed: ${(err as SsoError).hint ?? 'no answer'}`, warnings: [] };
  }
  const meta = config.serverMetadata();
  const warnings: string[] = [];
  if (!meta.supportsPKCE('S256')) {
    warnings.push(
      'The provider does not announce S256 PKCE; Deskmate sends it anyway (state and nonce still protect the flow).',
    );
  }
  if (!provider.clientSecret) warnings.push('No client secret: Deskmate authenticates as a public client (PKCE only).');
  if (!redirectUri.startsWith('https:')) {
    warnings.push(
      `The redirect URI is not https (${redirectUri}); most providers accept http only for localhost. Set PUBLIC_URL.`,
    );
  }
  if (provider.kind === 'entra' && meta.issuer.includes('{tenantid}') && !provider.options.allowedTenants.length) {
    warnings.push(
      'Multi-tenant Entra ID with no allowed tenants: work accounts of any organisation can sign in (linking needs a verified email; new accounts need an allowed domain).',
    );
  }
  let signingKeys: string[] | undefined;
  if (meta.jwks_uri) {
    try {
      const res = await fetch(meta.jwks_uri, { signal: AbortSignal.timeout(10_000), redirect: 'error' });
      const body = (await res.json()) as { keys?: { kid?: string; use?: string }[] };
      signingKeys = (body.keys ?? []).filter((k) => k.use !== 'enc').map((k) => k.kid ?? '(no kid)');
      if (!signingKeys.length) warnings.push('The provider publishes no signing keys at its jwks_uri.');
    } catch {
      warnings.push(`The signing keys at ${meta.jwks_uri} could not be read.`);
    }
  }
  const sample = { state: 'sample-state', nonce: 'sample-nonce', verifier: oidc.randomPKCECodeVerifier() };
  return {
    ok: true,
    ...base,
    issuer: meta.issuer,
    authorizationEndpoint: meta.authorization_endpoint,
    tokenEndpoint: meta.token_endpoint,
    jwksUri: meta.jwks_uri,
    ...(signingKeys ? { signingKeys } : {}),
    pkceS256: meta.supportsPKCE('S256'),
    authorizationUrl: (await authorizationUrl(services, provider, config, sample)).href,
    warnings,
  };
}
