import { sql } from 'drizzle-orm';
import {
  customType,
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
  real,
} from 'drizzle-orm/pg-core';
import {
  channels,
  chatProviders,
  ticketEventKinds,
  ticketPriorities,
  ticketStatuses,
  twoFactorMethods,
  userRoles,
  visibilities,
} from '@deskmate/shared';

/** PostgreSQL full-text vector; ours is a generated column (see the tickets table). */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const userRole = pgEnum('user_role', userRoles);
export const ticketStatus = pgEnum('ticket_status', ticketStatuses);
export const ticketPriority = pgEnum('ticket_priority', ticketPriorities);
export const channel = pgEnum('channel', channels);
export const ticketEventKind = pgEnum('ticket_event_kind', ticketEventKinds);
export const visibility = pgEnum('visibility', visibilities);
export const twoFactorMethod = pgEnum('two_factor_method', twoFactorMethods);
export const chatProvider = pgEnum('chat_provider', chatProviders);
export const outboxStatus = pgEnum('outbox_status', ['pending', 'delivered', 'dead']);
export const authTokenPurpose = pgEnum('auth_token_purpose', ['invite', 'password_reset', 'email_otp']);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: userRole('role').notNull().default('requester'),
    passwordHash: text('password_hash'),
    active: boolean('active').notNull().default(true),
    /** Agents marked away are skipped by round-robin assignment. */
    away: boolean('away').notNull().default(false),
    /** Bumped to revoke every token issued before (logout-all, password, role or 2FA change). */
    tokenVersion: integer('token_version').notNull().default(0),
    twoFactorMethod: twoFactorMethod('two_factor_method').notNull().default('none'),
    /** TOTP secret, encrypted at rest (never the plain secret). */
    totpSecretEnc: text('totp_secret_enc'),
    /** A TOTP secret being enrolled, until the first code confirms it (encrypted). */
    totpPendingEnc: text('totp_pending_enc'),
    /** The last TOTP time step accepted, so a code cannot be replayed. */
    totpLastStep: bigint('totp_last_step', { mode: 'number' }),
    twoFactorRequired: boolean('two_factor_required').notNull().default(false),
    timezone: text('timezone'),
    lastLoginAt: timestamp('last_login_at', { withTimezone: true }),
    /** The last permanent bounce of mail to this address (api/src/email/bounces.ts), and why. */
    emailBouncedAt: timestamp('email_bounced_at', { withTimezone: true }),
    emailBounceReason: text('email_bounce_reason'),
    /** Mail to this address waits (is skipped) until then: EMAIL_BOUNCE_PAUSE after the bounce. */
    emailPausedUntil: timestamp('email_paused_until', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_email_lower_idx').on(sql`lower(${t.email})`)],
);

/** A chat account (Slack user, Teams user) that maps to one Deskmate user. */
export const userIdentities = pgTable(
  'user_identities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    provider: chatProvider('provider').notNull(),
    /** Slack user id (U…), or Teams AAD object id. */
    providerUserId: text('provider_user_id').notNull(),
    /** Slack team id or Teams tenant id. */
    providerTeamId: text('provider_team_id'),
    data: jsonb('data').notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('user_identities_provider_user_idx').on(t.provider, t.providerUserId),
    index('user_identities_user_idx').on(t.userId),
  ],
);

export const groups = pgTable(
  'groups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    description: text('description'),
    roundRobin: boolean('round_robin').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('groups_name_lower_idx').on(sql`lower(${t.name})`)],
);

