import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { chatProvider, users } from './schema.js';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/**
 * Single sign-on providers an admin added, and the admin's options for the provider from the
 * environment (`id = 'default'`, whose issuer and client come from OIDC_* and are null here).
 * The client secret is encrypted at rest. `options` has the shape of `ZSsoProviderOptions`.
 */
export const ssoProviders = pgTable('sso_providers', {
  id: text('id').primaryKey(),
  /** oidc, entra, google or slack: a preset decides the issuer and what the claims mean. */
  kind: text('kind').notNull(),
  displayName: text('display_name').notNull(),
  /** Generic OIDC: the issuer URL; Entra: the tenant (id, domain, organizations or common). */
  issuer: text('issuer'),
  clientId: text('client_id'),
  clientSecretEnc: text('client_secret_enc'),
  options: jsonb('options').notNull().default({}),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/**
 * A person's account at a provider (issuer + subject) and the Deskmate user it signs in as.
 * `chatProvider`/`chatUserId` name the chat account that is the same person: a Teams user's
 * `aadObjectId` is the Entra `oid`, and Sign in with Slack's subject is the Slack user id.
 */
export const ssoIdentities = pgTable(
  'sso_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    providerId: text('provider_id').notNull(),
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    /** The email the provider last vouched for (verified), if any. */
    email: text('email'),
    chatProvider: chatProvider('chat_provider'),
    chatUserId: text('chat_user_id'),
    /** Entra tenant or Slack team. */
    tenantId: text('tenant_id'),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('sso_identities_subject_idx').on(t.providerId, t.issuer, t.subject),
    index('sso_identities_user_idx').on(t.userId),
    index('sso_identities_chat_idx').on(t.chatProvider, t.chatUserId),
  ],
);

/**
 * A sign-in under way: the browser that started it (hash of a random cookie), the `state` it
 * must come back with (hash), the nonce and PKCE verifier (encrypted), where to go afterwards.
 * Used once (`consumed_at`), for ten minutes at most.
 */
export const ssoLoginStates = pgTable(
  'sso_login_states',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    providerId: text('provider_id').notNull(),
    stateHash: text('state_hash').notNull(),
    browserHash: text('browser_hash').notNull(),
    nonceEnc: text('nonce_enc').notNull(),
    codeVerifierEnc: text('code_verifier_enc').notNull(),
    returnTo: text('return_to'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    consumedAt: timestamp('consumed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('sso_login_states_state_idx').on(t.stateHash),
    index('sso_login_states_expires_idx').on(t.expiresAt),
  ],
);
