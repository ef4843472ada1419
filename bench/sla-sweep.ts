/**
 * The SLA sweep over 100,000 open tickets, timed in-process (not over HTTP): every ticket is made
 * open with running clocks, `due` of them past their first-response due time; the sweep's job
 * handler is then run as a worker would. Each timed run acts on the `due` tickets (escalation row,
 * timeline event, audit, outbox rows, notifications to assignee and group, priority raise and
 * recomputed clocks), then they are re-armed for the next run. An idle sweep (nothing due) is
 * timed too: the cost of looking at 100,000 open tickets.
 */
import pg from 'pg';
import { createDatabase, loadConfig, silentLogger, systemClock } from '@deskmate/api';
import { slaSweep } from '../api/src/jobs/definitions/sla-sweep.js';
import type { JobContext } from '../api/src/jobs/registry.js';
import { SLA_STATE_SQL } from './seed.js';

export interface SweepBenchResult {
  openTickets: number;
  /** Tickets each acting run escalated. */
  acted: number;
  actingMs: number[];
  idleMs: number[];
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchSlaSweep(
  url: string,
  options: { due?: number; runs?: number } = {},
): Promise<SweepBenchResult> {
  const due = options.due ?? 100;
  const runs = options.runs ?? 5;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const database = createDatabase(url, { max: 4 });
  const ctx = {
    db: database.db,
    clock: systemClock,
    logger: silentLogger(),
    config: loadConfig({ LOG_LEVEL: 'silent' }),
    attempt: 1,
    senders: [],
  } as unknown as JobContext;
  try {
    await client.query(
      `UPDATE tickets SET status = 'open', resolved_at = NULL, closed_at = NULL, merged_into_id = NULL`,
    );
    await client.query(SLA_STATE_SQL);
    const n = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM tickets WHERE status = 'open'`))
      .rows[0]!.n;
    const every = Math.floor(n / due);
    const arm = () =>
      client.query(
        `WITH armed AS (
           DELETE FROM sla_escalations WHERE ticket_id IN (SELECT id FROM tickets WHERE number % $1 = 0) RETURNING 1
         )
         UPDATE tickets SET priority = 'medium', escalation_level = 0,
           first_response_warned_at = now() - interval '1 hour', first_response_breached_at = NULL,
           first_response_due_at = now() - interval '1 minute', sla_next_action_at = now() - interval '1 minute',
           first_response_running_since = now() - interval '8 hours', resolution_running_since = now() - interval '8 hours'
         WHERE number % $1 = 0`,
        [every],
      );
    await client.query('ANALYZE tickets');
    const time = async () => {
      const started = performance.now();
      await slaSweep.handler({}, ctx);
      return performance.now() - started;
    };
    // Warm-up: connections, prepared plans, calendars compiled.
    await arm();
    await time();
    const actingMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      await arm();
      actingMs.push(await time());
    }
    const acted = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM sla_escalations`)).rows[0]!.n;
    const idleMs: number[] = [];
    for (let i = 0; i < runs; i++) idleMs.push(await time());
    return { openTickets: n, acted, actingMs, idleMs };
  } finally {
    await database.close();
    await client.end();
  }
}