export const groupMembers = pgTable(
  'group_members',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** When round-robin last gave this member a ticket of this group. */
    lastAssignedAt: timestamp('last_assigned_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('group_members_user_idx').on(t.userId)],
);

/** Ticket numbers come from one sequence, so keys are unique under any concurrency. */
export const ticketNumberSeq = pgSequence('ticket_number_seq', { startWith: 1001 });

export const tickets = pgTable(
  'tickets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    number: integer('number')
      .notNull()
      .default(sql`nextval('ticket_number_seq')`),
    /** Human key such as IT-1042. */
    key: varchar('key', { length: 24 }).notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    status: ticketStatus('status').notNull().default('new'),
    priority: ticketPriority('priority').notNull().default('medium'),
    category: text('category'),
    requesterId: uuid('requester_id')
      .notNull()
      .references(() => users.id),
    assigneeId: uuid('assignee_id').references(() => users.id),
    groupId: uuid('group_id').references(() => groups.id),
    channel: channel('channel').notNull().default('web'),
    mergedIntoId: uuid('merged_into_id'),
    firstRespondedAt: timestamp('first_responded_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    firstResponseDueAt: timestamp('first_response_due_at', { withTimezone: true }),
    resolutionDueAt: timestamp('resolution_due_at', { withTimezone: true }),
    slaPausedAt: timestamp('sla_paused_at', { withTimezone: true }),
    escalationLevel: integer('escalation_level').notNull().default(0),
    // SLA clocks (api/src/sla/clock.ts, ADR 5): what explains each due time, kept on the ticket.
    /** The policy (and its version) and the calendar the due times were computed with. */
    slaPolicyId: uuid('sla_policy_id'),
    slaPolicyVersion: integer('sla_policy_version'),
    slaCalendarId: uuid('sla_calendar_id'),
    /** Earliest warning or breach still to act on, over the running clocks: what the sweep selects by. */
    slaNextActionAt: timestamp('sla_next_action_at', { withTimezone: true }),
    firstResponseTargetMs: bigint('first_response_target_ms', { mode: 'number' }),
    /** Business time used in finished segments; the running segment started at `…_running_since`. */
    firstResponseConsumedMs: bigint('first_response_consumed_ms', { mode: 'number' }).notNull().default(0),
    firstResponseRunningSince: timestamp('first_response_running_since', { withTimezone: true }),
    firstResponseWarnAt: timestamp('first_response_warn_at', { withTimezone: true }),
    firstResponseWarnedAt: timestamp('first_response_warned_at', { withTimezone: true }),
    firstResponseBreachedAt: timestamp('first_response_breached_at', { withTimezone: true }),
    firstResponseReminded: boolean('first_response_reminded').notNull().default(false),
    resolutionTargetMs: bigint('resolution_target_ms', { mode: 'number' }),
    resolutionConsumedMs: bigint('resolution_consumed_ms', { mode: 'number' }).notNull().default(0),
    resolutionRunningSince: timestamp('resolution_running_since', { withTimezone: true }),
    resolutionWarnAt: timestamp('resolution_warn_at', { withTimezone: true }),
    resolutionWarnedAt: timestamp('resolution_warned_at', { withTimezone: true }),
    resolutionBreachedAt: timestamp('resolution_breached_at', { withTimezone: true }),
    resolutionReminded: boolean('resolution_reminded').notNull().default(false),
    /**
     * The instant after which the ticket counts as breached (`-infinity` once a breach is recorded,
     * null while no running clock has a due time): the SLA state of presentSla (sla/clock.ts) as one
     * indexable column, so the breached queue is a range scan (`sla_breach_at < now`).
     */
    slaBreachAt: timestamp('sla_breach_at', { withTimezone: true }).generatedAlwaysAs(
      sql`CASE WHEN first_response_breached_at IS NOT NULL OR resolution_breached_at IS NOT NULL THEN '-infinity'::timestamptz ELSE LEAST(CASE WHEN first_response_running_since IS NOT NULL THEN first_response_due_at END, CASE WHEN resolution_running_since IS NOT NULL THEN resolution_due_at END) END`,
    ),
    /** The earliest warning time over the running clocks (null: none runs): at risk from then until breached. */
    slaWarnAt: timestamp('sla_warn_at', { withTimezone: true }).generatedAlwaysAs(
      sql`LEAST(CASE WHEN first_response_running_since IS NOT NULL THEN first_response_warn_at END, CASE WHEN resolution_running_since IS NOT NULL THEN resolution_warn_at END)`,
    ),
    /** Waiting on the requester since (stale-ticket rules); the reminder sent for that wait. */
    pendingSince: timestamp('pending_since', { withTimezone: true }),
    pendingRemindedAt: timestamp('pending_reminded_at', { withTimezone: true }),
    /** Public replies, appended as they are posted, for full-text search (never internal notes). */
    repliesText: text('replies_text').notNull().default(''),
    searchVector: tsvector('search_vector').generatedAlwaysAs(
      sql`setweight(to_tsvector('simple', coalesce(key, '')), 'A') || setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(description, '')), 'B') || setweight(to_tsvector('english', coalesce(replies_text, '')), 'C')`,
    ),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('tickets_search_idx').using('gin', t.searchVector),
    index('tickets_updated_idx').on(t.updatedAt, t.id),
    index('tickets_created_idx').on(t.createdAt, t.id),
    uniqueIndex('tickets_key_idx').on(t.key),
    uniqueIndex('tickets_number_idx').on(t.number),
    index('tickets_status_idx').on(t.status, t.updatedAt),
    index('tickets_status_priority_idx').on(t.status, t.priority, t.id),
    index('tickets_requester_idx').on(t.requesterId, t.createdAt),
    index('tickets_assignee_idx').on(t.assigneeId, t.status),
    index('tickets_group_idx').on(t.groupId, t.status),
    index('tickets_sla_next_action_idx')
      .on(t.slaNextActionAt)
      .where(sql`${t.slaNextActionAt} IS NOT NULL`),
    index('tickets_first_response_reminder_idx')
      .on(t.firstResponseDueAt)
      .where(
        sql`${t.firstResponseRunningSince} IS NOT NULL AND NOT ${t.firstResponseReminded} AND ${t.assigneeId} IS NOT NULL`,
      ),
    index('tickets_resolution_reminder_idx')
      .on(t.resolutionDueAt)
      .where(
        sql`${t.resolutionRunningSince} IS NOT NULL AND NOT ${t.resolutionReminded} AND ${t.assigneeId} IS NOT NULL`,
      ),
    index('tickets_resolved_at_idx')
      .on(t.resolvedAt)
      .where(sql`${t.status} = 'resolved'`),
    index('tickets_pending_since_idx')
      .on(t.pendingSince)
      .where(sql`${t.pendingSince} IS NOT NULL`),
    // The at-risk and breached queues (tickets/list.ts slaState), in the default page order: a
    // page is read from the newest down and stops after it, the state checked in the index (no
    // table read for a ticket not in it), so even a desk where nothing is late costs one walk of
    // the running tickets' entries. Status is in the key because recorded breaches stay on
    // resolved and closed tickets, which the queue does not list.
    index('tickets_sla_breach_page_idx')
      .on(t.updatedAt, t.id, t.status, t.slaBreachAt)
      .where(sql`${t.slaBreachAt} IS NOT NULL`),
    // At risk is "warned and not yet breached": the breach time in the key, never null there, is
    // the condition's own expression, so the index drops the breached ones too.
    index('tickets_sla_warn_page_idx')
      .on(t.updatedAt, t.id, t.slaWarnAt, sql`COALESCE(${t.slaBreachAt}, 'infinity'::timestamptz)`)
      .where(sql`${t.slaWarnAt} IS NOT NULL`),
  ],
);

/**
 * Business calendars of SLA clocks: weekly hours on the wall clock of a time zone, and holidays
 * (the shape of `ZBusinessCalendar`).
 */
export const slaCalendars = pgTable(
  'sla_calendars',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    timeZone: text('time_zone').notNull(),
    /** `{ mon: [{ start: '09:00', end: '17:00' }], …, sun: [] }` */
    weekly: jsonb('weekly').notNull(),
    /** Local dates off, `YYYY-MM-DD`. */
    holidays: jsonb('holidays').notNull().default([]),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('sla_calendars_name_lower_idx').on(sql`lower(${t.name})`)],
);

