import { asc, eq, sql } from 'drizzle-orm';
import * as oidc from 'openid-client';
import {
  ENV_SSO_PROVIDER_ID,
  ZSsoProviderOptions,
  type TCreateSsoProviderRequest,
  type TSsoProvider,
  type TSsoProviderInput,
  type TSsoProviderOptions,
} from '@deskmate/shared';
import { recordAudit, type Actor } from '../../audit/record.js';
import { issuerAllowed } from '../../config.js';
import type { DbOrTx } from '../../db/client.js';
import { ssoProviders } from '../../db/schema-sso.js';
import { AppError, notFound } from '../../http/errors.js';
import type { Services } from '../../http/context.js';
import { decrypt, encrypt, sha256 } from '../../security/crypto.js';
import { SsoError } from './errors.js';
import { issuerFor, kindOfIssuer, type SsoProviderConfig } from './presets.js';

type ProviderRow = typeof ssoProviders.$inferSelect;

/** The path of the callback: PUBLIC_URL + this is the redirect URI registered with every provider. */
export const CALLBACK_PATH = '/api/auth/oidc/callback';
export const redirectUriOf = (services: Services) => `${services.publicUrl()}${CALLBACK_PATH}`;
export const loginUrlOf = (id: string) => `/api/auth/oidc/login?provider=${encodeURIComponent(id)}`;

function optionsOf(row: ProviderRow | undefined): TSsoProviderOptions {
  const parsed = ZSsoProviderOptions.safeParse(row?.options ?? {});
  return parsed.success ? parsed.data : ZSsoProviderOptions.parse({});
}

/** The provider of OIDC_* variables, with the options an admin saved for it. */
function envProvider(services: Services, row: ProviderRow | undefined): SsoProviderConfig | null {
  const { config } = services;
  if (!config.OIDC_ISSUER || !config.OIDC_CLIENT_ID) return null;
  const options = optionsOf(row);
  const fromEnv = config.OIDC_ALLOWED_DOMAINS ?? [];
  return {
    id: ENV_SSO_PROVIDER_ID,
    ...kindOfIssuer(config.OIDC_ISSUER),
    displayName: config.OIDC_DISPLAY_NAME,
    source: 'env',
    issuer: config.OIDC_ISSUER,
    clientId: config.OIDC_CLIENT_ID,
    clientSecret: config.OIDC_CLIENT_SECRET,
    enabled: row?.enabled ?? true,
    options: { ...options, allowedDomains: [...new Set([...fromEnv, ...options.allowedDomains])] },
  };
}

function consoleProvider(services: Services, row: ProviderRow): SsoProviderConfig {
  const kind = row.kind as SsoProviderConfig['kind'];
  return {
    id: row.id,
    kind,
    displayName: row.displayName,
    source: 'console',
    issuer: issuerFor(kind, { issuer: row.issuer, tenant: row.issuer }),
    tenant: kind === 'entra' ? row.issuer : null,
    clientId: row.clientId ?? '',
    clientSecret: row.clientSecretEnc ? decrypt(row.clientSecretEnc, services.secrets.encryptionKey) : undefined,
    enabled: row.enabled,
    options: optionsOf(row),
  };
}

/** Every configured provider: the environment's first, then the console's by id. */
export async function listSsoProviders(services: Services, db: DbOrTx = services.db): Promise<SsoProviderConfig[]> {
  const rows = await db.select().from(ssoProviders).orderBy(asc(ssoProviders.id));
  const env = envProvider(
    services,
    rows.find((r) => r.id === ENV_SSO_PROVIDER_ID),
  );
  const others = rows.filter((r) => r.id !== ENV_SSO_PROVIDER_ID).map((r) => consoleProvider(services, r));
  return env ? [env, ...others] : others;
}

/** The enabled provider a sign-in names; with no name, the only one there is. */
export async function pickSsoProvider(services: Services, id: string | undefined): Promise<SsoProviderConfig> {
  const enabled = (await listSsoProviders(services)).filter((p) => p.enabled);
  if (id === undefined) {
    if (enabled.length === 1) return enabled[0]!;
    if (enabled.length === 0) throw new SsoError('unknown_provider');
    throw new AppError(
      'bad_request',
      `Name the provider with ?provider= (one of ${enabled.map((p) => p.id).join(', ')})`,
    );
  }
  const found = enabled.find((p) => p.id === id);
  if (!found) throw new SsoError('unknown_provider');
  return found;
}

export async function getSsoProvider(services: Services, id: string): Promise<SsoProviderConfig> {
  const found = (await listSsoProviders(services)).find((p) => p.id === id);
  if (!found) throw notFound('Provider');
  return found;
}

