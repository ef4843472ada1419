import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App, Receiver, ReceiverEvent, SocketModeReceiver } from '@slack/bolt';
import { INBOX_BATCH_MAX, type TInboxEvent } from '@deskmate/shared';
import type { SlackLogger } from './context.js';

export const SLACK_EVENTS_PATH = '/slack/events';
/** Slack's rule for stale requests, applied both ways (a far-future timestamp is a replay window too). */
export const MAX_SKEW_SECONDS = 5 * 60;
/** Larger requests are refused with 413: Slack's are far smaller, and the inbox takes 1 MB a batch. */
export const MAX_BODY_BYTES = 512 * 1024;

/** What Slack gets back: a status and, for some requests, a body (a challenge, a command's reply). */
export interface SlackAnswer {
  status: number;
  body?: Record<string, unknown>;
}

/** One Slack request as the inbox keeps it, for the job that acts on it. */
export interface RecordedRequest {
  body: Record<string, unknown>;
  retryNum?: number;
  retryReason?: string;
}

/**
 * Slack's request signature (v0 HMAC-SHA256 of `v0:timestamp:body` with the signing secret), and
 * a timestamp within five minutes either way. Null when the request is Slack's; else why not.
 */
export function verifySignature(
  secret: string,
  timestamp: string | undefined,
  signature: string | undefined,
  raw: Buffer,
  nowSeconds = Date.now() / 1000,
): string | null {
  const ts = Number(timestamp);
  if (!timestamp || !Number.isInteger(ts)) return 'missing or malformed x-slack-request-timestamp';
  if (Math.abs(nowSeconds - ts) > MAX_SKEW_SECONDS) return 'timestamp outside five minutes';
  if (!signature?.startsWith('v0=')) return 'missing or malformed x-slack-signature';
  const expected = createHmac('sha256', secret).update(`v0:${timestamp}:`).update(raw).digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'signature mismatch';
  return null;
}

/**
 * A Slack request body as Bolt reads it: JSON (Events API), a form whose `payload` field is JSON
 * (interactivity, shortcuts), or a plain form (slash commands, ssl_check). Throws on anything else.
 */
export function parseBody(contentType: string | undefined, raw: Buffer): Record<string, unknown> {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const text = raw.toString('utf8');
  let body: unknown;
  if (type === 'application/json') body = JSON.parse(text);
  else if (type === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(text);
    const payload = form.get('payload');
    body = payload !== null ? JSON.parse(payload) : Object.fromEntries(form);
  } else throw new Error(`unsupported content type ${JSON.stringify(type)}`);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('body is not an object');
  return body as Record<string, unknown>;
}

/** How the inbox names a request: a redelivery (event retries, double clicks) has the same key. */
export function inboxKey(body: Record<string, unknown>, raw: Buffer): string {
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const view = body.view as { id?: unknown } | undefined;
  const key =
    body.type === 'event_callback' && str(body.event_id)
      ? `event:${str(body.event_id)}`
      : str(body.command) && str(body.trigger_id)
        ? `command:${str(body.trigger_id)}`
        : body.type === 'view_submission' && str(view?.id)
          ? `view:${str(view?.id)}`
          : str(body.trigger_id)
            ? `action:${str(body.trigger_id)}`
            : `body:${createHash('sha256').update(raw).digest('hex')}`;
  return key.slice(0, 300);
}

/** Clicks (whose trigger_id expires in 3 s) go first, then commands, then events. */
function priorityOf(body: Record<string, unknown>): number {
  if (body.type === 'event_callback') return 0;
  if (typeof body.command === 'string') return 5;
  return 10;
}

/** Slack gives up on an answer after 3 s: a request not recorded by then is answered 503 first. */
export const RECORD_DEADLINE_MS = 2_500;

/**
 * Records requests in the API's inbox in batches: the requests that arrive while a batch is on its
 * way go together in the next one, so a burst of 200 costs a few round trips, not 200.
 */
