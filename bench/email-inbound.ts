/**
 * Inbound email: POST /api/email/inbound with raw MIME (Content-Type: message/rfc822, the
 * EMAIL_INBOUND_SECRET as a Bearer token), as a mail provider's webhook sends it. Two kinds:
 * a new request from someone the desk has not met (EMAIL_CREATE_TICKETS=anyone, their domain in
 * EMAIL_SENDER_DOMAINS: a requester and a ticket are created), and a requester's reply to the
 * notification they got about their open ticket (to the signed reply address, threaded under the
 * ticket's Message-ID, with the quoted notification below: a public reply is added). Every mail
 * has its own Message-ID (a second delivery of one is a no-op).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { replyKey, signReplyToken } from '../api/src/email/addresses.js';
import { BenchCheckFailed, pct, timedPool, type BenchResult } from './measure.js';

const NAME = 'Inbound email';
/** The desk's address: the default MAIL_FROM, so also the reply mailbox and our Message-ID domain. */
const DESK = { local: 'support', domain: 'deskmate.local' };
export const SENDER_DOMAIN = 'mail.bench.example';

const date = () => new Date().toUTCString().replace('GMT', '+0000');
const boundary = () => `000000000000${randomBytes(6).toString('hex')}`;

const problems = [
  [
    'Printer on the 3rd floor jams on every job',
    'The printer next to the kitchen jams on every job since this morning.',
  ],
  ['Cannot connect to the VPN from home', 'The VPN client says the server is unreachable, since yesterday evening.'],
  ['Outlook does not sync my calendar', 'Meetings I accept on my phone never show up in Outlook on the laptop.'],
  ['New starter needs a laptop', 'Our new colleague starts on Monday and needs a laptop and an account.'],
  ['Shared drive is read-only', 'I can open files on the finance share but I cannot save any of them.'],
] as const;