export function presentSsoProvider(provider: SsoProviderConfig): TSsoProvider {
  return {
    id: provider.id,
    kind: provider.kind,
    displayName: provider.displayName,
    source: provider.source,
    issuer: provider.issuer,
    tenant: provider.tenant,
    clientId: provider.clientId,
    hasClientSecret: Boolean(provider.clientSecret),
    enabled: provider.enabled,
    options: provider.options,
    loginUrl: loginUrlOf(provider.id),
  };
}

// ---- Discovery -----------------------------------------------------------------------------

const DISCOVERY_TTL_MS = 60 * 60_000;
const configurations = new Map<string, { at: number; config: Promise<oidc.Configuration> }>();

/** http is allowed only for a provider on this machine (config.ts `issuerAllowed`); never elsewhere. */
const isLoopbackHttp = (issuer: string) => issuer.startsWith('http:') && issuerAllowed(issuer);

/**
 * The openid-client configuration of a provider: discovery, kept for an hour per process (a
 * cache, not state: any process rebuilds it). The library keeps the JWKS with it and fetches the
 * keys again when a token names a key id it has not seen (key rotation).
 */
export function configurationOf(provider: SsoProviderConfig): Promise<oidc.Configuration> {
  const key = [provider.id, provider.issuer, provider.clientId, sha256(provider.clientSecret ?? '')].join('\n');
  const cached = configurations.get(key);
  if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.config;
  const config = discover(provider);
  configurations.set(key, { at: Date.now(), config });
  config.catch(() => configurations.delete(key));
  return config;
}

export async function discover(provider: SsoProviderConfig): Promise<oidc.Configuration> {
  const auth = provider.clientSecret ? oidc.ClientSecretPost(provider.clientSecret) : oidc.None();
  try {
    // enableNonRepudiationChecks: the ID token's signature is checked against the provider's
    // JWKS even though it came straight from the token endpoint over TLS (the library skips that
    // by default); a forged or wrongly keyed token is refused whatever the transport.
    return await oidc.discovery(new URL(provider.issuer), provider.clientId, undefined, auth, {
      timeout: 10,
      execute: [
        oidc.enableNonRepudiationChecks,
        ...(isLoopbackHttp(provider.issuer) ? [oidc.allowInsecureRequests] : []),
      ],
    });
  } catch (err) {
    throw new SsoError('unavailable', describeOidcError(err));
  }
}

/** A library error in one line for the log and the admin's test: its code and message, never a token. */
export function describeOidcError(err: unknown): string {
  const e = err as { code?: string; message?: string; error?: string; error_description?: string };
  const parts = [e.code, e.error, e.error_description ?? e.message].filter(Boolean);
  // The JWT claim or metadata attribute the library found wrong (aud, exp, nonce, iss …).
  // and the innermost error's message (such as the JOSE library's "signature verification failed").
  let inner: string | undefined;
  for (let c = (err as { cause?: unknown }).cause, depth = 0; c && depth < 5; depth++) {
    const named = c as { claim?: string; attribute?: string; cause?: unknown; message?: unknown };
    if (named.claim || named.attribute) parts.push(`(${named.claim ?? named.attribute})`);
    if (c instanceof Error && c.message) inner = c.message;
    c = named.cause;
  }
  if (inner && !parts.includes(inner)) parts.push(inner);
  return parts.join(': ').slice(0, 500) || 'unknown error';
}

// ---- Admin changes -------------------------------------------------------------------------

function checkConnection(input: TSsoProviderInput): { issuerColumn: string | null } {
  if (input.kind === 'oidc') {
    if (!input.issuer)
      throw new AppError('validation_failed', 'Invalid body.issuer: a generic provider needs its issuer URL');
    if (!issuerAllowed(input.issuer)) {
      throw new AppError('validation_failed', 'Invalid body.issuer: must be https:// (http:// only on this machine)');
    }
    return { issuerColumn: input.issuer };
  }
  if (input.kind === 'entra') {
    if (!input.tenant) {
      throw new AppError(
        'validation_failed',
        'Invalid body.tenant: Entra ID needs a tenant id, organizations or common',
      );
    }
    return { issuerColumn: input.tenant };
  }
  return { issuerColumn: null };
}