/**
 * SLA policies: targets per priority, optionally narrowed to a group and/or a category; the most
 * specific active policy applies. A change bumps `version`; replaced policies stay, inactive, so
 * that a ticket's `sla_policy_id` keeps meaning something.
 */
export const slaPolicies = pgTable(
  'sla_policies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    priority: ticketPriority('priority').notNull(),
    groupId: uuid('group_id').references(() => groups.id, { onDelete: 'cascade' }),
    category: text('category'),
    calendarId: uuid('calendar_id')
      .notNull()
      .references(() => slaCalendars.id),
    /** Business minutes. */
    firstResponseMinutes: integer('first_response_minutes').notNull(),
    resolutionMinutes: integer('resolution_minutes').notNull(),
    /** Warn when this share of a target is used up. */
    warningPercent: integer('warning_percent').notNull().default(75),
    /** What a breach does: `{ notifyAssignee, notifyGroup, notifyTriage, raisePriority }`. */
    escalation: jsonb('escalation').notNull(),
    version: integer('version').notNull().default(1),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('sla_policies_scope_idx')
      .on(t.priority, sql`coalesce(${t.groupId}::text, '')`, sql`coalesce(${t.category}, '')`)
      .where(sql`${t.active}`),
    check('sla_policies_targets', sql`${t.firstResponseMinutes} > 0 AND ${t.resolutionMinutes} > 0`),
    check('sla_policies_warning', sql`${t.warningPercent} BETWEEN 1 AND 99`),
  ],
);

