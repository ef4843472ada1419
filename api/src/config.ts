import { z } from 'zod';
import { isTimeZone } from '@deskmate/shared';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A whole number from the environment, with messages that say what is allowed. */
const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^\s*\d+\s*$/, `must be a whole number between ${min} and ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`));

const port = int(0, 65535);

const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL');

const units: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** A duration such as `500ms`, `5 seconds`, `2 minutes`, `1h` or `7 days`, as milliseconds. */
export const duration = (min: number, max: number) =>
  z
    .string()
    .regex(
      /^\s*\d+\s*(ms|s|sec|seconds?|m|min|minutes?|h|hours?|d|days?)\s*$/,
      'must be a duration such as "500ms", "5 seconds" or "1 hour"',
    )
    .transform((v) => {
      const [, n, unit] = /^\s*(\d+)\s*([a-z]+)\s*$/.exec(v)!;
      return Number(n) * units[unit!]!;
    })
    .pipe(z.number().min(min, `must be at least ${min} ms`).max(max, `must be at most ${max} ms`));

/** An issuer must be https; plain http only for a provider on this machine (local testing). */
export function issuerAllowed(value: string): boolean {
  try {
    const url = new URL(value);
    if (url.protocol === 'https:') return true;
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

/** `Name <address>` or a bare address, as MAIL_FROM is written; null when it is neither. */
export function parseMailbox(value: string): { name: string | null; address: string } | null {
  const match = /^\s*(?:"?([^"<]*?)"?\s*<([^<>\s]+@[^<>\s]+)>|([^<>\s]+@[^<>\s]+))\s*$/.exec(value);
  if (!match) return null;
  const address = (match[2] ?? match[3])!.toLowerCase();
  if (!/^[^@]+@[^@]+\.[^@]+$|^[^@]+@localhost$/.test(address)) return null;
  return { name: match[1]?.trim() || null, address };
}

/** A comma-separated list of mail domains, lower-cased (EMAIL_SENDER_DOMAINS, OIDC_ALLOWED_DOMAINS). */
const domainList = z
  .string()
  .regex(
    /^\s*[a-z0-9.-]+(\s*,\s*[a-z0-9.-]+)*\s*$/i,
    'must be a comma-separated list of domains such as example.com,example.org',
  )
  .transform((v) => v.split(',').map((d) => d.trim().toLowerCase()))
  .optional();

export const defaultAttachmentTypes = [
  'image/*',
  'application/pdf',
  'text/plain',
  'text/csv',
  'application/zip',
  'message/rfc822',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.*',
  'application/vnd.oasis.opendocument.*',
] as const;

/** `image/*,application/pdf`: a list of MIME types and `type/*` patterns, lower-cased. */
const mimeList = z
  .string()
  .regex(
    /^\s*[\w.+-]+\/[\w.+*-]+(\s*,\s*[\w.+-]+\/[\w.+*-]+)*\s*$/,
    'must be a comma-separated list of MIME types such as image/*,application/pdf',
  )
  .transform((v) => v.split(',').map((t) => t.trim().toLowerCase()));

/**
 * Every environment variable Deskmate reads, with its default and meaning. The README's
 * configuration table mirrors this list; `loadConfig` refuses a bad value with one line naming it.
 */
export const configSchema = {
  NODE_ENV: {
    schema: z.enum(['development', 'production', 'test']).default('development'),
    secret: false,
    doc: "development, production or test. HSTS, upgrade-insecure-requests and Secure cookies follow PUBLIC_URL's scheme (on for https); a production start over plain http says so in one warning line.",
  },
  PORT: { schema: port.default(3000), secret: false, doc: 'HTTP port to listen on (0 picks a free one).' },
  HOST: {
    schema: z.string().min(1).optional(),
    secret: false,
    doc: 'Interface to listen on. Default 127.0.0.1 with the embedded database, 0.0.0.0 with DATABASE_URL.',
  },
  PUBLIC_URL: {
    schema: z.url({ message: 'must be an absolute URL such as https://desk.example.com' }).optional(),
    secret: false,
    doc: 'The URL people reach Deskmate at (links in chat and email). Default http://HOST:PORT.',
  },
  DATABASE_URL: {
    schema: postgresUrl.optional(),
    secret: true,
    doc: 'PostgreSQL connection string. Unset: an embedded PostgreSQL under DESKMATE_DATA_DIR.',
  },
  DATABASE_POOL_MAX: {
    schema: int(1, 200).default(10),
    secret: false,
    doc: 'Connections per process in the pool (and in the read pool with DATABASE_READ_URL).',
  },
  DATABASE_DIRECT_URL: {
    schema: postgresUrl.optional(),
    secret: true,
    doc: 'A connection straight to the primary, not through a pooler, for what needs a session: LISTEN/NOTIFY (live updates, job wake-ups, the outbox relay), the migration lock and the IMAP poll lock; one connection per process, plus one while migrating at start. Set it when DATABASE_URL is a transaction-mode pooler (PgBouncer, a managed pooler). Default: DATABASE_URL.',
  },
  DATABASE_READ_URL: {
    schema: postgresUrl.optional(),
    secret: true,
    doc: 'A read replica (or a pooler in front of replicas) for the heavy reads: queue lists and search, queue counts, reports and knowledge-base lists. Writes, and reads that must see one’s own write (a ticket just changed, the signed-in user), stay on DATABASE_URL. Default: everything on DATABASE_URL.',
  },
  DATABASE_PREPARED_STATEMENTS: {
    schema: z.enum(['auto', 'on', 'off']).default('auto'),
    secret: false,
    doc: 'Named prepared statements on pooled connections to the primary (every statement sent with parameters is prepared once per connection, up to 500). A transaction-mode pooler breaks them unless it tracks them (PgBouncer 1.21+ with max_prepared_statements: set on). auto: off when DATABASE_DIRECT_URL is set and differs from DATABASE_URL (a pooler in front), on otherwise.',
  },
  DESKMATE_DATA_DIR: {
    schema: z.string().min(1).default('.deskmate'),
    secret: false,
    doc: 'Where the embedded PostgreSQL keeps its data (relative to the working directory).',
  },
  DESKMATE_DEMO: {
    schema: bool.optional(),
    secret: false,
    doc: 'Seed demo users and tickets once. Default: on for a new embedded database, off otherwise.',
  },
  DESKMATE_ROLE: {
    schema: z.enum(['all', 'api', 'bot', 'worker']).default('all'),
    secret: false,
    doc: 'What this process runs: all, api (HTTP API + console), bot (chat endpoints) or worker (jobs). `--role` overrides it.',
  },
  DESKMATE_API_URL: {
    schema: z.url({ message: 'must be an absolute URL such as http://10.0.0.5:3000' }).optional(),
    secret: false,
    doc: 'Where a `bot` or `worker` process reaches the API (the chat channels call it over HTTP). Required for those roles; `all` and `api` use their own.',
  },
  TICKET_KEY_PREFIX: {
    schema: z
      .string()
      .regex(/^[A-Z][A-Z0-9]{0,9}$/, 'must be 1-10 upper-case letters or digits, starting with a letter')
      .default('IT'),
    secret: false,
    doc: 'Prefix of ticket keys (IT-1042).',
  },
  TICKET_CREATE_LIMIT: {
    schema: int(1, 100_000).default(30),
    secret: false,
    doc: 'Tickets one requester may open per 10 minutes, from any channel (agents and admins are not limited).',
  },
  ATTACHMENT_MAX_BYTES: {
    schema: int(1024, 50 * 1024 * 1024).default(10 * 1024 * 1024),
    secret: false,
    doc: 'Largest file a person may upload to a reply, note or new ticket in the console or portal, or share in chat, in bytes (refused with 413 above it).',
  },
  ATTACHMENT_TYPES: {
    schema: mimeList.default([...defaultAttachmentTypes]),
    defaultText: defaultAttachmentTypes.join(','),
    secret: false,
    doc: 'MIME types that may be uploaded, as found in the bytes (`type/*` allowed). Programs, and files whose content is not what their name or type says, are always refused (415, with the reason).',
  },
  CHAT_SESSION_TTL: {
    schema: duration(60_000, 7 * 86_400_000).default(30 * 60_000),
    defaultText: '30 minutes',
    secret: false,
    doc: 'A chat conversation idle this long starts over at the next message.',
  },
  JOBS_PROCESS_EVERY: {
    schema: duration(50, 3_600_000).default(5000),
    defaultText: '5 seconds',
    secret: false,
    doc: 'How often a worker polls for due jobs (new jobs are also announced by LISTEN/NOTIFY).',
  },
  JOBS_LOCK_LIFETIME: {
    schema: duration(1000, 3_600_000).default(60_000),
    defaultText: '1 minute',
    secret: false,
    doc: 'How long a running job stays locked to its worker without a sign of life (workers refresh the lock every third of it). A worker that dies leaves its jobs locked this long before another worker takes them over.',
  },
  OUTBOX_POLL_INTERVAL: {
    schema: duration(100, 600_000).default(2000),
    defaultText: '2 seconds',
    secret: false,
    doc: 'How often a worker looks for outgoing work it was not woken for (new work wakes it at once through LISTEN/NOTIFY).',
  },
  MAINTENANCE_INTERVAL: {
    schema: duration(1000, 7 * 86_400_000).default(3_600_000),
    defaultText: '1 hour',
    secret: false,
    doc: 'How often the maintenance job purges expired rows.',
  },
  CLASSIFIER_RETRAIN_INTERVAL: {
    schema: duration(60_000, 30 * 86_400_000).default(86_400_000),
    defaultText: '1 day',
    secret: false,
    doc: "How often the desk's ticket classifier is retrained on the shipped examples plus agents' corrections (a run with no new correction stores nothing). Admins can also retrain from the Reports page.",
  },
  KB_IMPORT_MAX_BYTES: {
    schema: int(1024, 500 * 1024 * 1024).default(20 * 1024 * 1024),
    secret: false,
    doc: 'Largest knowledge-base import, in bytes: the zip uploaded (or the folder read by `deskmate kb import`), and what it unpacks to. Larger ones are refused whole (413).',
  },
  KB_IMPORT_MAX_FILES: {
    schema: int(1, 100_000).default(500),
    secret: false,
    doc: 'Most files one knowledge-base import may hold; more are refused whole (413).',
  },
  SLA_SWEEP_INTERVAL: {
    schema: duration(1000, 3_600_000).default(60_000),
    defaultText: '1 minute',
    secret: false,
    doc: 'How often the SLA sweep warns and escalates tickets, and due reminders are sent (down to "1 second").',
  },
  SLA_REMINDER_BEFORE: {
    schema: duration(60_000, 168 * 3_600_000).default(3_600_000),
    defaultText: '1 hour',
    secret: false,
    doc: 'How long before a first-response or resolution due time the assignee gets a reminder.',
  },
  STALE_RESOLVED_CLOSE_DAYS: {
    schema: int(1, 365).default(7),
    secret: false,
    doc: 'Days after which a resolved ticket is closed (checked daily).',
  },
  STALE_PENDING_REMINDER_DAYS: {
    schema: int(1, 365).default(3),
    secret: false,
    doc: 'Days a ticket may wait on the requester (pending) before they get a reminder.',
  },
  STALE_PENDING_RESOLVE_DAYS: {
    schema: int(1, 365).default(4),
    secret: false,
    doc: 'Days after that reminder, still without a reply, when the ticket is resolved with a notice.',
  },
  DIGEST_WEEKDAY: {
    schema: z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']).default('mon'),
    secret: false,
    doc: 'Day of the weekly digest to each agent (their tickets) and admin (the desk): opened, resolved, breached, at risk, CSAT.',
  },
  DIGEST_HOUR: {
    schema: int(0, 23).default(8),
    secret: false,
    doc: 'Hour of the day (0-23, in DIGEST_TIME_ZONE) of the weekly digest.',
  },
  DIGEST_TIME_ZONE: {
    schema: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/London').default('Europe/London'),
    secret: false,
    doc: 'Time zone of DIGEST_WEEKDAY and DIGEST_HOUR.',
  },
  SHUTDOWN_TIMEOUT_MS: {
    schema: int(100, 60000).default(8000),
    secret: false,
    doc: 'How long in-flight requests and jobs get to finish on SIGINT/SIGTERM before they are cut.',
  },
  JWT_SECRET: {
    schema: z.string().min(32, 'must be at least 32 characters (for example: openssl rand -base64 48)').optional(),
    secret: true,
    doc: 'Key that signs session tokens (HS256), at least 32 bytes. Unset: one is generated once and kept in the database.',
  },
  ENCRYPTION_KEY: {
    schema: z.string().min(32, 'must be at least 32 characters (for example: openssl rand -base64 48)').optional(),
    secret: true,
    doc: 'Key that encrypts TOTP secrets at rest (AES-256-GCM). Unset: generated once and kept in the database; set it in production so a database dump alone does not reveal them.',
  },
  SESSION_TTL: {
    schema: duration(60_000, 7 * 86_400_000).default(30 * 60_000),
    defaultText: '30 minutes',
    secret: false,
    doc: 'Lifetime of a session token; an active session is renewed when half of it has passed.',
  },
  OIDC_ISSUER: {
    schema: z
      .url({ message: 'must be an absolute URL such as https://login.microsoftonline.com/<tenant>/v2.0' })
      .refine(
        issuerAllowed,
        'must be an https:// URL (http:// only for a provider on this machine: 127.0.0.1, localhost, [::1])',
      )
      .optional(),
    secret: false,
    doc: 'Single sign-on with OpenID Connect: the issuer URL of the identity provider (discovery reads ISSUER/.well-known/openid-configuration). Entra ID: https://login.microsoftonline.com/<tenant id>/v2.0 (or /organizations/v2.0 for any work account); Google: https://accounts.google.com; Slack: https://slack.com. The redirect URI to register is PUBLIC_URL/api/auth/oidc/callback. More providers can be added on the console (Admin → Single sign-on).',
  },
  OIDC_CLIENT_ID: {
    schema: z.string().trim().min(1).max(500).optional(),
    secret: false,
    doc: 'The client (application) id Deskmate is registered with at OIDC_ISSUER. Required with OIDC_ISSUER.',
  },
  OIDC_CLIENT_SECRET: {
    schema: z.string().min(1).max(2000).optional(),
    secret: true,
    doc: 'The client secret of OIDC_CLIENT_ID (sent with client_secret_post). Unset: Deskmate signs in as a public client, with PKCE only.',
  },
  OIDC_DISPLAY_NAME: {
    schema: z.string().trim().min(1).max(60).default('Single sign-on'),
    secret: false,
    doc: 'The name on the console\'s sign-in button: "Sign in with …".',
  },
  OIDC_ALLOWED_DOMAINS: {
    schema: domainList,
    secret: false,
    doc: 'Email domains whose people get a requester account at their first single sign-on (just-in-time). Someone whose verified email matches an existing user is linked to that user whatever the domain. Unset: only existing users can sign in with OIDC_ISSUER.',
  },
  TRUST_PROXY: {
    schema: int(0, 10).default(0),
    secret: false,
    doc: 'How many reverse proxies in front of Deskmate to trust for X-Forwarded-For (client IP for rate limits and audit). 0: ignore the header.',
  },
  INTEGRATION_TOKEN: {
    schema: z.string().min(32, 'must be at least 32 characters').optional(),
    secret: true,
    doc: 'The API token the bots use (scope chat:act). Unset: one is generated once and kept in the database; set it when bots run as separate processes (--role bot).',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    secret: false,
    doc: 'pino log level. Logs are JSON, pretty-printed when stdout is a terminal.',
  },
  LOG_PRETTY: {
    schema: bool.optional(),
    secret: false,
    doc: 'Force pretty (true) or JSON (false) logs. Default: pretty in a terminal.',
  },
  SMTP_URL: {
    schema: z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL such as smtps://user:password@smtp.example.com:465')
      .optional(),
    secret: true,
    doc: 'SMTP relay for outgoing email (smtp:// with STARTTLS, smtps:// for TLS; nodemailer options as query, e.g. ?pool=true). Unset: mail goes to the dev outbox (GET /api/admin/mail and the log).',
  },
  MAIL_FROM: {
    schema: z
      .string()
      .refine((v) => parseMailbox(v) !== null, 'must be an address such as "Deskmate IT <support@example.com>"')
      .default('Deskmate <support@deskmate.local>'),
    secret: false,
    doc: 'Sender of every email. Its domain names our Message-IDs.',
  },
  EMAIL_REPLY_ADDRESS: {
    schema: z.email({ message: 'must be an email address' }).optional(),
    secret: false,
    doc: 'The mailbox replies go to (the one IMAP_URL reads or that forwards to the webhook). Default: the address of MAIL_FROM.',
  },
  EMAIL_SIGNED_REPLY_TO: {
    schema: bool.default(true),
    secret: false,
    doc: 'Give each recipient a signed Reply-To (`support+it-1042.…@…`). Turn off only if the mailbox does not accept plus addresses; replies are then matched by In-Reply-To/References.',
  },
  EMAIL_REPLY_SECRET: {
    schema: z.string().min(32, 'must be at least 32 characters (for example: openssl rand -base64 48)').optional(),
    secret: true,
    doc: 'Key that signs reply addresses (HMAC-SHA256). Unset: derived from ENCRYPTION_KEY with HKDF.',
  },
  EMAIL_INBOUND_SECRET: {
    schema: z.string().min(24, 'must be at least 24 characters (for example: openssl rand -base64 32)').optional(),
    secret: true,
    doc: 'Bearer token a mail provider sends to POST /api/email/inbound (raw MIME, Content-Type message/rfc822). Unset: the webhook is off.',
  },
  EMAIL_INBOUND_MAX_BYTES: {
    schema: int(1024, 200 * 1024 * 1024).default(25 * 1024 * 1024),
    secret: false,
    doc: 'Largest inbound email accepted, in bytes (webhook and IMAP).',
  },
  EMAIL_CREATE_TICKETS: {
    schema: z.enum(['off', 'known', 'anyone']).default('known'),
    secret: false,
    doc: 'Who may open a ticket by emailing the desk: off, known (existing users) or anyone (unknown senders become requesters; see EMAIL_SENDER_DOMAINS).',
  },
  EMAIL_SENDER_DOMAINS: {
    schema: domainList,
    secret: false,
    doc: 'With EMAIL_CREATE_TICKETS=anyone: only senders of these domains become requesters. Unset: any domain.',
  },
  EMAIL_SENDER_LIMIT: {
    schema: int(1, 10_000).default(10),
    secret: false,
    doc: 'Tickets one email sender may open or reopen by email per hour, and mails from unverified senders one ticket takes per hour; more are recorded and refused.',
  },
  EMAIL_ATTACHMENT_MAX_BYTES: {
    schema: int(0, 100 * 1024 * 1024).default(10 * 1024 * 1024),
    secret: false,
    doc: 'Largest attachment kept from an inbound email, in bytes (larger ones are listed as skipped).',
  },
  EMAIL_ATTACHMENT_TYPES: {
    schema: mimeList.default([...defaultAttachmentTypes]),
    defaultText: defaultAttachmentTypes.join(','),
    secret: false,
    doc: 'MIME types of inbound attachments that are kept, as found in their bytes (`type/*` allowed); others, programs and files whose content is not what their name or type says are listed as skipped.',
  },
  EMAIL_ATTACH_FILES_MAX_BYTES: {
    schema: int(0, 20 * 1024 * 1024).default(0),
    secret: false,
    doc: 'Files of a public reply up to this many bytes in all travel inside its notification email; the others (all of them with 0) are listed as links to their download, which asks the reader to sign in. Files of internal notes are never emailed.',
  },
  EMAIL_BOUNCE_PAUSE: {
    schema: duration(60_000, 365 * 86_400_000).default(7 * 86_400_000),
    defaultText: '7 days',
    secret: false,
    doc: 'After a permanent bounce (a 5.x.x delivery failure of mail Deskmate sent), mail to that address is paused this long (sign-in codes and invitations still go). A temporary failure (4.x.x, delayed) never pauses. An admin can clear it on the Users page.',
  },
  EMAIL_VERIFY_SENDER: {
    schema: z.enum(['dns', 'header', 'off']).default('dns'),
    secret: false,
    doc: 'How an inbound sender is authenticated when a mail does not come to the signed reply address issued to them: dns (DKIM/DMARC, and SPF when the webhook is told the client IP, checked by Deskmate; plus the Authentication-Results of EMAIL_TRUSTED_AUTHSERV_ID when set), header (only the Authentication-Results of EMAIL_TRUSTED_AUTHSERV_ID; for hosts without DNS) or off (only signed reply addresses authenticate). Unauthenticated replies become internal "unverified sender" notes.',
  },
  EMAIL_TRUSTED_AUTHSERV_ID: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, 'must be an authserv-id such as mx.google.com')
      .transform((v) => v.toLowerCase())
      .optional(),
    secret: false,
    doc: "The authserv-id of the server that receives the desk's mail (e.g. mx.google.com, or your MX host name): its Authentication-Results header (the topmost one with this id) is trusted to say whether the sender passed DMARC/DKIM/SPF. Unset: no Authentication-Results header is trusted. Required with EMAIL_VERIFY_SENDER=header.",
  },
  IMAP_URL: {
    schema: z
      .string()
      .regex(/^imaps?:\/\//, 'must be an imap:// or imaps:// URL such as imaps://user:password@imap.example.com')
      .optional(),
    secret: true,
    doc: 'Mailbox to poll for replies and new tickets (imaps:// for TLS). Workers poll it; unset: no polling.',
  },
  IMAP_MAILBOX: {
    schema: z.string().min(1).default('INBOX'),
    secret: false,
    doc: 'Folder of IMAP_URL that is read.',
  },
  IMAP_PROCESSED_FOLDER: {
    schema: z.string().min(1).default('Deskmate/Processed'),
    secret: false,
    doc: 'Folder processed mail is moved to (created when missing; / separates levels).',
  },
  IMAP_POLL_INTERVAL: {
    schema: duration(1000, 3_600_000).default(60_000),
    defaultText: '1 minute',
    secret: false,
    doc: 'How often IMAP_URL is polled.',
  },
} as const;

