/**
 * Live updates fan-out: 200 clients hold GET /api/events (Server-Sent Events) open, signed in as
 * the desk's agents and admins (who all see the group's tickets); tickets are changed through the
 * API (PATCH priority) and each change is timed from the moment its request is sent to the moment
 * its `ticket.updated` event arrives at each client. Every client must get every change.
 */
import { request, type ClientRequest } from 'node:http';
import pg from 'pg';
import { BenchCheckFailed, pct, timedPool, type BenchResult } from './measure.js';

const NAME = 'SSE fan-out';

interface Stream {
  /** Arrival time (performance.now()) of the first ticket.updated event per ticket key. */
  seen: Map<string, number>;
  close(): void;
}

/**
 * One EventSource-style reader on its own socket. Resolves once the server's first bytes arrive:
 * the handler subscribes to the live hub before it writes them, so no later change can be missed.
 */
function openStream(url: string, cookie: string, onTicket: (key: string) => void): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const seen = new Map<string, number>();
    let req: ClientRequest | undefined = undefined;
    const timer = setTimeout(() => {
      req?.destroy();
      reject(new Error(`${NAME}: GET /api/events did not answer in 10 s`));
    }, 10_000);
    req = request(`${url}/api/events`, { headers: { cookie, accept: 'text/event-stream' }, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        clearTimeout(timer);
        res.resume();
        reject(new Error(`${NAME}: GET /api/events answered ${res.statusCode}`));
        return;
      }
      // Closing the stream at the end destroys the socket under it: not an error here.
      res.on('error', () => undefined);
      res.setEncoding('utf8');
      let buffer = '';
      let opened = false;
      res.on('data', (chunk: string) => {
        const at = performance.now();
        if (!opened) {
          opened = true;
          clearTimeout(timer);
          resolve({ seen, close: () => req!.destroy() });
        }
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!block.startsWith('event: ticket\n')) continue;
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (!data) continue;
          const event = JSON.parse(data) as { type?: string; key?: string };
          if (event.type !== 'ticket.updated' || !event.key || seen.has(event.key)) continue;
          seen.set(event.key, at);
          onTicket(event.key);
        }
      });
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

const nextPriority: Record<string, string> = { low: 'medium', medium: 'high', high: 'medium', urgent: 'high' };

