import pg from 'pg';
import type { Logger } from '../logger.js';

export interface ChannelListener {
  /** A NOTIFY payload on the channel. */
  onNotify(payload: string): void;
  /**
   * The LISTEN holds again after the connection was (re)made: notifications sent while it was
   * down are lost, so look for what may have been missed.
   */
  onConnect?(): void;
}

/**
 * The one direct connection a process keeps to the primary (DATABASE_DIRECT_URL), for what needs
 * a session of its own and so cannot go through a transaction-mode pooler, which hands each
 * transaction whichever server connection is free: LISTEN (live updates, job wake-ups, the outbox
 * relay) and session advisory locks (the IMAP poll). Every channel shares it. After a loss it
 * reconnects every second, LISTENs again and tells each listener, which catches up.
 * Transaction-scoped work (pg_notify, pg_advisory_xact_lock) belongs on the pool, not here.
 */
export class SessionConnection {
  private client: pg.Client | undefined;
  private readonly channels = new Map<string, Set<ChannelListener>>();
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Per lock key, the last of this process's callers of `withLockWaiting` (they take turns). */
  private readonly queues = new Map<string, Promise<void>>();
  /** Keys `tryLockMany` holds (a session lock is re-entrant: this process must not take one twice). */
  private readonly heldMany = new Set<string>();

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    private readonly applicationName = 'deskmate-session',
  ) {}

  /** Connect (a failure is logged and retried in the background: the pool may still serve). */
  async start(): Promise<void> {
    await this.connect();
  }

  /** Whether the connection is up now. */
  get connected(): boolean {
    return this.client !== undefined;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.url,
      application_name: this.applicationName,
      keepAlive: true,
    });
    client.on('error', (err) => {
      this.logger.warn({ err: err.message }, 'database session connection lost; reconnecting');
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    client.on('notification', (msg) => {
      for (const listener of this.channels.get(msg.channel) ?? []) listener.onNotify(msg.payload ?? '');
    });
    try {
      await client.connect();
      const names = [...this.channels.keys()];
      if (names.length) await client.query(names.map((n) => `LISTEN ${pg.escapeIdentifier(n)}`).join('; '));
      if (this.stopped) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'database session connection failed; retrying');
      this.reconnect(client);
      return;
    }
    for (const listeners of this.channels.values()) for (const l of listeners) l.onConnect?.();
  }

  private reconnect(client: pg.Client): void {
    if (this.stopped || this.retry || (this.client && this.client !== client)) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect();
    }, 1000);
    this.retry.unref();
  }

  /**
   * LISTEN on `channel` for as long as the connection lives, across reconnections. Resolves once
   * the LISTEN holds (or at once while disconnected: it is issued when the connection is back).
   * Returns the way to stop listening.
   */
  async listen(channel: string, listener: ChannelListener): Promise<() => Promise<void>> {
    let listeners = this.channels.get(channel);
    const first = !listeners;
    if (!listeners) this.channels.set(channel, (listeners = new Set()));
    listeners.add(listener);
    if (first && this.client) await this.client.query(`LISTEN ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
    return async () => {
      if (!listeners.delete(listener) || listeners.size) return;
      this.channels.delete(channel);
      await this.client?.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => undefined);
    };
  }

  /**
   * Run `fn` while this process holds the session advisory lock `key`; null, without running it,
   * when another session holds it. Throws when the connection is down. A lock outlives nothing: it
   * is released after `fn`, and with the session if the connection is lost meanwhile.
   */
  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T | null> {
    const client = this.client;
    if (!client) throw new Error('the database session connection is down');
    if (!(await tryLock(client, key))) return null;
    try {
      return await fn();
    } finally {
      if (this.client === client) await unlock(client, key);
    }
  }

  /**
   * Run `fn` holding the session advisory lock `key`, waiting for it as long as `timeoutMs`
   * (then LockTimeoutError): behind this process's own holders first (a session lock is
   * re-entrant, so they would not wait for each other), then behind other processes', trying
   * again every 25–200 ms rather than blocking, since this connection also carries every LISTEN.
   * Nothing pooled is held meanwhile: this is how work that waits on the network (a chat
   * message) is serialised without keeping a transaction open through a pooler. The lock is
   * lost with the connection, as with `withLock`.
   */
  async withLockWaiting<T>(key: string, fn: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
    const before = this.queues.get(key) ?? Promise.resolve();
    let done!: () => void;
    const turn = new Promise<void>((resolve) => (done = resolve));
    const mine = before.then(() => turn);
    this.queues.set(key, mine);
    try {
      await before;
      const deadline = Date.now() + timeoutMs;
      for (let delay = 25; ; delay = Math.min(delay * 2, 200)) {
        const client = this.client;
        if (!client) throw new Error('the database session connection is down');
        if (await tryLock(client, key)) {
          try {
            return await fn();
          } finally {
            if (this.client === client) await unlock(client, key);
          }
        }
        if (Date.now() + delay > deadline) throw new LockTimeoutError(key, timeoutMs);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    } finally {
      done();
      if (this.queues.get(key) === mine) this.queues.delete(key);
    }
  }

  /**
   * Take, in one statement, each of the session advisory locks `keys` that no other session holds
   * and nothing in this process is using (`withLockWaiting`, an earlier `tryLockMany`); returns
   * those taken, to be given back with `unlockMany`. Throws when the connection is down. As with
   * `withLock`, a lock is lost with the connection.
   */
  async tryLockMany(keys: readonly string[]): Promise<Set<string>> {
    const client = this.client;
    if (!client) throw new Error('the database session connection is down');
    const free = [...new Set(keys)].filter((k) => !this.queues.has(k) && !this.heldMany.has(k));
    if (!free.length) return new Set();
    for (const k of free) this.heldMany.add(k);
    try {
      const { rows } = await client.query<{ key: string }>(
        'SELECT key FROM unnest($1::text[]) AS key WHERE pg_try_advisory_lock(hashtextextended(key, 0))',
        [free],
      );
      const taken = new Set(rows.map((r) => r.key));
      for (const k of free) if (!taken.has(k)) this.heldMany.delete(k);
      return taken;
    } catch (err) {
      for (const k of free) this.heldMany.delete(k);
      throw err;
    }
  }

  /** Give back locks `tryLockMany` took (nothing to do when the connection, and so they, went). */
  async unlockMany(keys: Iterable<string>): Promise<void> {
    const list = [...keys];
    try {
      if (list.length && this.client)
        await this.client
          .query('SELECT pg_advisory_unlock(hashtextextended(key, 0)) FROM unnest($1::text[]) AS key', [list])
          .catch(() => undefined);
    } finally {
      for (const k of list) this.heldMany.delete(k);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

/** `withLockWaiting` gave up: another session held the lock all along. */
export class LockTimeoutError extends Error {
  override name = 'LockTimeoutError';
  constructor(key: string, timeoutMs: number) {
    super(`the lock ${JSON.stringify(key)} was held elsewhere for ${timeoutMs} ms`);
  }
}

async function tryLock(client: pg.Client, key: string): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [
    key,
  ]);
  return rows[0]?.ok === true;
}

async function unlock(client: pg.Client, key: string): Promise<void> {
  await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]).catch(() => undefined);
}
