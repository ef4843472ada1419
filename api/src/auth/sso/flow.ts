import { and, eq, gt, isNull } from 'drizzle-orm';
import * as oidc from 'openid-client';
import { recordAudit, type Actor } from '../../audit/record.js';
import { ssoLoginStates } from '../../db/schema-sso.js';
import type { Services } from '../../http/context.js';
import { decrypt, encrypt, randomToken, sha256 } from '../../security/crypto.js';
import { consume } from '../../security/rate-limit.js';
import { limits } from '../limits.js';
import { afterFirstFactor, type PasswordStepResult } from '../service.js';
import { applyClaimMapping, findOrCreateSsoUser, joinChatIdentity } from './accounts.js';
import { SsoError } from './errors.js';
import { ssoPolicy } from './policy.js';
import { extraAuthParams, personFrom, SSO_SCOPES, type SsoProviderConfig } from './presets.js';
import { configurationOf, describeOidcError, pickSsoProvider, redirectUriOf } from './providers.js';

/** A sign-in must come back from the provider within this time. */
export const SSO_LOGIN_TTL_MS = 10 * 60_000;

/**
 * Start a sign-in: a row that remembers the state (hashed), the nonce and PKCE verifier
 * (encrypted) and the browser that asked (the hash of its `deskmate_sso` cookie), then the
 * provider's authorization URL (code flow, S256 PKCE, state, nonce).
 */
export async function startSsoLogin(
  services: Services,
  input: { providerId: string | undefined; returnTo: string | undefined; browser: string | undefined },
  actor: Actor,
): Promise<{ url: string; browser: string }> {
  await consume(services.db, [limits.ssoStart(actor.ip ?? 'unknown')], services.clock);
  const provider = await pickSsoProvider(services, input.providerId);
  const config = await configurationOf(provider);
  const browser = input.browser && /^[\w-]{32,64}$/.test(input.browser) ? input.browser : randomToken(32);
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const verifier = oidc.randomPKCECodeVerifier();
  const key = services.secrets.encryptionKey;
  const now = services.clock.now();
  await services.db.insert(ssoLoginStates).values({
    providerId: provider.id,
    stateHash: sha256(state),
    browserHash: sha256(browser),
    nonceEnc: encrypt(nonce, key),
    codeVerifierEnc: encrypt(verifier, key),
    returnTo: input.returnTo ?? null,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SSO_LOGIN_TTL_MS),
  });
  const url = await authorizationUrl(services, provider, config, { state, nonce, verifier });
  return { url: url.href, browser };
}

/** The authorization request of a sign-in (also shown by the admin's dry-run). */
export async function authorizationUrl(
  services: Services,
  provider: SsoProviderConfig,
  config: oidc.Configuration,
  secrets: { state: string; nonce: string; verifier: string },
): Promise<URL> {
  return oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUriOf(services),
    scope: SSO_SCOPES.join(' '),
    state: secrets.state,
    nonce: secrets.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(secrets.verifier),
    code_challenge_method: 'S256',
    ...extraAuthParams(provider),
  });
}

export interface SsoSignIn {
  result: PasswordStepResult;
  returnTo: string | null;
}

/**
 * Finish a sign-in at the callback. The state must be one this browser started, unused and
 * unexpired (it is used up here, whatever follows). openid-client then checks the response,
 * redeems the code with the PKCE verifier and validates the ID token: signature against the
 * provider's JWKS (fetched again for an unknown key id), issuer (Entra multi-tenant: the
 * `{tenantid}` template filled with the token's `tid`), audience, expiry and nonce. Deskmate
 * checks none of that itself. Then the account (accounts.ts), and the same second-factor rules
 * as a password sign-in (service.ts afterFirstFactor).
 */
export async function finishSsoLogin(
  services: Services,
  query: URLSearchParams,
  browser: string | undefined,
  actor: Actor,
): Promise<SsoSignIn> {
  const state = query.get('state');
  if (!state) throw new SsoError('state', 'no state in the callback');
  const now = services.clock.now();
  const [row] = await services.db
    .update(ssoLoginStates)
    .set({ consumedAt: now })
    .where(
      and(
        eq(ssoLoginStates.stateHash, sha256(state)),
        eq(ssoLoginStates.browserHash, sha256(browser ?? '')),
        isNull(ssoLoginStates.consumedAt),
        gt(ssoLoginStates.expiresAt, now),
      ),
    )
    .returning();
  if (!row) {
    const [known] = await services.db
      .select({ browserHash: ssoLoginStates.browserHash })
      .from(ssoLoginStates)
      .where(eq(ssoLoginStates.stateHash, sha256(state)));
    const reason = known && known.browserHash === sha256(browser ?? '') ? 'expired' : 'state';
    await audit(services, actor, { reason, provider: null });
    throw new SsoError(reason);
  }
  let provider: SsoProviderConfig;
  try {
    provider = await pickSsoProvider(services, row.providerId);
  } catch (err) {
    await audit(services, actor, { reason: 'unknown_provider', provider: row.providerId });
    throw err;
  }
  try {
    if (query.get('error'))
      throw new SsoError('provider', `${query.get('error')}: ${query.get('error_description') ?? ''}`);
    const config = await configurationOf(provider);
    const key = services.secrets.encryptionKey;
    const currentUrl = new URL(redirectUriOf(services));
    currentUrl.search = query.toString();
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
        expectedState: state,
        expectedNonce: decrypt(row.nonceEnc, key),
        pkceCodeVerifier: decrypt(row.codeVerifierEnc, key),
        idTokenExpected: true,
      });
    } catch (err) {
      throw new SsoError('provider', describeOidcError(err));
    }
    const claims = tokens.claims();
    if (!claims) throw new SsoError('provider', 'no ID token');
    const person = personFrom(provider, claims);
    const policy = await ssoPolicy(services.db);
    const result = await services.db.transaction(async (tx) => {
      const { user, matchedBy } = await findOrCreateSsoUser(tx, provider, person, actor, now);
      const userActor: Actor = { ...actor, userId: user.id, type: 'user' };
      if (!user.active) return { refused: user.id, matchedBy };
      await joinChatIdentity(tx, user, person, userActor);
      const mapped = await applyClaimMapping(tx, user, provider, claims, userActor);
      return afterFirstFactor(tx, services, mapped, userActor, {
        kind: 'sso',
        provider: provider.id,
        issuer: person.issuer,
        subject: person.subject,
        mfa: person.mfa,
        trustMfa: policy.providerMfa === 'trusted',
      });
    });
    if ('refused' in result) {
      await audit(services, actor, {
        reason: 'deactivated',
        provider: provider.id,
        subject: person.subject,
        userId: result.refused,
      });
      throw new SsoError('deactivated');
    }
    return { result, returnTo: row.returnTo };
  } catch (err) {
    if (err instanceof SsoError && err.reason !== 'deactivated') {
      services.logger.warn({ provider: provider.id, reason: err.reason, hint: err.hint }, 'single sign-on refused');
      await audit(services, actor, { reason: err.reason, provider: provider.id, hint: err.hint });
    }
    throw err;
  }
}

async function audit(
  services: Services,
  actor: Actor,
  after: { reason: string; provider: string | null; subject?: string; userId?: string; hint?: string | undefined },
): Promise<void> {
  await recordAudit(services.db, actor, {
    action: 'auth.sso_failed',
    entityType: 'user',
    entityId: after.userId ?? null,
    after,
  });
}
