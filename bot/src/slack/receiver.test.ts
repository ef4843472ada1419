import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ReceiverEvent, SocketModeReceiver } from '@slack/bolt';
import type { TInboxEvent } from '@deskmate/shared';
import { DeskmateReceiver, InboxBatcher, MAX_BODY_BYTES, inboxKey, parseBody, verifySignature } from './receiver.js';
import type { SlackLogger } from './context.js';

const SECRET = 'receiver-test-secret-0123456789';
const sign = (body: string | Buffer, ts: number) =>
  `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:`).update(body).digest('hex')}`;

describe('verifySignature', () => {
  const now = 1_800_000_000;
  const raw = Buffer.from('command=%2Fticket&text=hi');

  it("accepts Slack's signature within five minutes either way", () => {
    for (const ts of [now, now - 299, now + 299])
      expect(verifySignature(SECRET, String(ts), sign(raw, ts), raw, now)).toBeNull();
  });

  it('refuses a wrong signature, another secret, a changed body, and stale or far-future timestamps', () => {
    const ts = String(now);
    expect(verifySignature(SECRET, ts, 'v0=00', raw, now)).toBe('signature mismatch');
    expect(verifySignature('another-secret-0123456789', ts, sign(raw, now), raw, now)).toBe('signature mismatch');
    expect(verifySignature(SECRET, ts, sign(raw, now), Buffer.from('command=%2Fticket&text=ho'), now)).toBe(
      'signature mismatch',
    );
    expect(verifySignature(SECRET, String(now - 301), sign(raw, now - 301), raw, now)).toBe(
      'timestamp outside five minutes',
    );
    expect(verifySignature(SECRET, String(now + 301), sign(raw, now + 301), raw, now)).toBe(
      'timestamp outside five minutes',
    );
  });

  it('refuses missing or malformed headers', () => {
    expect(verifySignature(SECRET, undefined, sign(raw, now), raw, now)).toMatch(/timestamp/);
    expect(verifySignature(SECRET, '12.5', sign(raw, now), raw, now)).toMatch(/timestamp/);
    expect(verifySignature(SECRET, String(now), undefined, raw, now)).toMatch(/signature/);
    expect(verifySignature(SECRET, String(now), sign(raw, now).replace('v0=', 'v1='), raw, now)).toMatch(/signature/);
  });
});

describe('parseBody', () => {
  it('reads the Events API (JSON), interactivity (form with a JSON payload) and slash commands (form)', () => {
    expect(parseBody('application/json', Buffer.from('{"type":"event_callback","event_id":"Ev1"}'))).toEqual({
      type: 'event_callback',
      event_id: 'Ev1',
    });
    const payload = new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', trigger_id: 't1' }) });
    expect(parseBody('application/x-www-form-urlencoded; charset=utf-8', Buffer.from(payload.toString()))).toEqual({
      type: 'block_actions',
      trigger_id: 't1',
    });
    const form = new URLSearchParams({ command: '/ticket', text: 'a & b', trigger_id: 't2' });
    expect(parseBody('application/x-www-form-urlencoded', Buffer.from(form.toString()))).toEqual({
      command: '/ticket',
      text: 'a & b',
      trigger_id: 't2',
    });
  });

  it('throws on other content types, bad JSON and bodies that are not objects', () => {
    expect(() => parseBody('text/plain', Buffer.from('{}'))).toThrow(/content type/);
    expect(() => parseBody(undefined, Buffer.from('{}'))).toThrow(/content type/);
    expect(() => parseBody('application/json', Buffer.from('{'))).toThrow();
    expect(() => parseBody('application/json', Buffer.from('[1]'))).toThrow(/not an object/);
    expect(() => parseBody('application/x-www-form-urlencoded', Buffer.from('payload=nope'))).toThrow();
  });
});

describe('inboxKey', () => {
  const raw = Buffer.from('x');
  it('names a request so that its redelivery has the same name', () => {
    expect(inboxKey({ type: 'event_callback', event_id: 'Ev9' }, raw)).toBe('event:Ev9');
    expect(inboxKey({ command: '/ticket', trigger_id: 't.1' }, raw)).toBe('command:t.1');
    expect(inboxKey({ type: 'view_submission', trigger_id: 't.2', view: { id: 'V1' } }, raw)).toBe('view:V1');
    expect(inboxKey({ type: 'block_actions', trigger_id: 't.3' }, raw)).toBe('action:t.3');
    expect(inboxKey({ type: 'message_action', trigger_id: 't.4' }, raw)).toBe('action:t.4');
  });

  it('falls back to a hash of the body, the same for the same bytes and different otherwise', () => {
    const a = inboxKey({ type: 'view_closed' }, Buffer.from('one'));
    expect(a).toMatch(/^body:[0-9a-f]{64}$/);
    expect(inboxKey({ type: 'view_closed' }, Buffer.from('one'))).toBe(a);
    expect(inboxKey({ type: 'view_closed' }, Buffer.from('two'))).not.toBe(a);
  });
});

describe('InboxBatcher', () => {
  const event = (key: string): TInboxEvent => ({ key, payload: { key } });

  it('sends the requests read in one turn as one batch, one batch at a time, and answers each', async () => {
    const sent: string[][] = [];
    let release: (() => void) | undefined;
    const batcher = new InboxBatcher(async (events) => {
      sent.push(events.map((e) => e.key));
      if (sent.length === 1) await new Promise<void>((r) => (release = r));
      return events.map((e) => e.key !== 'dup');
    });
    const first = [batcher.record(event('a'), 10), batcher.record(event('b'), 10)];
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([['a', 'b']]);
    // While the first batch is on its way, later requests wait and then go together.
    const later = [batcher.record(event('c'), 10), batcher.record(event('dup'), 10), batcher.record(event('d'), 10)];
    await new Promise((r) => setImmediate(r));
    expect(sent).toHaveLength(1);
    release!();
    expect(await Promise.all(first)).toEqual([true, true]);
    expect(await Promise.all(later)).toEqual([true, false, true]);
    expect(sent).toEqual([
      ['a', 'b'],
      ['c', 'dup', 'd'],
    ]);
  });

  it('splits batches by size, and fails every request of a batch that could not be recorded', async () => {
    const sent: number[] = [];
    const batcher = new InboxBatcher(async (events) => {
      sent.push(events.length);
      if (sent.length === 1) throw new Error('API unreachable');
      return events.map(() => true);
    }, 100);
    const results = await Promise.allSettled([40, 40, 40, 40].map((bytes, i) => batcher.record(event(`k${i}`), bytes)));
    expect(sent).toEqual([2, 2]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled']);
  });

  it('fails a request not recorded within 2.5 s of its arrival, behind a slow batch too, and then does not send it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const sent: string[][] = [];
      let release: ((first: boolean[]) => void) | undefined;
      const batcher = new InboxBatcher((events) => {
        sent.push(events.map((e) => e.key));
        return sent.length === 1
          ? new Promise<boolean[]>((r) => (release = r))
          : Promise.resolve(events.map(() => true));
      });
      const settled: Record<string, string> = {};
      const track = (key: string) =>
        batcher.record(event(key), 10).then(
          () => (settled[key] = 'recorded'),
          (err: Error) => (settled[key] = err.message),
        );
      const slow = track('slow');
      await new Promise((r) => setImmediate(r));
      expect(sent).toEqual([['slow']]);
      await vi.advanceTimersByTimeAsync(1_000);
      // Behind the batch on its way: its own deadline counts from its arrival, not the batch's.
      const behind = track('behind');
      await vi.advanceTimersByTimeAsync(1_499);
      expect(settled).toEqual({});
      await vi.advanceTimersByTimeAsync(1);
      expect(settled).toEqual({ slow: 'not recorded within 2500 ms' });
      await vi.advanceTimersByTimeAsync(1_000);
      await Promise.all([slow, behind]);
      expect(settled).toEqual({ slow: 'not recorded within 2500 ms', behind: 'not recorded within 2500 ms' });
      // The slow batch ends: the request that failed while waiting is not sent after its 503.
      release!([true]);
      await new Promise((r) => setImmediate(r));
      expect(sent).toEqual([['slow']]);
      await expect(batcher.record(event('next'), 10)).resolves.toBe(true);
      expect(sent).toEqual([['slow'], ['next']]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('DeskmateReceiver at POST /slack/events', () => {
  let server: Server | undefined;
  const warnings: string[] = [];
  const logger: SlackLogger = {
    info: () => undefined,
    warn: (o) => void warnings.push(JSON.stringify(o)),
    error: (o) => void warnings.push(JSON.stringify(o)),
  };
  afterEach(async () => {
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    server = undefined;
    warnings.length = 0;
  });

  async function serve(send: (events: TInboxEvent[]) => Promise<boolean[]>): Promise<string> {
    const receiver = new DeskmateReceiver({
      signingSecret: SECRET,
      inbox: new InboxBatcher(send),
      immediateAnswer: (b) => (b.command === '/ticket' ? { text: 'on it' } : undefined),
      relevant: (b) => b.type !== 'event_callback' || (b.event as { bot_id?: string }).bot_id === undefined,
      logger,
    });
    server = createServer((req, res) => {
      if (!receiver.frontDoor(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const post = (url: string, body: string, type: string, headers: Record<string, string> = {}) => {
    const ts = Math.floor(Date.now() / 1000);
    return fetch(`${url}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': type,
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': sign(body, ts),
        ...headers,
      },
      body,
    });
  };

  it('records a command before answering, with its reply, retry headers and priority', async () => {
    const recorded: TInboxEvent[] = [];
    const url = await serve(async (events) => {
      recorded.push(...events);
      return events.map(() => true);
    });
    const body = new URLSearchParams({ command: '/ticket', text: 'vpn', trigger_id: 'T1', user_id: 'U1' }).toString();
    const res = await post(url, body, 'application/x-www-form-urlencoded', {
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_timeout',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ text: 'on it' });
    expect(recorded).toEqual([
      {
        key: 'command:T1',
        priority: 5,
        payload: {
          body: { command: '/ticket', text: 'vpn', trigger_id: 'T1', user_id: 'U1' },
          retryNum: 1,
          retryReason: 'http_timeout',
        },
      },
    ]);
  });

  it('answers a redelivery 200 without recording it again, and drops events nobody listens for', async () => {
    const recorded: TInboxEvent[] = [];
    const url = await serve(async (events) => {
      recorded.push(...events);
      return events.map(() => false);
    });
    const event = (e: Record<string, unknown>) => JSON.stringify({ type: 'event_callback', event_id: 'Ev1', event: e });
    expect((await post(url, event({ type: 'message' }), 'application/json')).status).toBe(200);
    expect((await post(url, event({ type: 'message', bot_id: 'B1' }), 'application/json')).status).toBe(200);
    expect(recorded.map((e) => e.key)).toEqual(['event:Ev1']);
  });

  it('answers 503 when the request could not be recorded, so that Slack retries it', async () => {
    const url = await serve(async () => {
      throw new Error('connect ECONNREFUSED');
    });
    const res = await post(
      url,
      JSON.stringify({ type: 'event_callback', event_id: 'Ev2', event: {} }),
      'application/json',
    );
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'unavailable' } });
    expect(warnings.join()).toContain('ECONNREFUSED');
  });

  it('refuses unsigned (401), unreadable (400) and too large (413) requests without recording them', async () => {
    const recorded: TInboxEvent[] = [];
    const url = await serve(async (events) => {
      recorded.push(...events);
      return events.map(() => true);
    });
    const unsigned = await fetch(`${url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unsigned.status).toBe(401);
    expect(warnings.join()).toContain('missing or malformed x-slack-request-timestamp');
    expect(warnings.join()).not.toContain(SECRET);
    const bad = await post(url, '{"type":', 'application/json');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'bad_request' } });
    const xml = await post(url, '<x/>', 'text/xml');
    expect(xml.status).toBe(400);
    const big = await post(
      url,
      JSON.stringify({ type: 'event_callback', pad: 'x'.repeat(MAX_BODY_BYTES) }),
      'application/json',
    );
    expect(big.status).toBe(413);
    expect(recorded).toEqual([]);
  });

  it('answers url_verification with the challenge and leaves other paths and methods to the app', async () => {
    const url = await serve(async (events) => events.map(() => true));
    const res = await post(url, JSON.stringify({ type: 'url_verification', challenge: 'c-9' }), 'application/json');
    expect(await res.json()).toEqual({ challenge: 'c-9' });
    expect((await fetch(`${url}/slack/events`)).status).toBe(404);
    expect((await fetch(`${url}/slack/other`, { method: 'POST' })).status).toBe(404);
  });
});

describe('DeskmateReceiver in Socket Mode', () => {
  it("records a request from the socket before acking it, with the command's reply", async () => {
    let processEvent: ((event: ReceiverEvent) => Promise<void>) | undefined;
    const socket = {
      init: (app: { processEvent: (event: ReceiverEvent) => Promise<void> }) => {
        processEvent = app.processEvent;
      },
      start: async () => undefined,
      stop: async () => undefined,
    };
    const order: string[] = [];
    new DeskmateReceiver({
      signingSecret: undefined,
      inbox: new InboxBatcher(async (events) => {
        order.push(`record ${events.map((e) => e.key).join()}`);
        return events.map(() => true);
      }),
      immediateAnswer: (b) => (b.command === '/ticket' ? { text: 'on it' } : undefined),
      relevant: () => true,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      socket: socket as unknown as SocketModeReceiver,
    });
    await processEvent!({
      body: { command: '/ticket', trigger_id: 'S1' },
      retryNum: 2,
      ack: async (answer?: unknown) => void order.push(`ack ${JSON.stringify(answer)}`),
    });
    expect(order).toEqual(['record command:S1', 'ack {"text":"on it"}']);
  });
});
