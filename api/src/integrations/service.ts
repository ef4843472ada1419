import { desc, eq, isNull, and } from 'drizzle-orm';
import { recordAudit, type Actor } from '../audit/record.js';
import { apiTokens } from '../db/schema.js';
import { notFound } from '../http/errors.js';
import type { Services } from '../http/context.js';
import { API_TOKEN_PREFIX } from '../auth/session.js';
import { randomToken, sha256 } from '../security/crypto.js';

type ApiTokenRow = typeof apiTokens.$inferSelect;

export function presentApiToken(row: ApiTokenRow) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as ('chat:act' | 'api:read' | 'api:write')[],
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/** Create an API token: the secret is returned once; only its hash is kept. */
export async function createApiToken(services: Services, input: { name: string; scopes: string[] }, actor: Actor) {
  const token = `${API_TOKEN_PREFIX}${randomToken(32)}`;
  return services.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({
        name: input.name,
        scopes: [...new Set(input.scopes)],
        tokenHash: sha256(token),
        prefix: token.slice(0, 10),
        createdBy: actor.userId,
      })
      .returning();
    await recordAudit(tx, actor, {
      action: 'api_token.created',
      entityType: 'api_token',
      entityId: row!.id,
      after: presentApiToken(row!),
    });
    return { apiToken: presentApiToken(row!), token };
  });
}

export async function listApiTokens(services: Services) {
  const rows = await services.db.select().from(apiTokens).orderBy(desc(apiTokens.createdAt));
  return rows.map(presentApiToken);
}

export async function revokeApiToken(services: Services, id: string, actor: Actor): Promise<void> {
  await services.db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: services.clock.now() })
      .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
      .returning();
    if (!row) {
      const [exists] = await tx.select({ id: apiTokens.id }).from(apiTokens).where(eq(apiTokens.id, id));
      if (!exists) throw notFound('API token');
      return;
    }
    await recordAudit(tx, actor, {
      action: 'api_token.revoked',
      entityType: 'api_token',
      entityId: id,
      after: presentApiToken(row),
    });
  });
}
