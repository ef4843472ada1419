import type { WebClient } from '@slack/web-api';
import { ApiError, KbClient, type ApiClient, type TUser } from '@deskmate/shared';
import { apiClient, apiFetch, type BotOptions } from '../index.js';
import type { TChatFile } from '../files.js';
import { slackFiles } from './files.js';
import type { Links } from './render/ids.js';

export interface SlackLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What every Slack listener works with: the API (as the bot or as a Slack user) and a few caches. */
export interface SlackContext {
  triageChannel: string | undefined;
  links(): Links;
  /** The API as the integration itself. */
  api(): ApiClient;
  /** The API acting for a Slack user (resolve the identity first). */
  as(slackUserId: string): ApiClient;
  /** The knowledge base as that Slack user reads it (search, articles, "Did this help?"). */
  kb(slackUserId: string): KbClient;
  /** The Deskmate user behind a Slack user: stored id, else users.info email, else a new requester. */
  identity(client: WebClient, slackUserId: string): Promise<TUser>;
  /** Record an inbound event id; false when it was seen before (a retry, a double click). */
  firstTime(eventId: string): Promise<boolean>;
  /** The bot's DM channel with a user. */
  dmChannel(client: WebClient, slackUserId: string): Promise<string>;
  /** The files of a message that Deskmate may fetch (with the bot token, from Slack only). */
  files(raw: unknown): TChatFile[];
  logger: SlackLogger;
}

/** A small map that forgets its oldest entries, so that caches cannot grow without bound. */
class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.max) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return super.set(key, value);
  }
}

interface SlackProfile {
  email?: string;
  name?: string;
  teamId?: string;
}

async function slackProfile(client: WebClient, slackUserId: string): Promise<SlackProfile> {
  const res = await client.users.info({ user: slackUserId });
  const u = res.user;
  const name = u?.real_name || u?.profile?.real_name || u?.profile?.display_name || u?.name;
  return {
    ...(u?.profile?.email ? { email: u.profile.email } : {}),
    ...(name ? { name } : {}),
    ...(u?.team_id ? { teamId: u.team_id } : {}),
  };
}

/**
 * Ack first, under bursts too. The work after an ack goes through the API of this same process,
 * so it competes with the Slack requests still arriving. New work starts only once the Slack
 * endpoint has been quiet for `quietMs` (a burst is answered first, then worked through), but
 * never waits longer than `maxDeferMs` (steady traffic cannot starve it); at most `max` API calls
 * run at once. Acks never wait for work.
 */
export class AckFirstScheduler {
  private arriving = 0;
  private lastArrival = 0;
  private running = 0;
  private readonly queue: { start: () => void; since: number }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly max = 8,
    private readonly maxDeferMs = 1000,
    private readonly quietMs = 25,
  ) {}

  /** A Slack request arrived; call the returned function once it is answered. */
  arrived(): () => void {
    this.arriving++;
    this.lastArrival = Date.now();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.arriving--;
      this.pump();
    };
  }

  /** Resolves once the endpoint is quiet (or `maxDeferMs` has passed), without taking a turn. */
  async quiet(): Promise<void> {
    const since = Date.now();
    for (;;) {
      const now = Date.now();
      const quietFor = now - this.lastArrival;
      if ((this.arriving === 0 && quietFor >= this.quietMs) || now - since >= this.maxDeferMs) return;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, this.quietMs - quietFor)).unref());
    }
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await new Promise<void>((start) => {
      this.queue.push({ start, since: Date.now() });
      this.pump();
    });
    try {
      return await work();
    } finally {
      this.running--;
      this.pump();
    }
  }

  private pump(): void {
    while (this.running < this.max && this.queue.length) {
      const head = this.queue[0]!;
      const now = Date.now();
      const waited = now - head.since;
      const quietFor = now - this.lastArrival;
      const busy = this.arriving > 0 || quietFor < this.quietMs;
      if (busy && waited < this.maxDeferMs) {
        this.wake(Math.min(this.maxDeferMs - waited, Math.max(1, this.quietMs - quietFor)));
        return;
      }
      this.queue.shift();
      this.running++;
      head.start();
    }
  }

  private wake(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, ms);
    this.timer.unref();
  }
}

export interface ContextOptions {
  /** How long a resolved identity is trusted before asking the API again. */
  identityTtlMs?: number;
  /** Orders the work after acks (shared with the receiver, which reports arriving requests). */
  scheduler?: AckFirstScheduler;
}

export function createContext(options: BotOptions, logger: SlackLogger, extra: ContextOptions = {}): SlackContext {
  const ttl = extra.identityTtlMs ?? 60_000;
  const identities = new BoundedMap<string, { user: Promise<TUser>; until: number }>(10_000);
  const dms = new BoundedMap<string, string>(10_000);
  const scheduler = extra.scheduler ?? new AckFirstScheduler();
  const transport = apiFetch(options);
  const limitedFetch: typeof fetch = (input, init) => scheduler.run(() => transport(input, init));
  // The same client as `apiClient(options)`, with its requests taking turns.
  const api = () => apiClient(options, limitedFetch);

  return {
    triageChannel: options.config.SLACK_TRIAGE_CHANNEL,
    links: () => ({ console: (options.config.PUBLIC_URL ?? options.apiUrl()).replace(/\/+$/, '') }),
    api,
    as: (slackUserId) => api().actingAs('slack', slackUserId),
    kb: (slackUserId) => new KbClient(api().actingAs('slack', slackUserId)),
    identity(client, slackUserId) {
      const cached = identities.get(slackUserId);
      if (cached && cached.until > Date.now()) return cached.user;
      const user = (async () => {
        const profile = await slackProfile(client, slackUserId);
        const res = await api().api.integrations.identify({
          body: {
            provider: 'slack',
            providerUserId: slackUserId,
            ...(profile.teamId ? { providerTeamId: profile.teamId } : {}),
            ...(profile.email ? { email: profile.email } : {}),
            ...(profile.name ? { name: profile.name.slice(0, 200) } : {}),
          },
        });
        return res.user;
      })();
      identities.set(slackUserId, { user, until: Date.now() + ttl });
      // A failure is not cached: the next event asks again.
      user.catch(() => identities.delete(slackUserId));
      return user;
    },
    async firstTime(eventId) {
      const res = await api().api.integrations.inboundEvent({
        body: { provider: 'slack', eventId: eventId.slice(0, 300) },
      });
      return res.first;
    },
    async dmChannel(client, slackUserId) {
      const known = dms.get(slackUserId);
      if (known) return known;
      const res = await client.conversations.open({ users: slackUserId });
      const id = res.channel?.id;
      if (!id) throw new Error(`conversations.open gave no channel for ${slackUserId}`);
      dms.set(slackUserId, id);
      return id;
    },
    files: (raw) =>
      options.config.SLACK_BOT_TOKEN
        ? slackFiles(raw, { token: options.config.SLACK_BOT_TOKEN, apiUrl: options.config.SLACK_API_URL })
        : [],
    logger,
  };
}

/** What to tell a person when the API refused: its message is written for people. */
export function userMessage(err: unknown): string {
  if (err instanceof ApiError && err.status < 500) return err.message;
  return 'Something went wrong on our side. Please try again in a moment.';
}
