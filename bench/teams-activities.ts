/**
 * Microsoft Teams activity handling: POST /api/messages with Bot Framework activities as Teams
 * sends them from a personal chat — a typed `message` (the bot answers with the "which ticket?"
 * card, since every seeded requester has open tickets) and an Action.Submit click on that card
 * (`value` with the button's data and the card's input: the message is added to the ticket and
 * the card is replaced). Without MICROSOFT_APP_ID the endpoint serves the Emulator on this machine
 * and sends to a loopback serviceUrl only: a local stand-in for the Bot Connector answers the
 * bot's sends, updates and roster lookups, and records which activity each reply was for.
 * An activity is recorded (the inbox) and acted on by a job after the HTTP answer: each time below
 * runs until the bot's reply has reached the Bot Connector.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BenchCheckFailed, pct, sleep, timedPool, type BenchResult } from './measure.js';

const NAME = 'Teams activities';
const tenantId = '5b1d3f0e-8c1a-4f55-9a6e-2f3c4d5e6f70';
const bot = { id: '28:7d9e1f3a-bench-4c2b-9e8d-deskmatebot01', name: 'Deskmate' };

interface TeamsUser {
  id: string;
  aadObjectId: string;
  name: string;
  email: string;
  chat: string;
}

interface Captured {
  method: string;
  conversation: string;
  body: Record<string, unknown>;
}

/** The Bot Connector as the bot sees it: sends get ids, updates are accepted, the roster answers. */
class ConnectorStandIn {
  /** Requests for each activity the bot replied to (by the reply's replyToId). */
  readonly byActivity = new Map<string, Captured[]>();
  /** The last card posted in each conversation, with the id it was given. */
  readonly lastCard = new Map<string, { id: string; body: Record<string, unknown> }>();
  readonly roster = new Map<string, TeamsUser>();
  rosterLookups = 0;
  /** Sends that answer no activity: notifications from delivery jobs. */
  proactive = 0;
  /** Requests this stand-in does not know (answered 404). */
  unknown: string[] = [];
  private server: Server | undefined;
  private sent = 0;

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
        const reply = (status: number, body: unknown) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        const member = /^\/v3\/conversations\/[^/]+\/members\/(.+)$/.exec(path);
        if (req.method === 'GET' && member) {
          this.rosterLookups++;
          const u = this.roster.get(member[1]!);
          if (!u) return reply(404, { error: { code: 'MemberNotFoundInConversation', message: 'not found' } });
          return reply(200, {
            id: u.id,
            name: u.name,
            aadObjectId: u.aadObjectId,
            email: u.email,
            userPrincipalName: u.email,
          });
        }
        const activity = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
        if (!activity || (req.method !== 'POST' && req.method !== 'PUT')) {
          this.unknown.push(`${req.method} ${path}`);
          return reply(404, { error: { code: 'NotFound', message: `${req.method} ${path}` } });
        }
        const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
        const captured: Captured = { method: req.method, conversation: activity[1]!, body };
        const replyTo = typeof body.replyToId === 'string' ? body.replyToId : null;
        if (replyTo) this.byActivity.set(replyTo, [...(this.byActivity.get(replyTo) ?? []), captured]);
        else this.proactive++;
        if (req.method === 'PUT') return reply(200, { id: activity[2] });
        const id = `m-${++this.sent}`;
        if (body.attachments) this.lastCard.set(activity[1]!, { id, body });
        return reply(201, { id });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

type Activity = Record<string, unknown> & { id: string };

/** An activity from a person's personal chat with the bot, with the fields Teams sends. */
function personal(serviceUrl: string, user: TeamsUser, id: string, fields: Record<string, unknown>): Activity {
  const now = new Date().toISOString();
  return {
    id,
    timestamp: now,
    localTimestamp: now,
    channelId: 'msteams',
    serviceUrl,
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    recipient: bot,
    conversation: { conversationType: 'personal', tenantId, id: user.chat },
    channelData: { tenant: { id: tenantId } },
    locale: 'en-GB',
    entities: [{ type: 'clientInfo', locale: 'en-GB', country: 'GB', platform: 'Web', timezone: 'Europe/London' }],
    ...fields,
  };
}

/** The first node of a card (depth first) that matches. */
function findInCard(node: unknown, match: (n: Record<string, unknown>) => boolean): Record<string, unknown> | null {
  if (!node || typeof node !== 'object') return null;
  if (!Array.isArray(node) && match(node as Record<string, unknown>)) return node as Record<string, unknown>;
  for (const value of Object.values(node)) {
    const found = findInCard(value, match);
    if (found) return found;
  }
  return null;
}

const cardOf = (body: Record<string, unknown> | undefined): unknown =>
  (body?.attachments as { content?: unknown }[] | undefined)?.[0]?.content;

/** The data of the card's first button that adds the message to a ticket (the first ticket offered). */
const ticketButton = (card: unknown) =>
  findInCard(card, (n) => {
    const data = n.data as Record<string, unknown> | undefined;
    return n.type === 'Action.Submit' && data?.dm === 'pick' && typeof data.ticket === 'string';
  })?.data as Record<string, unknown> | undefined;

const problems = [
  'my laptop will not start after the update',
  'Outlook keeps asking for my password',
  'the VPN drops every few minutes',
  'the printer on floor 2 shows an error',
  'I cannot open the shared drive',
];

export async function benchTeams(options: { url: string; users?: number }): Promise<BenchResult[]> {
  const people = options.users ?? 200;
  const concurrency = 10;
  const warmSubmits = 100;
  const rounds = 2;
  const measured = rounds * people;
  const connector = new ConnectorStandIn();
  await connector.start();
  const serviceUrl = connector.url;
  // Seeded requesters (user13… are requesters, each with open tickets), known to Teams by email.
  const users: TeamsUser[] = Array.from({ length: people }, (_, i) => {
    const n = 13 + i;
    return {
      id: `29:1bench-${n}-${randomUUID()}`,
      aadObjectId: randomUUID(),
      name: `User ${n}`,
      email: `user${n}@bench.test`,
      chat: `a:1bench-personal-${n}-${randomUUID().slice(0, 8)}`,
    };
  });
  for (const u of users) connector.roster.set(u.id, u);
  const run = Date.now();
  let counter = 0;
  const nextId = () => `${run}${String(++counter).padStart(6, '0')}`;
  const failures: string[] = [];
  const sent: { activity: Activity; kind: 'message' | 'submit' }[] = [];

  const post = async (activity: Activity, kind: 'message' | 'submit') => {
    sent.push({ activity, kind });
    const res = await fetch(`${options.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    if (res.status < 200 || res.status >= 300) {
      failures.push(`${kind} ${activity.id}: HTTP ${res.status} ${text.slice(0, 200)}`);
      return;
    }
    // The bot answers after it has recorded the activity (the inbox, then a job): the time that
    // counts is until its reply reaches the Bot Connector, and the next step needs that reply.
    const deadline = Date.now() + 30_000;
    while (!connector.byActivity.get(activity.id)?.length && Date.now() < deadline) await sleep(2);
  };
  const message = (u: TeamsUser, i: number) =>
    post(
      personal(serviceUrl, u, nextId(), {
        type: 'message',
        textFormat: 'plain',
        text: `Hi, ${problems[i % problems.length]} (${i})`,
      }),
      'message',
    );
  /** A click on the first ticket button of the last card the bot posted in this person's chat. */
  const submit = (u: TeamsUser) => {
    const card = connector.lastCard.get(u.chat);
    const data = ticketButton(cardOf(card?.body));
    if (!card || !data) {
      failures.push(`no "which ticket?" card with a ticket button in ${u.chat}`);
      return Promise.resolve();
    }
    // Teams merges the card's inputs into the button's data: the message rides in the card.
    const input = findInCard(cardOf(card.body), (n) => n.type === 'Input.Text' && n.id === 'message');
    return post(
      personal(serviceUrl, u, nextId(), {
        type: 'message',
        replyToId: card.id,
        value: { ...data, message: typeof input?.value === 'string' ? input.value : 'Any news?' },
      }),
      'submit',
    );
  };

  try {
    process.stderr.write(`running ${NAME}: warm-up (the first activity loads the Bot Framework SDK)…\n`);
    const loadStarted = performance.now();
    await message(users[0]!, 0);
    const firstMs = performance.now() - loadStarted;
    // Every person's first activity: roster lookup and identity; then some clicks.
    await timedPool(users.slice(1), concurrency, (u, i) => message(u, i + 1));
    await timedPool(users.slice(0, warmSubmits), concurrency, (u) => submit(u));

    // Rounds of a message from everyone, then everyone's click on the card it got.
    const messageTimes: number[] = [];
    const submitTimes: number[] = [];
    let messageMs = 0;
    let submitMs = 0;
    for (let r = 0; r < rounds; r++) {
      const m = await timedPool(users, concurrency, (u, i) => message(u, i));
      const s = await timedPool(users, concurrency, (u) => submit(u));
      messageTimes.push(...m.times);
      submitTimes.push(...s.times);
      messageMs += m.elapsedMs;
      submitMs += s.elapsedMs;
    }

    // Each activity: a 2xx, and exactly the bot's expected reply at the Bot Connector.
    for (const { activity, kind } of sent) {
      const replies = connector.byActivity.get(activity.id) ?? [];
      const expected = kind === 'message' ? 'POST' : 'PUT';
      const ok =
        replies.length === 1 &&
        replies[0]!.method === expected &&
        (kind === 'message'
          ? ticketButton(cardOf(replies[0]!.body)) !== undefined
          : JSON.stringify(replies[0]!.body).includes('Added to '));
      if (!ok)
        failures.push(
          `${kind} ${activity.id}: expected one ${expected} (${kind === 'message' ? '"which ticket?" card' : '"Added to" card'}), ` +
            `got ${JSON.stringify(replies.map((r) => [r.method, JSON.stringify(r.body).slice(0, 160)]))}`,
        );
    }
    if (connector.unknown.length)
      failures.push(...connector.unknown.map((r) => `unexpected request to the Bot Connector: ${r}`));
    if (failures.length) throw new BenchCheckFailed(NAME, failures);

    const line = (t: number[]) => `p50 ${pct(t, 0.5)} ms, p99 ${pct(t, 0.99)} ms, max ${pct(t, 1)} ms`;
    console.log(
      `${NAME} at concurrency ${concurrency} (${people} people, after ${people} first messages and ${warmSubmits} clicks ` +
        `as warm-up; the very first, which loads the SDK, took ${Math.round(firstMs)} ms): ` +
        `${measured} messages ${line(messageTimes)}; ${measured} card clicks ${line(submitTimes)}. ` +
        `Every activity got a 2xx and its reply at the Bot Connector (${sent.length} activities; ` +
        `${connector.rosterLookups} roster lookups, ${connector.proactive} sends by delivery jobs).`,
    );
    return [
      {
        name: `Teams personal-chat message → "which ticket?" card (POST /api/messages, ${concurrency} concurrent)`,
        p50Ms: pct(messageTimes, 0.5),
        p99Ms: pct(messageTimes, 0.99),
        throughput: Math.round((measured * 1000) / messageMs),
        unit: 'activities/s',
      },
      {
        name: `Teams Action.Submit (card value) → reply added, card updated (${concurrency} concurrent)`,
        p50Ms: pct(submitTimes, 0.5),
        p99Ms: pct(submitTimes, 0.99),
        throughput: Math.round((measured * 1000) / submitMs),
        unit: 'activities/s',
      },
    ];
  } finally {
    await connector.stop();
  }
}
