import { eq } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { settings } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { randomToken } from './crypto.js';

export interface Secrets {
  jwtSecret: string;
  encryptionKey: string;
  /** The API token of this desk's own bot (INTEGRATION_TOKEN, else generated once). */
  integrationToken: string;
}

/**
 * Keys from configuration, or generated once and kept in the settings table so that every
 * instance on the database agrees (the embedded default needs no configuration).
 */
export async function resolveSecrets(db: Db, config: Config, logger: Logger): Promise<Secrets> {
  const stored = async (key: string): Promise<string> => {
    await db
      .insert(settings)
      .values({ key, value: randomToken(48) })
      .onConflictDoNothing();
    const [row] = await db.select().from(settings).where(eq(settings.key, key));
    if (typeof row?.value !== 'string') throw new Error(`setting ${key} is not a string`);
    return row.value;
  };
  if ((!config.JWT_SECRET || !config.ENCRYPTION_KEY) && config.NODE_ENV === 'production') {
    logger.warn('JWT_SECRET or ENCRYPTION_KEY is not set: using keys generated and stored in the database');
  }
  return {
    jwtSecret: config.JWT_SECRET ?? (await stored('secret.jwt')),
    encryptionKey: config.ENCRYPTION_KEY ?? (await stored('secret.encryption')),
    integrationToken: config.INTEGRATION_TOKEN ?? `dm_${await stored('secret.integration_token')}`,
  };
}