export async function createSsoProvider(
  services: Services,
  input: TCreateSsoProviderRequest,
  actor: Actor,
): Promise<SsoProviderConfig> {
  if (input.id === ENV_SSO_PROVIDER_ID) {
    throw new AppError('conflict', `The id ${ENV_SSO_PROVIDER_ID} is the provider of the OIDC_* variables`);
  }
  const { issuerColumn } = checkConnection(input);
  const options = ZSsoProviderOptions.parse(input.options ?? {});
  await services.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(ssoProviders)
      .values({
        id: input.id,
        kind: input.kind,
        displayName: input.displayName,
        issuer: issuerColumn,
        clientId: input.clientId,
        clientSecretEnc: input.clientSecret ? encrypt(input.clientSecret, services.secrets.encryptionKey) : null,
        options,
        enabled: input.enabled ?? true,
      })
      .onConflictDoNothing()
      .returning({ id: ssoProviders.id });
    if (!inserted.length) throw new AppError('conflict', `A provider with the id ${input.id} exists`);
    await recordAudit(tx, actor, {
      action: 'sso.provider_created',
      entityType: 'sso_provider',
      entityId: input.id,
      after: {
        kind: input.kind,
        displayName: input.displayName,
        issuer: issuerColumn,
        clientId: input.clientId,
        options,
      },
    });
  });
  return getSsoProvider(services, input.id);
}

export async function updateSsoProvider(
  services: Services,
  id: string,
  input: TSsoProviderInput,
  actor: Actor,
): Promise<SsoProviderConfig> {
  if (id === ENV_SSO_PROVIDER_ID) {
    throw new AppError('conflict', 'This provider comes from the OIDC_* variables: change its options only');
  }
  const { issuerColumn } = checkConnection(input);
  const options = ZSsoProviderOptions.parse(input.options ?? {});
  await services.db.transaction(async (tx) => {
    const [before] = await tx.select().from(ssoProviders).where(eq(ssoProviders.id, id)).for('update');
    if (!before) throw notFound('Provider');
    await tx
      .update(ssoProviders)
      .set({
        kind: input.kind,
        displayName: input.displayName,
        issuer: issuerColumn,
        clientId: input.clientId,
        ...(input.clientSecret ? { clientSecretEnc: encrypt(input.clientSecret, services.secrets.encryptionKey) } : {}),
        options,
        enabled: input.enabled ?? true,
        updatedAt: sql`now()`,
      })
      .where(eq(ssoProviders.id, id));
    await recordAudit(tx, actor, {
      action: 'sso.provider_updated',
      entityType: 'sso_provider',
      entityId: id,
      before: { kind: before.kind, displayName: before.displayName, issuer: before.issuer, options: before.options },
      after: {
        kind: input.kind,
        displayName: input.displayName,
        issuer: issuerColumn,
        options,
        secretChanged: Boolean(input.clientSecret),
      },
    });
  });
  return getSsoProvider(services, id);
}

/** The environment's provider: its connection is the environment's; its options are the admin's. */
export async function updateEnvSsoProvider(
  services: Services,
  input: { enabled?: boolean | undefined; options: TSsoProviderOptions },
  actor: Actor,
): Promise<SsoProviderConfig> {
  const provider = (await listSsoProviders(services)).find((p) => p.id === ENV_SSO_PROVIDER_ID);
  if (!provider) throw new AppError('not_found', 'No provider is configured by OIDC_ISSUER');
  const options = ZSsoProviderOptions.parse(input.options);
  const enabled = input.enabled ?? true;
  await services.db.transaction(async (tx) => {
    await tx
      .insert(ssoProviders)
      .values({ id: ENV_SSO_PROVIDER_ID, kind: provider.kind, displayName: provider.displayName, options, enabled })
      .onConflictDoUpdate({ target: ssoProviders.id, set: { options, enabled, updatedAt: sql`now()` } });
    await recordAudit(tx, actor, {
      action: 'sso.provider_updated',
      entityType: 'sso_provider',
      entityId: ENV_SSO_PROVIDER_ID,
      before: { options: provider.options, enabled: provider.enabled },
      after: { options, enabled },
    });
  });
  return getSsoProvider(services, ENV_SSO_PROVIDER_ID);
}

export async function deleteSsoProvider(services: Services, id: string, actor: Actor): Promise<void> {
  if (id === ENV_SSO_PROVIDER_ID) {
    throw new AppError('conflict', 'This provider comes from the OIDC_* variables: unset OIDC_ISSUER to remove it');
  }
  await services.db.transaction(async (tx) => {
    const [row] = await tx.delete(ssoProviders).where(eq(ssoProviders.id, id)).returning();
    if (!row) throw notFound('Provider');
    await recordAudit(tx, actor, {
      action: 'sso.provider_deleted',
      entityType: 'sso_provider',
      entityId: id,
      before: { kind: row.kind, displayName: row.displayName, issuer: row.issuer },
    });
  });
}