export class InboxBatcher {
  private pending: { event: TInboxEvent; bytes: number; done: (first: boolean) => void; fail: (e: Error) => void }[] =
    [];
  private inFlight = false;
  private scheduled = false;

  constructor(
    private readonly send: (events: TInboxEvent[]) => Promise<boolean[]>,
    private readonly maxBatchBytes = 768 * 1024,
    private readonly deadlineMs = RECORD_DEADLINE_MS,
  ) {}

  /**
   * Resolves once the event is recorded: true when it is new, false when its key was seen before.
   * Fails when it is not recorded within the deadline from now, however long the batches ahead of
   * it take; one still waiting for its batch is then not sent at all.
   */
  record(event: TInboxEvent, bytes: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const waiting = this.pending.indexOf(entry);
        if (waiting >= 0) this.pending.splice(waiting, 1);
        reject(new Error(`not recorded within ${this.deadlineMs} ms`));
      }, this.deadlineMs);
      const entry = {
        event,
        bytes,
        done: (first: boolean) => {
          clearTimeout(timer);
          resolve(first);
        },
        fail: (err: Error) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      this.pending.push(entry);
      this.schedule();
    });
  }

  /**
   * One batch at a time, sent after the current I/O (every request read in the same turn goes in
   * it); what arrives while it is on its way goes in the next. Measured under bursts of 200 here,
   * two batches at once answered later at the 99th percentile than one, and four much later.
   */
  private schedule(): void {
    if (this.scheduled || this.inFlight || !this.pending.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.inFlight || !this.pending.length) return;
    let bytes = 0;
    let n = 0;
    while (
      n < this.pending.length &&
      n < INBOX_BATCH_MAX &&
      (n === 0 || bytes + this.pending[n]!.bytes <= this.maxBatchBytes)
    )
      bytes += this.pending[n++]!.bytes;
    const batch = this.pending.splice(0, n);
    this.inFlight = true;
    this.send(batch.map((b) => b.event))
      .then(
        (first) => batch.forEach((b, i) => b.done(first[i] === true)),
        (err: unknown) => batch.forEach((b) => b.fail(err as Error)),
      )
      .finally(() => {
        this.inFlight = false;
        this.schedule();
      });
  }
}

export interface ReceiverOptions {
  signingSecret: string | undefined;
  /** Records requests before they are answered (see InboxBatcher). */
  inbox: InboxBatcher;
  /** What a request is answered with besides 200 (a slash command's reply), by the listeners' modules. */
  immediateAnswer: (body: Record<string, unknown>) => Record<string, unknown> | undefined;
  /** Whether a request is worth recording (events nobody listens for are answered and dropped). */
  relevant: (body: Record<string, unknown>) => boolean;
  /** Told about each request from arrival to answer (work after acks waits for bursts to pass). */
  arrived?: () => () => void;
  logger: SlackLogger;
  /** Socket Mode instead of HTTP. */
  socket?: SocketModeReceiver;
}

/**
 * Deskmate's Bolt receiver. A request is verified, recorded in the API's inbox and answered, and
 * nothing else happens before the answer: the listeners run later, in the `inbound.process` job
 * (`process`), with an ack that does nothing. So the answer is quick under bursts, and what Slack
 * was told was accepted survives a crash.
 *
 * HTTP mode answers POST /slack/events as a plain Node handler, before the console's middleware
 * (see `frontDoor`). Socket Mode takes Bolt's SocketModeReceiver for the connection and sends its
 * requests through the same steps.
 */
export class DeskmateReceiver implements Receiver {
  private app: App | undefined;

  constructor(private readonly options: ReceiverOptions) {
    options.socket?.init({
      processEvent: async (event: ReceiverEvent) => {
        const raw = Buffer.from(JSON.stringify(event.body));
        const answer = await this.accept(event.body, raw, event.retryNum, event.retryReason);
        await event.ack(answer.body);
      },
    } as unknown as App);
  }

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<unknown> {
    return this.options.socket?.start();
  }

  async stop(): Promise<unknown> {
    return this.options.socket?.stop();
  }

