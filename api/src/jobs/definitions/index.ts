import { purgeExpired } from './purge-expired.js';

/** Every job Deskmate knows, by name. Add a definition file and list it here. */
export const jobDefinitions = {
  [purgeExpired.name]: purgeExpired,
} as const;

export type JobDefinitions = typeof jobDefinitions;
export type JobName = keyof JobDefinitions;
