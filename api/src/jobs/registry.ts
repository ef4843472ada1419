import type { z } from 'zod';
import { RetryAfterError, type TDeliverySender, type TInboundHandler } from '@deskmate/shared';
import type { Config } from '../config.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { SessionConnection } from '../db/session.js';
import type { Logger } from '../logger.js';

/** What every job handler gets besides its payload. */
export interface JobContext {
  db: Db;
  logger: Logger;
  clock: Clock;
  config: Config;
  /** Attempt number, 1 for the first run. */
  attempt: number;
  /** The channels this process can send through (Slack, Teams, email). */
  senders: TDeliverySender[];
  /** The channels this process can act on inbound chat requests for (Slack). */
  inbound: TInboundHandler[];
  /**
   * The process's direct session connection (a worker always has one): its advisory locks
   * serialise work that waits on the network without holding a pooled connection.
   */
  session?: SessionConnection;
}

export interface RetryPolicy {
  /** Total runs before the job is dead (1 = never retried). */
  attempts: number;
  /** Delay before the first retry; doubled for each retry after it. */
  backoffMs: number;
  maxBackoffMs?: number;
}

/** A job: its name, the zod schema of its payload, its handler and its retry policy. */
export interface JobDefinition<Name extends string, Schema extends z.ZodType> {
  name: Name;
  payload: Schema;
  handler(payload: z.output<Schema>, ctx: JobContext): Promise<void>;
  retry: RetryPolicy;
  /** Runs of this job at once in one worker. */
  concurrency?: number;
  /**
   * How long a run's lock lasts without a refresh before another worker may take the job over
   * (default JOBS_LOCK_LIFETIME; the worker refreshes it every third of this while the run lasts).
   */
  lockLifetimeMs?: number;
  /** Runs once when the job is dead (its retries are spent or it failed permanently). */
  onDead?(payload: z.output<Schema>, ctx: JobContext, error: Error): Promise<void>;
  /** For recurring jobs: how often, in milliseconds, from the config. */
  every?: (config: Config) => number;
}

export function defineJob<Name extends string, Schema extends z.ZodType>(
  definition: JobDefinition<Name, Schema>,
): JobDefinition<Name, Schema> {
  return definition;
}

/** A failure that retrying cannot fix (an invalid payload): the job goes dead at once. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

/** Delay before the next run after `failures` failed runs, or null when the job is dead. */
export function retryDelay(policy: RetryPolicy, failures: number, error: unknown): number | null {
  if (error instanceof PermanentJobError || failures >= policy.attempts) return null;
  // The service said when: honour Retry-After (within the policy's ceiling).
  if (error instanceof RetryAfterError)
    return Math.min(Math.max(error.retryAfterMs, 1000), policy.maxBackoffMs ?? 60 * 60_000);
  const delay = policy.backoffMs * 2 ** (failures - 1);
  return Math.min(delay, policy.maxBackoffMs ?? 60 * 60_000);
}