/** A Gmail-style new message: multipart/alternative, plain and HTML, signature. */
function newMail(i: number, messageId: string): string {
  const [subject, text] = problems[i % problems.length]!;
  const b = boundary();
  const who = `person${i}`;
  return [
    `Delivered-To: ${DESK.local}@${DESK.domain}`,
    `Authentication-Results: mx.${DESK.domain}; dkim=pass header.d=${SENDER_DOMAIN}; spf=pass; dmarc=pass header.from=${SENDER_DOMAIN}`,
    'MIME-Version: 1.0',
    `From: Person ${i} <${who}@${SENDER_DOMAIN}>`,
    `Date: ${date()}`,
    `Message-ID: <${messageId}>`,
    `Subject: ${subject}`,
    `To: IT Support <${DESK.local}@${DESK.domain}>`,
    `Content-Type: multipart/alternative; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset="UTF-8"',
    '',
    'Hi IT,',
    '',
    `${text} Could someone have a look? (${i})`,
    '',
    '--',
    `Person ${i}`,
    'Finance, Example Ltd',
    '',
    `--${b}`,
    'Content-Type: text/html; charset="UTF-8"',
    '',
    `<div dir="ltr">Hi IT,<div><br></div><div>${text} Could someone have a look? (${i})</div><div><br></div>` +
      `<div class="gmail_signature">Person ${i}<div>Finance, Example Ltd</div></div></div>`,
    '',
    `--${b}--`,
    '',
  ].join('\r\n');
}

interface Thread {
  key: string;
  title: string;
  requesterId: string;
  email: string;
  name: string;
}

/** A requester's plain-text reply to a notification about their ticket, quoting it. */
function replyMail(t: Thread, i: number, messageId: string, key: Buffer): string {
  const token = signReplyToken(key, { ticketKey: t.key, userId: t.requesterId, scope: 'public' });
  const replyTo = `${DESK.local}+${token}@${DESK.domain}`;
  const root = `${t.key}@${DESK.domain}`;
  const parent = `${t.key}.${randomBytes(8).toString('hex')}@${DESK.domain}`;
  return [
    `Delivered-To: ${replyTo}`,
    'MIME-Version: 1.0',
    `References: <${root}> <${parent}>`,
    `In-Reply-To: <${parent}>`,
    `From: ${t.name} <${t.email}>`,
    `Date: ${date()}`,
    `Message-ID: <${messageId}>`,
    `Subject: Re: [${t.key}] ${t.title}`,
    `To: Deskmate IT <${replyTo}>`,
    'Content-Type: text/plain; charset="UTF-8"',
    '',
    `It still happens, I tried again this morning at 9:${String(i % 60).padStart(2, '0')}.`,
    '',
    '--',
    t.name,
    '',
    `On ${date()}, Deskmate IT <${replyTo}> wrote:`,
    '>',
    '> ##- Please type your reply above this line -##',
    '>',
    `> Agent replied on ${t.key} "${t.title}":`,
    '>',
    '> Please restart the laptop and tell us if it still happens.',
    '>',
    '',
  ].join('\r\n');
}

type Outcome = { outcome?: string; matchedBy?: string; ticketKey?: string | null; reason?: string | null };

export async function benchInboundEmail(options: {
  url: string;
  databaseUrl: string;
  inboundSecret: string;
  /** EMAIL_REPLY_SECRET of the process: the bench signs reply addresses as its notifications do. */
  replySecret: string;
}): Promise<BenchResult[]> {
  const concurrency = 10;
  const warmups = 100;
  const measured = 400;
  const run = `${Date.now().toString(36)}`;
  // With EMAIL_REPLY_SECRET set the key does not depend on the encryption key.
  const key = replyKey({ EMAIL_REPLY_SECRET: options.replySecret }, '');

  const db = new pg.Client({ connectionString: options.databaseUrl });
  await db.connect();
  try {
    // One new or open ticket for each of many requesters: each reply is on its own ticket.
    const threads = (
      await db.query<Thread>(
        `SELECT DISTINCT ON (t.requester_id) t.key, t.title, u.id AS "requesterId", u.email, u.name
         FROM tickets t JOIN users u ON u.id = t.requester_id
         WHERE t.status IN ('new', 'open') AND u.role = 'requester' AND u.active
         ORDER BY t.requester_id, t.number DESC
         LIMIT $1`,
        [warmups + measured],
      )
    ).rows;
    if (threads.length < warmups + measured) throw new Error(`${NAME}: not enough requesters with open tickets`);

    const failures: string[] = [];
    let n = 0;
    const post = async (raw: string, messageId: string, expected: 'created' | 'replied', ticketKey?: string) => {
      const res = await fetch(`${options.url}/api/email/inbound`, {
        method: 'POST',
        headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${options.inboundSecret}` },
        body: raw,
      });
      const text = await res.text();
      if (!res.ok) return void failures.push(`${messageId}: HTTP ${res.status} ${text.slice(0, 200)}`);
      const body = JSON.parse(text) as Outcome;
      const ok =
        body.outcome === expected &&
        (expected === 'created'
          ? body.matchedBy === 'new'
          : body.matchedBy === 'token' && body.ticketKey === ticketKey);
      if (!ok) failures.push(`${messageId}: expected ${expected}, got ${text.slice(0, 200)}`);
    };
    const sendNew = (i: number) => {
      const id = `bench-${run}-${++n}.new@${SENDER_DOMAIN}`;
      return post(newMail(i, id), id, 'created');
    };
    const sendReply = (t: Thread, i: number) => {
      const id = `bench-${run}-${++n}.reply@${SENDER_DOMAIN}`;
      return post(replyMail(t, i, id, key), id, 'replied', t.key);
    };

    process.stderr.write(
      `running ${NAME}: ${warmups} + ${warmups} warm-up, then ${measured} new and ${measured} replies…\n`,
    );
    const repliesBefore = (
      await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
         WHERE e.kind = 'reply' AND e.channel = 'email' AND t.key = ANY($1)`,
        [threads.map((t) => t.key)],
      )
    ).rows[0]!.n;
    const people = Array.from({ length: warmups + measured }, (_, i) => i);
    await timedPool(people.slice(0, warmups), concurrency, (i) => sendNew(i));
    await timedPool(threads.slice(0, warmups), concurrency, (t, i) => sendReply(t, i));
    const created = await timedPool(people.slice(warmups), concurrency, (i) => sendNew(i));
    const replied = await timedPool(threads.slice(warmups), concurrency, (t, i) => sendReply(t, i));

    // What the database says happened, beside what each answer said.
    const outcomes = Object.fromEntries(
      (
        await db.query<{ outcome: string; n: number }>(
          `SELECT outcome, count(*)::int AS n FROM email_inbound WHERE message_id LIKE $1 GROUP BY outcome`,
          [`bench-${run}-%`],
        )
      ).rows.map((r) => [r.outcome, r.n]),
    );
    const expected = { created: warmups + measured, replied: warmups + measured };
    if (
      Object.keys(outcomes).length !== 2 ||
      outcomes.created !== expected.created ||
      outcomes.replied !== expected.replied
    )
      failures.push(`email_inbound outcomes ${JSON.stringify(outcomes)}, expected ${JSON.stringify(expected)}`);
    const tickets = (
      await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM tickets t JOIN users u ON u.id = t.requester_id
         WHERE t.channel = 'email' AND u.email LIKE $1`,
        [`%@${SENDER_DOMAIN}`],
      )
    ).rows[0]!.n;
    if (tickets !== warmups + measured)
      failures.push(`${tickets} email tickets from ${SENDER_DOMAIN} senders, expected ${warmups + measured}`);
    const repliesAfter = (
      await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
         WHERE e.kind = 'reply' AND e.channel = 'email' AND t.key = ANY($1)`,
        [threads.map((t) => t.key)],
      )
    ).rows[0]!.n;
    if (repliesAfter - repliesBefore !== warmups + measured)
      failures.push(
        `${repliesAfter - repliesBefore} email replies added to the tickets, expected ${warmups + measured}`,
      );
    if (failures.length) throw new BenchCheckFailed(NAME, failures);

    const line = (t: number[]) => `p50 ${pct(t, 0.5)} ms, p99 ${pct(t, 0.99)} ms, max ${pct(t, 1)} ms`;
    console.log(
      `${NAME} at concurrency ${concurrency} (after ${warmups} of each as warm-up): ${measured} new requests ` +
        `${line(created.times)}; ${measured} replies ${line(replied.times)}. Outcomes checked in each answer and ` +
        `in the database: ${warmups + measured} tickets and requesters created, ${warmups + measured} replies added.`,
    );
    return [
      {
        name: `Inbound email, new request from an unknown sender → requester + ticket (${concurrency} concurrent)`,
        p50Ms: pct(created.times, 0.5),
        p99Ms: pct(created.times, 0.99),
        throughput: Math.round((measured * 1000) / created.elapsedMs),
        unit: 'mails/s',
      },
      {
        name: `Inbound email, reply to the signed reply address → public reply (${concurrency} concurrent)`,
        p50Ms: pct(replied.times, 0.5),
        p99Ms: pct(replied.times, 0.99),
        throughput: Math.round((measured * 1000) / replied.elapsedMs),
        unit: 'mails/s',
      },
    ];
  } finally {
    await db.end();
  }
}
