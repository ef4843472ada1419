import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import type { SessionConnection } from '../db/session.js';
import type { Services } from '../http/context.js';
import { processInboundEmail, recordOversizedEmail } from './inbound.js';

export interface PollResult {
  /** Messages read and moved to the processed folder. */
  processed: number;
  /** False when another worker held the poll lock. */
  polled: boolean;
}

export interface ImapPoller {
  /** Run one poll now (tests; the timer runs them otherwise). */
  pollNow(): Promise<PollResult>;
  stop(): Promise<void>;
}

const BATCH = 50;

/** IMAP_URL as imapflow options: imaps:// is TLS; imap:// upgrades with STARTTLS when offered. */
export function imapOptions(url: string): ImapFlowOptions {
  const u = new URL(url);
  const secure = u.protocol === 'imaps:';
  return {
    host: u.hostname,
    port: Number(u.port) || (secure ? 993 : 143),
    secure,
    auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    ...(u.searchParams.get('tls.rejectUnauthorized') === 'false' ? { tls: { rejectUnauthorized: false } } : {}),
  };
}

/**
 * Poll IMAP_URL every IMAP_POLL_INTERVAL on worker processes: each message of IMAP_MAILBOX goes
 * through `processInboundEmail` and is then moved to IMAP_PROCESSED_FOLDER, whatever became of
 * it (the record says). A message whose processing failed (the database was away) stays for the
 * next poll. Only one worker polls at a time (a PostgreSQL advisory lock); the Message-ID record
 * would make a second reading a no-op anyway.
 */
export function startImapPoller(
  services: Services,
  options: { session: SessionConnection; intervalMs?: number; start?: boolean },
): ImapPoller {
  const { config, logger } = services;
  const url = config.IMAP_URL;
  if (!url) throw new Error('IMAP_URL is not set');
  const interval = options.intervalMs ?? config.IMAP_POLL_INTERVAL;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<PollResult> | undefined;
  let stopped = false;

  // A session lock, on the process's session connection: through a transaction-mode pooler a
  // pooled connection's session lock would be held by whichever transaction ran there next.
  const pollOnce = async (): Promise<PollResult> =>
    (await options.session.withLock('deskmate:imap-poll', async () => ({
      processed: await readMailbox(services, url),
      polled: true,
    }))) ?? { processed: 0, polled: false };

  const poll = (): Promise<PollResult> => {
    running ??= pollOnce()
      .catch((err: unknown) => {
        // The message, never the URL: it holds the password.
        logger.warn({ err: (err as Error).message }, 'IMAP poll failed; will try again');
        return { processed: 0, polled: false };
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void poll().then(schedule), interval);
    timer.unref();
  };
  if (options.start !== false) {
    void poll().then(schedule);
    logger.info({ mailbox: config.IMAP_MAILBOX, everyMs: interval }, 'polling IMAP for inbound email');
  }

  return {
    pollNow: poll,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

async function readMailbox(services: Services, url: string): Promise<number> {
  const { config, logger } = services;
  const client = new ImapFlow(imapOptions(url));
  client.on('error', (err: Error) => logger.warn({ err: err.message }, 'IMAP connection error'));
  await client.connect();
  let processed = 0;
  try {
    const target = config.IMAP_PROCESSED_FOLDER.split('/').filter(Boolean);
    await client.mailboxCreate(target).catch(() => undefined);
    const lock = await client.getMailboxLock(config.IMAP_MAILBOX);
    try {
      const uids = (await client.search({ deleted: false }, { uid: true })) || [];
      for (const uid of uids.slice(0, BATCH)) {
        const meta = await client.fetchOne(String(uid), { size: true, envelope: true }, { uid: true });
        if (!meta) continue;
        if ((meta.size ?? 0) > config.EMAIL_INBOUND_MAX_BYTES) {
          await recordOversizedEmail(services, {
            messageId: meta.envelope?.messageId ?? null,
            from: meta.envelope?.from?.[0]?.address ?? null,
            subject: meta.envelope?.subject ?? null,
            size: meta.size ?? 0,
            source: 'imap',
          });
        } else {
          const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
          if (!message || !message.source) continue;
          await processInboundEmail(services, message.source, 'imap');
        }
        await client.messageMove(String(uid), target, { uid: true });
        processed++;
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return processed;
}
