import type { Logger } from '../logger.js';

/**
 * Batches run on demand, for the outbox relay and the delivery runner. `kick` asks for a pass a
 * moment from now (`coalesceMs`): the kicks of that moment share it, so under load a pass takes many
 * rows in one batch, and a batch's fixed cost (its claim, its reads, its transaction) is shared by
 * all of them, not paid again for every ticket change. A kick during a pass runs another right
 * after it. A pass runs batches until one comes back short of `size`.
 */
export class BatchLoop {
  private running: Promise<void> | undefined;
  private scheduled: NodeJS.Timeout | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly batch: () => Promise<number>,
    private readonly options: {
      /** The most rows a batch takes: a full batch means there may be more. */
      size: number;
      coalesceMs: number;
      logger: Logger;
      /** What a failed pass is called in the log. */
      name: string;
    },
  ) {}

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.scheduled ??= setTimeout(() => {
      this.scheduled = undefined;
      this.pass();
    }, this.options.coalesceMs);
  }

  private pass(): void {
    if (this.stopped || this.running) return;
    this.running = (async () => {
      try {
        do {
          this.again = false;
          while ((await this.batch()) === this.options.size && !this.stopped);
        } while (this.again && !this.stopped);
      } catch (err) {
        this.options.logger.warn({ err: (err as Error).message }, `${this.options.name} failed; will retry`);
      } finally {
        this.running = undefined;
      }
    })();
  }

  /** No new pass; waits for the one running. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.scheduled);
    this.scheduled = undefined;
    await this.running;
  }
}
