import { eq, inArray, sql } from 'drizzle-orm';
import type { TDeliverySender } from '@deskmate/shared';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { SessionConnection } from '../db/session.js';
import { outbox } from '../db/schema.js';
import { deliveries } from '../db/schema-delivery.js';
import type { Logger } from '../logger.js';
import { BatchLoop } from './batch-loop.js';
import { FactsReader } from './facts.js';
import { readOutboxRow } from './outbox.js';
import { refKeyColumns } from './message-refs.js';
import { readTeamsTriage } from '../integrations/teams-settings.js';

export const OUTBOX_CHANNEL = 'deskmate_outbox';
const BATCH = 100;
/** How long a kick waits for others to join its pass (BatchLoop). */
const COALESCE_MS = 20;

type OutboxRow = typeof outbox.$inferSelect;

/**
 * Turns outbox rows into deliveries: each channel plans its messages from the row's facts, and
 * each message becomes a delivery with its own retries, sent by the DeliveryRunner. Rows are
 * claimed with FOR UPDATE SKIP LOCKED, so any number of workers relay without doing a row twice.
 * Woken by NOTIFY on every outbox insert, and polling as a backstop.
 */
export class OutboxRelay {
  private unlisten: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly loop: BatchLoop;
  private stopped = false;

  constructor(
    private readonly options: {
      /** The process's session connection, where the relay LISTENs for new outbox rows. */
      session: SessionConnection;
      db: Db;
      senders: TDeliverySender[];
      clock: Clock;
      logger: Logger;
      pollMs: number;
      /** Called when a batch planned deliveries, once they are committed (the runner's kick). */
      onDeliveries?: () => void;
    },
  ) {
    this.loop = new BatchLoop(() => this.relayBatch(), {
      size: BATCH,
      coalesceMs: COALESCE_MS,
      logger: options.logger,
      name: 'outbox relay pass',
    });
  }

  async start(): Promise<void> {
    // A new connection may have missed NOTIFYs: a pass then finds their rows.
    this.unlisten = await this.options.session.listen(OUTBOX_CHANNEL, {
      onNotify: () => this.kick(),
      onConnect: () => this.kick(),
    });
    this.timer = setInterval(() => this.kick(), this.options.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Run a relay pass soon (see BatchLoop: the rows written meanwhile go in the same batch). */
  kick(): void {
    if (!this.stopped) this.loop.kick();
  }

  /** One batch in one transaction; returns how many rows it took. */
  async relayBatch(): Promise<number> {
    const { db, senders, clock } = this.options;
    let newDeliveries = false;
    const taken = await db.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(outbox)
        .where(sql`${outbox.status} = 'pending' AND ${outbox.nextAttemptAt} <= now()`)
        .orderBy(outbox.id)
        .limit(BATCH)
        .for('update', { skipLocked: true });
      // Read once per batch: whether Teams has a triage channel to plan cards for.
      const teamsTriageChosen =
        rows.length && senders.some((s) => s.channel === 'teams') ? (await readTeamsTriage(tx)) != null : undefined;
      // A row that breaks the contract (an unknown kind, a payload that does not fit it) can never
      // be delivered: it is set aside as dead, with why, instead of failing every pass.
      const valid: OutboxRow[] = [];
      for (const row of rows) {
        const invalid = contractError(row);
        if (!invalid) {
          valid.push(row);
          continue;
        }
        await tx
          .update(outbox)
          .set({ status: 'dead', lastError: invalid.slice(0, 1000), attempts: row.attempts + 1 })
          .where(eq(outbox.id, row.id));
        this.options.logger.warn({ outboxId: row.id, kind: row.kind, err: invalid }, 'outbox row set aside');
      }
      // Every row's facts read together (a few statements for the whole batch: FactsReader), then
      // each row's plans, then one statement each for the deliveries and the rows.
      const reader = new FactsReader(tx, clock.now());
      const facts = senders.length
        ? await Promise.all(valid.map(async (row) => ({ ...(await reader.facts(row)), teamsTriageChosen })))
        : [];
      const planned: (typeof deliveries.$inferInsert)[] = [];
      valid.forEach((row, i) => {
        const rowFacts = facts[i];
        for (const sender of senders) {
          for (const plan of rowFacts ? sender.plan(rowFacts) : []) {
            planned.push({
              outboxId: row.id,
              channel: sender.channel,
              kind: plan.kind,
              target: plan.target,
              ...refKeyColumns(plan.refKey),
            });
          }
        }
      });
      const relayed = valid.map((row) => row.id);
      if (planned.length) {
        await tx.insert(deliveries).values(planned).onConflictDoNothing();
        newDeliveries = true;
      }
      if (relayed.length) {
        await tx
          .update(outbox)
          .set({ status: 'delivered', deliveredAt: clock.now(), attempts: sql`${outbox.attempts} + 1` })
          .where(inArray(outbox.id, relayed));
      }
      return rows.length;
    });
    // Committed: the runner may send them now.
    if (newDeliveries) this.options.onDeliveries?.();
    return taken;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.loop.stop();
    await this.unlisten?.();
  }
}

function contractError(row: OutboxRow): string | null {
  try {
    readOutboxRow(row);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