type Schemas = { [K in keyof typeof configSchema]: (typeof configSchema)[K]['schema'] };
export type Config = { [K in keyof Schemas]: z.output<Schemas[K]> };

/** A configuration error: one line that names the variable and what is wrong with it. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
    shownValue: string | undefined,
  ) {
    super(
      `Configuration error: ${variable} ${reason}${shownValue === undefined ? '' : ` (got ${JSON.stringify(shownValue)})`}`,
    );
    this.name = 'ConfigError';
  }
}

/**
 * Validate the environment. Empty strings count as unset, so `PORT=` in a .env file means the
 * default. Values of secret variables are never echoed in the error.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(configSchema)) {
    const raw = env[name] === '' ? undefined : env[name];
    const parsed = (spec.schema as z.ZodType).safeParse(raw);
    if (!parsed.success) {
      throw new ConfigError(name, describeIssue(parsed.error.issues[0]), spec.secret ? undefined : raw);
    }
    out[name] = parsed.data;
  }
  for (const name of ['DATABASE_DIRECT_URL', 'DATABASE_READ_URL'] as const) {
    if (out[name] && !out.DATABASE_URL)
      throw new ConfigError(name, 'needs DATABASE_URL (the embedded database has no pooler or replica)', undefined);
  }
  if (out.EMAIL_VERIFY_SENDER === 'header' && !out.EMAIL_TRUSTED_AUTHSERV_ID)
    throw new ConfigError('EMAIL_TRUSTED_AUTHSERV_ID', 'must be set when EMAIL_VERIFY_SENDER=header', undefined);
  if (out.OIDC_ISSUER && !out.OIDC_CLIENT_ID)
    throw new ConfigError('OIDC_CLIENT_ID', 'must be set when OIDC_ISSUER is set', undefined);
  for (const name of ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_ALLOWED_DOMAINS'] as const) {
    if (out[name] !== undefined && !out.OIDC_ISSUER) throw new ConfigError(name, 'needs OIDC_ISSUER', undefined);
  }
  return out as Config;
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'is invalid';
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map(String).join(', ')}`;
  return issue.message.startsWith('must') ? issue.message : `is invalid: ${issue.message}`;
}

/**
 * Whether people reach Deskmate over HTTPS (PUBLIC_URL's scheme). The headers and cookie flags
 * that only work over HTTPS (HSTS, upgrade-insecure-requests, Secure cookies) follow this, not
 * NODE_ENV: a production console opened over plain http would otherwise be a blank page.
 */