/**
 * SLA actions taken on a ticket: warnings and breaches of each clock, at an escalation level. The
 * unique index is what makes an action happen once whatever the number of workers sweeping.
 */
export const slaEscalations = pgTable(
  'sla_escalations',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    /** first_response_warning, first_response_breach, resolution_warning, resolution_breach */
    kind: text('kind').notNull(),
    level: integer('level').notNull(),
    /** The due time (breach) or warning instant acted on, the priority before and after. */
    data: jsonb('data').notNull().default({}),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex('sla_escalations_action_idx').on(t.ticketId, t.kind, t.level),
    index('sla_escalations_at_idx').on(t.at),
  ],
);

/**
 * The timeline of a ticket: public replies, internal notes and system events. Notes are internal
 * by a database constraint, so no code path can make one public.
 */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    kind: ticketEventKind('kind').notNull(),
    visibility: visibility('visibility').notNull(),
    authorId: uuid('author_id').references(() => users.id),
    body: text('body').notNull().default(''),
    data: jsonb('data').notNull().default({}),
    channel: channel('channel').notNull().default('web'),
    createdAt: createdAt(),
  },
  (t) => [
    index('ticket_events_ticket_idx').on(t.ticketId, t.createdAt),
    check('ticket_events_note_internal', sql`${t.kind} <> 'note' OR ${t.visibility} = 'internal'`),
  ],
);

/** Append-only (a trigger refuses UPDATE and DELETE): who did what to which entity, when, from where. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    actorId: uuid('actor_id'),
    actorType: text('actor_type').notNull().default('user'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    channel: channel('channel'),
    createdAt: createdAt(),
  },
  (t) => [
    index('audit_events_entity_idx').on(t.entityType, t.entityId, t.createdAt),
    index('audit_events_actor_idx').on(t.actorId, t.createdAt),
    index('audit_events_created_idx').on(t.createdAt),
  ],
);

/** The in-app inbox of each user. */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    data: jsonb('data').notNull().default({}),
    readAt: timestamp('read_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('notifications_user_idx').on(t.userId, t.createdAt)],
);

/**
 * Transactional outbox: outgoing work (chat posts, emails, webhooks) written in the same
 * transaction as the change that causes it, delivered by jobs, at most once per dedupe key.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** What kind of delivery: slack.post, teams.post, email.send, … */
    kind: text('kind').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    payload: jsonb('payload').notNull(),
    status: outboxStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('outbox_dedupe_key_idx').on(t.dedupeKey),
    index('outbox_pending_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
  ],
);

/**
 * Inbound chat events and emails by provider id, recorded before they act: a redelivery hits the
 * unique index and is a no-op. Rows of the chat inbox also carry the request (`payload`) until the
 * `inbound.process` job has acted on it; then `processed_at` is set and the payload dropped.
 */
export const inboundEvents = pgTable(
  'inbound_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    provider: text('provider').notNull(),
    providerEventId: text('provider_event_id').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    payload: jsonb('payload'),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    /** Set when the job gave up on it (the payload is kept for a look until the purge). */
    failedAt: timestamp('failed_at', { withTimezone: true }),
    lastError: text('last_error'),
  },
  (t) => [
    uniqueIndex('inbound_events_provider_idx').on(t.provider, t.providerEventId),
    index('inbound_events_received_idx').on(t.receivedAt),
  ],
);

export const kbArticles = pgTable(
  'kb_articles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    category: text('category'),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    synonyms: text('synonyms')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    published: boolean('published').notNull().default(false),
    views: integer('views').notNull().default(0),
    helpfulYes: integer('helpful_yes').notNull().default(0),
    helpfulNo: integer('helpful_no').notNull().default(0),
    /** For an imported article: the file it came from (its path in the folder or zip), so a re-import finds it. */
    sourcePath: text('source_path'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('kb_articles_slug_idx').on(t.slug), index('kb_articles_source_path_idx').on(t.sourcePath)],
);

/** Desk-wide settings and markers (for example, that the demo data was seeded). */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: updatedAt(),
});

/**
 * Agenda's job table, created by our migrations rather than by Agenda at start-up (several
 * workers starting together race on Agenda's DDL). `dedupe_key` and `dead_at` are ours.
 */