  /** Run a recorded request through Bolt's listeners (their ack is a no-op: Slack was answered). */
  async process(recorded: RecordedRequest): Promise<void> {
    if (!this.app) throw new Error('the Slack receiver is not attached to an app');
    await this.app.processEvent({
      body: recorded.body,
      ...(recorded.retryNum !== undefined ? { retryNum: recorded.retryNum } : {}),
      ...(recorded.retryReason !== undefined ? { retryReason: recorded.retryReason } : {}),
      ack: async () => undefined,
    });
  }

  /** What to answer a verified request with, once it is recorded (or known to be a redelivery). */
  async accept(
    body: Record<string, unknown>,
    raw: Buffer,
    retryNum?: number,
    retryReason?: string,
  ): Promise<SlackAnswer> {
    if (body.type === 'url_verification') return { status: 200, body: { challenge: body.challenge } };
    if (body.ssl_check !== undefined) return { status: 200 };
    if (this.options.relevant(body)) {
      const recorded: RecordedRequest = {
        body,
        ...(retryNum !== undefined ? { retryNum } : {}),
        ...(retryReason !== undefined ? { retryReason } : {}),
      };
      await this.options.inbox.record(
        {
          key: inboxKey(body, raw),
          payload: recorded as unknown as Record<string, unknown>,
          priority: priorityOf(body),
        },
        raw.length,
      );
    }
    const answer = this.options.immediateAnswer(body);
    return answer ? { status: 200, body: answer } : { status: 200 };
  }

  /** POST /slack/events as a plain Node handler; false for any other request. */
  readonly frontDoor = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== SLACK_EVENTS_PATH) return false;
    const done = this.options.arrived?.();
    if (done) res.once('close', done);
    this.serve(req, res).catch((err: unknown) => {
      this.options.logger.error({ channel: 'slack', err: (err as Error).message }, 'Slack request failed');
      if (!res.headersSent) send(res, { status: 500 });
      else res.destroy();
    });
    return true;
  };

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req, MAX_BODY_BYTES);
    if (raw === null)
      return send(res, { status: 413, body: errorBody('payload_too_large', 'The request is too large') });
    const refused = verifySignature(
      this.options.signingSecret ?? '',
      header(req, 'x-slack-request-timestamp'),
      header(req, 'x-slack-signature'),
      raw,
    );
    if (refused) {
      this.options.logger.warn({ channel: 'slack', reason: refused }, 'refused a Slack request');
      return send(res, { status: 401, body: errorBody('unauthorized', 'The request is not signed by Slack') });
    }
    let body;
    try {
      body = parseBody(req.headers['content-type'], raw);
    } catch (err) {
      return send(res, { status: 400, body: errorBody('bad_request', (err as Error).message) });
    }
    const retry = Number(header(req, 'x-slack-retry-num'));
    let answer: SlackAnswer;
    try {
      answer = await this.accept(
        body,
        raw,
        Number.isInteger(retry) && retry >= 0 ? retry : undefined,
        header(req, 'x-slack-retry-reason')?.slice(0, 100),
      );
    } catch (err) {
      // Not recorded, so not accepted: Slack retries events; a person sees that it failed.
      this.options.logger.error({ channel: 'slack', err: (err as Error).message }, 'could not record a Slack request');
      return send(res, {
        status: 503,
        body: errorBody('unavailable', 'Deskmate could not take the request; try again'),
      });
    }
    send(res, answer);
  }
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

const errorBody = (code: string, message: string) => ({ error: { code, message } });

function send(res: ServerResponse, answer: SlackAnswer): void {
  if (answer.body === undefined) {
    res.writeHead(answer.status, { 'content-length': '0' }).end();
    return;
  }
  const json = JSON.stringify(answer.body);
  res
    .writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(json),
      'cache-control': 'no-store',
    })
    .end(json);
}

/** The whole body, or null (and the rest of it discarded) once it is over `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      req.resume();
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(size > limit ? null : Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}