export async function benchSseFanOut(options: {
  url: string;
  databaseUrl: string;
  /** Session cookies of the viewers (agents and admins); clients are spread over them. */
  viewerCookies: string[];
  /** Session cookie of the agent who changes the tickets. */
  changerCookie: string;
  clients?: number;
}): Promise<BenchResult[]> {
  const { url, viewerCookies, changerCookie } = options;
  const clients = options.clients ?? 200;
  const warmups = 10;
  const sequential = 30;
  const burst = 40;
  const burstInFlight = 4;

  // Distinct open tickets of the desk's group: one per change, so that each event names its change.
  const db = new pg.Client({ connectionString: options.databaseUrl });
  await db.connect();
  let tickets: { key: string; priority: string }[];
  try {
    tickets = (
      await db.query<{ key: string; priority: string }>(
        `SELECT key, priority FROM tickets WHERE status = 'open' AND group_id IS NOT NULL ORDER BY number LIMIT $1`,
        [warmups + sequential + burst],
      )
    ).rows;
  } finally {
    await db.end();
  }
  if (tickets.length < warmups + sequential + burst) throw new Error(`${NAME}: not enough open tickets to change`);

  const arrived = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const onTicket = (key: string) => {
    const n = (arrived.get(key) ?? 0) + 1;
    arrived.set(key, n);
    if (n === clients) waiters.get(key)?.();
  };
  const streams: Stream[] = [];

  const sentAt = new Map<string, number>();
  /** How long each PATCH took to answer: the part of the delivery time spent before the commit. */
  const answeredIn = new Map<string, number>();
  /** Resolves when every client has the change of this ticket. */
  const everywhere = (t: { key: string }) =>
    new Promise<void>((resolve) => {
      if ((arrived.get(t.key) ?? 0) >= clients) resolve();
      else waiters.set(t.key, resolve);
    });
  const change = async (t: { key: string; priority: string }) => {
    sentAt.set(t.key, performance.now());
    const res = await fetch(`${url}/api/tickets/${t.key}`, {
      method: 'PATCH',
      headers: { cookie: changerCookie, origin: url, 'content-type': 'application/json' },
      body: JSON.stringify({ priority: nextPriority[t.priority] ?? 'high' }),
    });
    if (!res.ok) throw new Error(`${NAME}: PATCH /api/tickets/${t.key} answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
    answeredIn.set(t.key, performance.now() - sentAt.get(t.key)!);
  };
  /** Wait until every client has every change of `batch`; fail naming what is missing. */
  const delivered = async (batch: { key: string }[], all: Promise<void>[]) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), 15_000)));
    const outcome = await Promise.race([Promise.all(all), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      const missing = batch
        .filter((t) => (arrived.get(t.key) ?? 0) < clients)
        .map(
          (t) => `${t.key}: ${clients - (arrived.get(t.key) ?? 0)} of ${clients} clients got no ticket.updated event`,
        );
      throw new BenchCheckFailed(NAME, missing);
    }
  };
  const oneByOne = async (batch: { key: string; priority: string }[]) => {
    for (const t of batch) {
      const all = everywhere(t);
      await change(t);
      await delivered([t], [all]);
    }
  };
  const latencies = (batch: { key: string }[]) =>
    batch.flatMap((t) => streams.map((s) => s.seen.get(t.key)! - sentAt.get(t.key)!));

  try {
    process.stderr.write(`running ${NAME}: opening ${clients} event streams…\n`);
    // Opened a few at a time: a browser fleet reconnecting is spread out too, and 200 sign-in checks
    // at one instant are not what is measured here.
    await timedPool(
      Array.from({ length: clients }, (_, i) => viewerCookies[i % viewerCookies.length]!),
      20,
      async (cookie) => {
        streams.push(await openStream(url, cookie, onTicket));
      },
    );

    // Warm-up: the live hub, the access cache, the PATCH path.
    await oneByOne(tickets.slice(0, warmups));

    // One change at a time, each awaited at every client before the next.
    const one = tickets.slice(warmups, warmups + sequential);
    const oneStarted = performance.now();
    await oneByOne(one);
    const oneElapsed = performance.now() - oneStarted;
    const oneTimes = latencies(one);

    // A burst: changes sent back to back (a few in flight), all awaited at every client at the end.
    const many = tickets.slice(warmups + sequential);
    const all = many.map(everywhere);
    const burstStarted = performance.now();
    await timedPool(many, burstInFlight, change);
    await delivered(many, all);
    const burstTimes = latencies(many);
    const lastArrival = Math.max(...many.flatMap((t) => streams.map((s) => s.seen.get(t.key)!)));
    const burstElapsed = lastArrival - burstStarted;

    const summary = (times: number[]) =>
      `p50 ${pct(times, 0.5)} ms, p99 ${pct(times, 0.99)} ms, max ${pct(times, 1)} ms`;
    const patches = (batch: { key: string }[]) => {
      const times = batch.map((t) => answeredIn.get(t.key)!);
      return `PATCH answered in p50 ${pct(times, 0.5)} ms`;
    };
    console.log(
      `${NAME} to ${clients} clients (${viewerCookies.length} agents and admins): every client got every change. ` +
        `One change at a time (${sequential} after ${warmups} warm-up): ${summary(oneTimes)} (${patches(one)}). ` +
        `Burst of ${burst} changes (${burstInFlight} PATCHes in flight): ${summary(burstTimes)} (${patches(many)}), ` +
        `${Math.round((burst * clients * 1000) / burstElapsed)} events/s delivered.`,
    );
    return [
      {
        name: `SSE fan-out to ${clients} clients, one change at a time (PATCH priority → ticket.updated at each client)`,
        p50Ms: pct(oneTimes, 0.5),
        p99Ms: pct(oneTimes, 0.99),
        throughput: Math.round((sequential * clients * 1000) / oneElapsed),
        unit: 'events/s',
      },
      {
        name: `SSE fan-out to ${clients} clients, burst of ${burst} changes (${burstInFlight} PATCHes in flight)`,
        p50Ms: pct(burstTimes, 0.5),
        p99Ms: pct(burstTimes, 0.99),
        throughput: Math.round((burst * clients * 1000) / burstElapsed),
        unit: 'events/s',
      },
    ];
  } finally {
    for (const s of streams) s.close();
  }
}