export const agendaJobs = pgTable(
  'agenda_jobs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: varchar('name', { length: 255 }).notNull(),
    priority: integer('priority').notNull().default(0),
    nextRunAt: timestamp('next_run_at', { withTimezone: true }),
    type: varchar('type', { length: 10 }).notNull().default('normal'),
    lockedAt: timestamp('locked_at', { withTimezone: true }),
    lastFinishedAt: timestamp('last_finished_at', { withTimezone: true }),
    failedAt: timestamp('failed_at', { withTimezone: true }),
    failCount: integer('fail_count'),
    failReason: text('fail_reason'),
    repeatTimezone: varchar('repeat_timezone', { length: 100 }),
    lastRunAt: timestamp('last_run_at', { withTimezone: true }),
    repeatInterval: varchar('repeat_interval', { length: 255 }),
    data: jsonb('data').default({}),
    repeatAt: varchar('repeat_at', { length: 255 }),
    disabled: boolean('disabled').default(false),
    progress: real('progress'),
    fork: boolean('fork').default(false),
    lastModifiedBy: varchar('last_modified_by', { length: 255 }),
    debounceStartedAt: timestamp('debounce_started_at', { withTimezone: true }),
    startDate: timestamp('start_date', { withTimezone: true }),
    endDate: timestamp('end_date', { withTimezone: true }),
    skipDays: jsonb('skip_days'),
    createdAt: timestamp('created_at', { withTimezone: true }).defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).defaultNow(),
    /** The same logical job (same key) is queued once, whatever the concurrency. */
    dedupeKey: text('dedupe_key'),
    /** Set when the retry policy gave up: the job is dead and will not run again. */
    deadAt: timestamp('dead_at', { withTimezone: true }),
    /**
     * The run under way (a random id) and when it last said it was alive: a run starts only when
     * no other run holds the job, or the one that does stopped refreshing this for a lock
     * lifetime (its worker died). Agenda's own locked_at cannot guarantee that (ADR 9).
     */
    runId: uuid('run_id'),
    runSeenAt: timestamp('run_seen_at', { withTimezone: true }),
  },
  (t) => [
    check('agenda_jobs_type_check', sql`${t.type} IN ('normal', 'single')`),
    index('agenda_jobs_find_and_lock_idx')
      .on(t.name, t.nextRunAt, t.priority.desc(), t.lockedAt, t.disabled)
      .where(sql`${t.disabled} = FALSE`),
    uniqueIndex('agenda_jobs_single_job_idx')
      .on(t.name)
      .where(sql`${t.type} = 'single'`),
    index('agenda_jobs_locked_at_idx')
      .on(t.lockedAt)
      .where(sql`${t.lockedAt} IS NOT NULL`),
    index('agenda_jobs_next_run_at_idx')
      .on(t.nextRunAt)
      .where(sql`${t.nextRunAt} IS NOT NULL`),
    uniqueIndex('agenda_jobs_dedupe_key_idx').on(t.dedupeKey),
  ],
);

/**
 * Single-use secrets sent to a person: invitation links, password-reset links and email OTPs.
 * Only a SHA-256 hash is stored; each has an expiry, a use time and an attempt counter.
 */
export const authTokens = pgTable(
  'auth_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: authTokenPurpose('purpose').notNull(),
    tokenHash: text('token_hash').notNull(),
    attempts: integer('attempts').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('auth_tokens_hash_idx').on(t.purpose, t.tokenHash),
    index('auth_tokens_user_idx').on(t.userId, t.purpose),
  ],
);

/** Ten single-use recovery codes per 2FA user, stored hashed. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('recovery_codes_user_hash_idx').on(t.userId, t.codeHash)],
);

/** Integration credentials (the bot, scripts): hashed, scoped, revocable. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** The first characters of the token, to recognise it in a list. */
    prefix: text('prefix').notNull(),
    tokenHash: text('token_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('api_tokens_hash_idx').on(t.tokenHash)],
);

/**
 * One sign-in on one device: the `sid` of its session tokens, checked on every request. Plain
 * logout revokes this row only; a token version bump (sign out everywhere, a password, role or
 * 2FA change) ends every session of the user issued under the older version.
 */
export const userSessions = pgTable(
  'user_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The user's token version its tokens carry: a session of an older version is over. */
    tokenVersion: integer('token_version').notNull(),
    createdAt: createdAt(),
    /** Updated at most once a minute, not on every request. */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    /** When its latest token expires (moved on when a sliding session is renewed). */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    userAgent: text('user_agent'),
    /** The address it was last seen from. */
    ip: text('ip'),
  },
  (t) => [index('user_sessions_user_idx').on(t.userId), index('user_sessions_expires_idx').on(t.expiresAt)],
);