export function servedOverHttps(config: Pick<Config, 'PUBLIC_URL'>): boolean {
  return config.PUBLIC_URL?.startsWith('https:') ?? false;
}

/** The one line a production start prints when PUBLIC_URL is not https, or null. */
export function plainHttpWarning(config: Pick<Config, 'PUBLIC_URL' | 'NODE_ENV'>): string | null {
  if (config.NODE_ENV !== 'production' || servedOverHttps(config)) return null;
  const url = config.PUBLIC_URL ?? 'unset';
  return `PUBLIC_URL is ${url}, not https: HSTS, upgrade-insecure-requests and Secure cookies are off so the console works over plain HTTP. Put Deskmate behind HTTPS and set PUBLIC_URL=https://… for production use.`;
}

/**
 * Whether pooled connections may use named prepared statements (DATABASE_PREPARED_STATEMENTS).
 * A transaction-mode pooler hands each transaction whichever server connection is free, so a
 * statement prepared on one is missing on the next ("prepared statement … does not exist") unless
 * the pooler tracks them (PgBouncer 1.21+ with max_prepared_statements). A pooler cannot be
 * recognised from an ordinary connection (PgBouncer answers `SHOW VERSION` on its admin database
 * only), so `auto` goes by what the operator declared: a DATABASE_DIRECT_URL other than
 * DATABASE_URL means something pools in between.
 */
export function namedStatementsAllowed(
  config: Pick<Config, 'DATABASE_PREPARED_STATEMENTS' | 'DATABASE_URL' | 'DATABASE_DIRECT_URL'>,
): boolean {
  if (config.DATABASE_PREPARED_STATEMENTS !== 'auto') return config.DATABASE_PREPARED_STATEMENTS === 'on';
  return !config.DATABASE_DIRECT_URL || config.DATABASE_DIRECT_URL === config.DATABASE_URL;
}

/** The host to listen on, when HOST is not set. */
export function defaultHost(config: Config): string {
  return config.HOST ?? (config.DATABASE_URL ? '0.0.0.0' : '127.0.0.1');
}