/**
 * Rate-limit counters live in the database so limits hold across instances: one row per counted
 * event, numbered per key (`seq`, from `rate_limit_keys`), so that a check is one lookup of the
 * max-th newest hit by number whatever the number of hits (ADR 18). Pruned by the maintenance job
 * once older than any window.
 */
export const rateLimitHits = pgTable(
  'rate_limit_hits',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    key: text('key').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('rate_limit_hits_key_seq_idx').on(t.key, t.seq), index('rate_limit_hits_at_idx').on(t.at)],
);

/** The number of the latest hit per rate-limit key (see rateLimitHits). */
export const rateLimitKeys = pgTable('rate_limit_keys', {
  key: text('key').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
});

/** Outgoing email. Without SMTP configured this is the dev outbox an admin can read. */
export const mailMessages = pgTable(
  'mail_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html'),
    kind: text('kind').notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    status: text('status').notNull().default('dev'),
    createdAt: createdAt(),
  },
  (t) => [index('mail_messages_created_idx').on(t.createdAt)],
);

/** People who follow a ticket: they see it and are notified like its requester. */
export const ticketWatchers = pgTable(
  'ticket_watchers',
  {
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    addedBy: uuid('added_by'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.userId] }), index('ticket_watchers_user_idx').on(t.userId)],
);

/** One satisfaction rating per ticket, by its requester, once it is resolved. */
export const ticketCsat = pgTable(
  'ticket_csat',
  {
    ticketId: uuid('ticket_id')
      .primaryKey()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    rating: integer('rating').notNull(),
    comment: text('comment'),
    createdAt: createdAt(),
  },
  (t) => [check('ticket_csat_rating', sql`${t.rating} BETWEEN 1 AND 5`)],
);

export const cannedResponses = pgTable('canned_responses', {
  id: uuid('id').primaryKey().defaultRandom(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  /** Shared with every agent, or private to its author. */
  shared: boolean('shared').notNull().default(true),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A person's saved view of the queue: a queue and its filters, by name (the console's sidebar). */
export const savedViews = pgTable(
  'saved_views',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    queue: text('queue').notNull(),
    /** The filters as URL search params (`status=open&priority=high`). */
    search: text('search').notNull().default(''),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('saved_views_user_name_idx').on(t.userId, sql`lower(${t.name})`)],
);

export const announcements = pgTable(
  'announcements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    audience: text('audience').notNull().default('everyone'),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('announcements_window_idx').on(t.startsAt, t.endsAt)],
);

/**
 * Agents' corrections of a ticket's priority or category soon after it was filed (see
 * api/src/classifier/feedback.ts): one labelled example per ticket and field, the latest
 * correction winning; the desk's classifier is retrained on them.
 */
export const classifierFeedback = pgTable(
  'classifier_feedback',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    field: text('field').notNull(),
    /** What the classifier said when the ticket was filed (or, without a prediction, the value before). */
    predicted: text('predicted'),
    corrected: text('corrected').notNull(),
    /** The text the ticket was classified from (title and description as filed). */
    text: text('text').notNull(),
    /** Who made the latest correction. */
    userId: uuid('user_id'),
    createdAt: createdAt(),
    /** When the latest correction was made. */
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('classifier_feedback_ticket_field_idx').on(t.ticketId, t.field)],
);

/**
 * A wizard conversation per user, channel and conversation (a Slack DM, a Teams chat, the portal,
 * a terminal): the state survives restarts and moves between instances.
 */
export const chatSessions = pgTable(
  'chat_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    conversation: text('conversation').notNull().default(''),
    state: jsonb('state').notNull(),
    /** Optimistic concurrency: two inputs racing on one session cannot both apply. */
    version: integer('version').notNull().default(0),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('chat_sessions_conversation_idx').on(t.userId, t.channel, t.conversation),
    index('chat_sessions_updated_idx').on(t.updatedAt),
  ],
);

/**
 * Knowledge-base suggestions shown to someone, and what came of them: the basis of the deflection
 * rate (deflected only when they said it solved the problem and opened no ticket within 7 days).
 */
export const kbSuggestions = pgTable(
  'kb_suggestions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    sessionId: uuid('session_id').references(() => chatSessions.id, { onDelete: 'set null' }),
    channel: text('channel').notNull(),
    query: text('query').notNull(),
    slugs: text('slugs').array().notNull(),
    /** solved, need_help, or null while undecided / abandoned. */
    outcome: text('outcome'),
    solvedSlug: text('solved_slug'),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [
    index('kb_suggestions_user_idx').on(t.userId, t.createdAt),
    index('kb_suggestions_created_idx').on(t.createdAt),
  ],
);
