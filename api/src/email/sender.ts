import DataLoader from 'dataloader';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import {
  deferredMessage,
  outboxPayload,
  PermanentDeliveryError,
  ticketUrl,
  type TDeliveryEnvelope,
  type TDeliveryFacts,
  type TDeliveryPlan,
  type TDeliveryResult,
  type TDeliverySender,
  type TMessageRef,
  type TMessageRefKey,
  type TTicket,
  isRequester,
} from '@deskmate/shared';
import { atCommit, createDatabase, isWriteScope, scopeBaseOf, type Database, type DbOrTx } from '../db/client.js';
import { mailMessages, notifications, users } from '../db/schema.js';
import { writeOutbox } from '../delivery/outbox.js';
import { attachments } from '../db/schema-attachments.js';
import { emailMessageIds, notificationPreferences } from '../db/schema-email.js';
import type { Services } from '../http/context.js';
import { emailIdentity, replyAddress, replyKey, type EmailIdentity, type ReplyScope } from './addresses.js';
import { emailPausedUntil } from './bounces.js';
import { decideEmail, effectivePreferences, type EmailDecision, type Preferences } from './preferences.js';
import {
  reasonFor,
  renderDirect,
  renderEscalation,
  renderNotification,
  renderNotificationDigest,
  renderReply,
  renderStatusChange,
  renderTicketCreated,
  renderWeeklyDigest,
  type MailFile,
  type RenderedEmail,
  type TicketView,
  type WeeklyStats,
} from './templates.js';
import { bracket, nextReferences, plainMessageId, threadRootId, ticketMessageId } from './threading.js';
import { smtpTransport, type MailTransport, type OutgoingAttachment, type OutgoingEmail } from './transport.js';

/** What the email sender plans, as `deliveries.kind`. */
export type EmailKind =
  'email.notification' | 'email.ticket_created' | 'email.digest_weekly' | 'email.notification_digest' | 'email.direct';

const threadKey = (ticketId: string, userId: string): TMessageRefKey => ({ purpose: 'email_thread', ticketId, userId });

/** Tickets opened in a chat already told the person their key there: no confirmation by email. */
const confirmedInChat = new Set(['slack', 'teams']);

/**
 * What email goes out for an outbox row's facts. Pure: preferences and quiet hours are read when
 * sending (they may change in between, like the facts). Internal content is never planned for a
 * requester — `notify()` already drops it; this is the second guard.
 */
export function planEmails(facts: TDeliveryFacts): TDeliveryPlan[] {
  const { recipient, notification, ticket } = facts;
  switch (facts.kind) {
    case 'notification.deliver': {
      if (!recipient || !notification || !recipient.user.active) return [];
      if (notification.visibility === 'internal' && isRequester(recipient.user)) return [];
      return [
        {
          kind: 'email.notification',
          target: recipient.user.email,
          refKey: ticket ? threadKey(ticket.id, recipient.user.id) : null,
        },
      ];
    }
    case 'ticket.changed':
      if (outboxPayload(facts, 'ticket.changed')?.action !== 'ticket.created') return [];
      if (!ticket || confirmedInChat.has(ticket.channel)) return [];
      return [
        {
          kind: 'email.ticket_created',
          target: ticket.requester.email,
          refKey: threadKey(ticket.id, ticket.requester.id),
        },
      ];
    case 'digest.weekly':
      return recipient?.user.active
        ? [{ kind: 'email.digest_weekly', target: recipient.user.email, refKey: null }]
        : [];
    case 'email.digest':
      return recipient?.user.active
        ? [{ kind: 'email.notification_digest', target: recipient.user.email, refKey: null }]
        : [];
    case 'email.direct': {
      const to = outboxPayload(facts, 'email.direct')?.to;
      return to ? [{ kind: 'email.direct', target: to, refKey: null }] : [];
    }
    case 'email.deferred': {
      const original = deferredMessage(outboxPayload(facts, 'email.deferred')!);
      return original ? planEmails({ ...facts, ...original }) : [];
    }
    default:
      return [];
  }
}

interface Recipient {
  id: string;
  name: string;
  email: string;
  role: 'requester' | 'agent' | 'admin';
  active: boolean;
  emailPausedUntil: Date | null;
  emailBounceReason: string | null;
  /** Read with the rest, once per send: the decision, the dates in the mail and the digest use them. */
  preferences: Preferences;
  /**
   * For a ticket's confirmation only: the Message-ID of the email that opened the ticket, which the
   * confirmation answers (null when it was not opened by email, or for other mail).
   */
  inboundOrigin: string | null;
}

interface Attached {
  services: Services;
  /** Our own small pool, for `send` called outside a delivery's transaction (`sendIn` is given one). */
  database: Database;
  transport: MailTransport | null;
  identity: EmailIdentity;
  key: Buffer;
}

/** One send: the process's state and where its database work goes. */
interface Sending extends Attached {
  db: DbOrTx;
}

/** What a process gives a sender that needs it (runtime.ts calls `attach` for worker roles). */
export interface SenderContext {
  services: Services;
  databaseUrl: string;
}

/**
 * The email channel: SMTP through nodemailer when SMTP_URL is set, else the dev outbox (the
 * `mail_messages` table, GET /api/admin/mail, and a log line without the body).
 *
 * Preferences are applied when sending: chat-only people get no notification email; digest-only
 * people's notifications are gathered into one daily email (an `email.digest` outbox row, due at
 * DIGEST_HOUR in their zone); during quiet hours the email is deferred — the sender writes an
 * `email.deferred` outbox row due when they end (the relay only takes rows whose time has come),
 * and that row is planned and sent like the original, after checking again. Throwing
 * RetryAfterError instead would spend the delivery's retries (8, at most 30 minutes apart) on
 * a night of quiet hours.
 */
export class EmailSender implements TDeliverySender {
  readonly channel = 'email' as const;
  private state: Attached | undefined;

  constructor(private readonly options: { transport?: MailTransport } = {}) {}

  async attach(context: SenderContext): Promise<void> {
    if (this.state) throw new Error('an EmailSender serves one process: create one per runtime');
    const { services } = context;
    const config = services.config;
    const transport = this.options.transport ?? (config.SMTP_URL ? smtpTransport(config.SMTP_URL) : null);
    this.state = {
      services,
      database: createDatabase(context.databaseUrl, { max: 4, applicationName: 'deskmate-email' }),
      transport,
      identity: emailIdentity(config),
      key: replyKey(config, services.secrets.encryptionKey),
    };
    services.logger.info(
      { transport: transport ? 'smtp' : 'dev outbox', from: config.MAIL_FROM },
      transport ? 'email: sending through SMTP' : 'email: no SMTP_URL, mail goes to the dev outbox',
    );
  }

  async detach(): Promise<void> {
    const state = this.state;
    this.state = undefined;
    state?.transport?.close();
    await state?.database.close();
  }

  plan(facts: TDeliveryFacts): TDeliveryPlan[] {
    return planEmails(facts);
  }

  async send(envelope: TDeliveryEnvelope): Promise<TDeliveryResult> {
    refuseInternalToRequester(envelope);
    const attached = this.state;
    if (!attached) throw new Error('the email sender is not attached to this process');
    return attached.database.db.transaction((tx) => this.sendIn(tx, envelope));
  }

  /**
   * `send`, with every database read and write in the caller's transaction `tx`: the delivery
   * runner passes its own, so a send holds one connection, not two (through a transaction-mode
   * pooler shared by every process, sends each holding one connection and waiting for a second
   * could wait on each other until the pooler gives up). What it writes goes out with the
   * transaction's other writes at its end (`atCommit`); a send that fails must roll `tx` back.
   */
  async sendIn(tx: DbOrTx, envelope: TDeliveryEnvelope): Promise<TDeliveryResult> {
    refuseInternalToRequester(envelope);
    const attached = this.state;
    if (!attached) throw new Error('the email sender is not attached to this process');
    return this.sendWith({ ...attached, db: tx }, envelope);
  }

  private async sendWith(state: Sending, envelope: TDeliveryEnvelope): Promise<TDeliveryResult> {
    const { plan, facts } = envelope;
    const kind = plan.kind as EmailKind;
    // These update or read rows as they send: only ticket mail sent now goes in a wave.
    if (kind === 'email.direct' || kind === 'email.digest_weekly' || kind === 'email.notification_digest')
      requireTransaction(state.db, kind);
    if (kind === 'email.direct') return this.sendDirect(state, facts);

    const recipientId =
      kind === 'email.ticket_created' ? (facts.ticket?.requester.id ?? null) : (facts.recipient?.user.id ?? null);
    const recipient = recipientId
      ? await loadRecipient(state.db, recipientId, state.services.config.DIGEST_TIME_ZONE, {
          originOf: kind === 'email.ticket_created' ? (facts.ticket?.id ?? null) : null,
        })
      : null;
    if (!recipient?.active) return {};
    // A permanent bounce pauses mail to the address (EMAIL_BOUNCE_PAUSE): this one is skipped, with why.
    const paused = emailPausedUntil(recipient, state.services.clock.now());
    if (paused) {
      state.services.logger.info(
        { userId: recipient.id, kind, pausedUntil: paused },
        'email skipped: address bouncing',
      );
      return {
        skipped: `mail to ${recipient.email} is paused until ${paused.toISOString()}: it bounced${
          recipient.emailBounceReason ? ` (${recipient.emailBounceReason})` : ''
        }`,
      };
    }
    // The role is read now: someone made a requester since must not get an internal mail.
    if (facts.notification?.visibility === 'internal' && isRequester(recipient))
      throw new PermanentDeliveryError('internal content is never emailed to a requester');

    const decision = await this.decide(state, kind, facts, recipient);
    if (decision.action !== 'send') {
      requireTransaction(state.db, `postponed (${decision.action})`);
      await this.postpone(state, envelope, recipient, decision);
      return {};
    }
    if (kind === 'email.digest_weekly') return this.sendWeeklyDigest(state, facts, recipient);
    if (kind === 'email.notification_digest') return this.sendNotificationDigest(state, facts, recipient);
    return this.sendTicketMail(state, envelope, recipient);
  }

  private async decide(
    state: Sending,
    kind: EmailKind,
    facts: TDeliveryFacts,
    recipient: Recipient,
  ): Promise<EmailDecision> {
    const { config, clock } = state.services;
    return decideEmail(recipient.preferences, clock.now(), {
      digestHour: config.DIGEST_HOUR,
      kind:
        kind === 'email.notification' ? 'notification' : kind === 'email.ticket_created' ? 'confirmation' : 'digest',
      ...(facts.notification ? { happenedAt: new Date(facts.notification.createdAt) } : {}),
    });
  }

  /** Skip, gather into the digest, or defer past quiet hours (an outbox row due later). */
  private async postpone(state: Sending, envelope: TDeliveryEnvelope, recipient: Recipient, decision: EmailDecision) {
    const { logger } = state.services;
    const { facts } = envelope;
    const db = state.db;
    if (decision.action === 'digest') {
      const notificationId = facts.notification?.id;
      // The day's digest row collects the ids of what it is to tell; one delivered already (a
      // notification sent late) passes it on to the next day's.
      for (let day = 0; notificationId && day < 2; day++) {
        const to = new Date(decision.at.getTime() + day * 86_400_000);
        const added = await writeOutbox(
          db,
          'email.digest',
          [
            {
              dedupeKey: `email.digest:${recipient.id}:${to.toISOString()}`,
              payload: {
                userId: recipient.id,
                from: new Date(to.getTime() - 86_400_000).toISOString(),
                to: to.toISOString(),
                notificationIds: [notificationId],
              },
              nextAttemptAt: to,
            },
          ],
          { append: 'notificationIds' },
        );
        if (added.length) break;
      }
    } else if (decision.action === 'defer') {
      // Held back again: the row keeps naming the original kind, with the original payload.
      const deferred = outboxPayload(facts, 'email.deferred');
      await writeOutbox(
        db,
        'email.deferred',
        [
          {
            dedupeKey: `email.deferred:${envelope.id}:${decision.until.toISOString()}`,
            payload: {
              ...(deferred ?? facts.payload),
              deferredKind: deferred?.deferredKind ?? facts.kind,
              userId: recipient.id,
              deferredUntil: decision.until.toISOString(),
            },
            nextAttemptAt: decision.until,
          },
        ],
        'skip',
      );
    }
    logger.debug({ userId: recipient.id, kind: envelope.plan.kind, decision }, 'email postponed by preference');
  }

  private async sendTicketMail(
    state: Sending,
    envelope: TDeliveryEnvelope,
    recipient: Recipient,
  ): Promise<TDeliveryResult> {
    const { facts, plan } = envelope;
    const ticket = facts.ticket;
    const n = facts.notification;
    if (!ticket) {
      // A notification about no ticket: a plain message, not threaded.
      if (!n) return {};
      const rendered = renderDirect({ kind: 'notification', subject: n.title, text: n.body || n.title });
      await this.deliver(state, {
        kind: `notification.${n.type}`,
        recipient,
        rendered,
        messageId: plainMessageId(n.id, state.identity.domain),
      });
      return {};
    }
    const { identity } = state;
    const scope: ReplyScope = n?.visibility === 'internal' ? 'internal' : 'public';
    const view = this.ticketView(state, ticket, recipient);
    const reason = reasonFor(relationOf(ticket, recipient), ticket.key);
    let rendered: RenderedEmail;
    let mailKind: string;
    let attached: OutgoingAttachment[] = [];
    if (plan.kind === 'email.ticket_created') {
      mailKind = 'ticket.created';
      rendered = renderTicketCreated({
        ticket: view,
        description: ticket.description,
        firstResponseDue: ticket.sla.firstResponseDueAt
          ? formatDateTime(new Date(ticket.sla.firstResponseDueAt), recipient.preferences.timeZone)
          : null,
        reason,
      });
    } else if (n?.type === 'reply') {
      mailKind = 'ticket.reply';
      const files = await this.replyFiles(state, ticket, facts.event);
      attached = files.attached;
      rendered = renderReply({
        ticket: view,
        authorName: facts.event?.author?.name ?? 'Someone',
        body: facts.event?.body ?? n.body,
        visibility: scope,
        reason,
        files: files.list,
      });
    } else if (n?.type === 'status_changed') {
      mailKind = 'ticket.status_changed';
      const rate = ticket.status === 'resolved' && !ticket.csat && ticket.requester.id === recipient.id;
      rendered = renderStatusChange({
        ticket: view,
        title: n.title,
        note: n.body,
        csatUrl: rate ? ticketUrl(state.services.publicUrl(), ticket.key, false) : null,
        reason,
      });
    } else if (n?.type === 'escalation') {
      mailKind = 'ticket.escalation';
      rendered = renderEscalation({ ticket: view, title: n.title, body: n.body, reason });
    } else if (n) {
      mailKind = `ticket.${n.type}`;
      rendered = renderNotification({ ticket: view, title: n.title, body: n.body, visibility: scope, reason });
    } else {
      return {};
    }

    const root = threadRootId(ticket.key, identity.domain);
    const messageId = ticketMessageId(ticket.key, n?.id ?? envelope.id, identity.domain);
    const previous = envelope.ref as (TMessageRef & { references?: string[] }) | null;
    // The first mail of a ticket opened by email answers the requester's own message.
    const parent = previous?.message ?? recipient.inboundOrigin ?? root;
    const references = nextReferences(root, previous?.references ?? [], parent);
    const sent = {
      messageId,
      ticketId: ticket.id,
      userId: recipient.id,
      direction: 'out',
      visibility: scope,
      kind: plan.kind,
    };
    await atCommit(state.db, 'email_message_ids', [sent], (rows) =>
      state.db.insert(emailMessageIds).values(rows).onConflictDoNothing(),
    );
    await this.deliver(state, {
      kind: mailKind,
      recipient,
      rendered,
      messageId,
      inReplyTo: parent,
      references,
      replyTo: state.services.config.EMAIL_SIGNED_REPLY_TO
        ? replyAddress(identity, state.key, { ticketKey: ticket.key, userId: recipient.id, scope })
        : identity.reply.address,
      ticketKey: ticket.key,
      attachments: attached,
    });
    return { ref: { conversation: bracket(root), message: messageId, references } };
  }

  /**
   * The files of a public reply as its mail carries them: inside the mail while they fit in
   * EMAIL_ATTACH_FILES_MAX_BYTES together, the rest as links to their download (which asks the
   * reader to sign in). They come from the facts, where the recipient's view of the event put
   * them (`attachmentsVisibleTo`); an internal event carries none, whoever reads it.
   */
  private async replyFiles(
    state: Sending,
    ticket: TTicket,
    event: TDeliveryFacts['event'],
  ): Promise<{ list: MailFile[]; attached: OutgoingAttachment[] }> {
    const files = event?.visibility === 'public' ? event.attachments : [];
    if (!files.length) return { list: [], attached: [] };
    let budget = state.services.config.EMAIL_ATTACH_FILES_MAX_BYTES;
    const inside = new Set<string>();
    for (const f of files) {
      if (f.size > budget) continue;
      inside.add(f.id);
      budget -= f.size;
    }
    // In the send's own transaction (state.db), as every read of a send: a second connection
    // taken while the delivery holds one can wait on the pooler forever.
    const rows = inside.size
      ? await state.db
          .select({
            id: attachments.id,
            filename: attachments.filename,
            contentType: attachments.contentType,
            content: attachments.content,
          })
          .from(attachments)
          .where(and(inArray(attachments.id, [...inside]), eq(attachments.ticketId, ticket.id)))
      : [];
    const loaded = new Map(rows.map((r) => [r.id, r]));
    const base = state.services.publicUrl();
    return {
      list: files.map((f) => ({
        filename: f.filename,
        size: f.size,
        url: `${base}/files/${encodeURIComponent(ticket.key)}/${f.id}`,
        attached: loaded.has(f.id),
      })),
      attached: files.flatMap((f) => {
        const row = loaded.get(f.id);
        return row ? [{ filename: row.filename, contentType: row.contentType, content: row.content }] : [];
      }),
    };
  }

  private async sendWeeklyDigest(
    state: Sending,
    facts: TDeliveryFacts,
    recipient: Recipient,
  ): Promise<TDeliveryResult> {
    const { userId: _userId, ...stats }: WeeklyStats & { userId: string } = outboxPayload(facts, 'digest.weekly')!;
    const zone = state.services.config.DIGEST_TIME_ZONE;
    const rendered = renderWeeklyDigest({
      recipientName: recipient.name,
      stats,
      period: `${formatDay(new Date(stats.from), zone)} – ${formatDay(new Date(new Date(stats.to).getTime() - 1), zone)}`,
      url: `${state.services.publicUrl()}/reports`,
    });
    await this.deliver(state, {
      kind: 'digest.weekly',
      recipient,
      rendered,
      messageId: plainMessageId(`digest.${recipient.id}.${Date.parse(stats.to)}`, state.identity.domain),
    });
    return {};
  }

  private async sendNotificationDigest(
    state: Sending,
    facts: TDeliveryFacts,
    recipient: Recipient,
  ): Promise<TDeliveryResult> {
    const { from, to, notificationIds: ids } = outboxPayload(facts, 'email.digest')!;
    if (!ids.length) return {};
    const rows = await state.db
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.userId, recipient.id),
          inArray(notifications.id, ids.slice(0, 500)),
          // A requester never has internal notifications; the digest checks again anyway.
          isRequester(recipient) ? sql`${notifications.data}->>'visibility' = 'public'` : undefined,
        ),
      )
      .orderBy(asc(notifications.createdAt))
      .limit(200);
    if (!rows.length) return {};
    const base = state.services.publicUrl();
    const zone = recipient.preferences.timeZone;
    const rendered = renderNotificationDigest({
      recipientName: recipient.name,
      period: `since ${formatDateTime(new Date(from), zone)}`,
      settingsUrl: `${base}${isRequester(recipient) ? '/portal/account' : '/account'}`,
      items: rows.map((r) => {
        const key = (r.data as { ticketKey?: string | null }).ticketKey ?? null;
        return {
          title: r.title,
          body: r.body && r.body !== r.title ? r.body.slice(0, 280) : '',
          ticketKey: key,
          url: key ? ticketUrlFor(base, key, recipient.role) : `${base}/notifications`,
          at: formatDateTime(r.createdAt, zone),
        };
      }),
    });
    await this.deliver(state, {
      kind: 'digest.daily',
      recipient,
      rendered,
      messageId: plainMessageId(`digest.${recipient.id}.${Date.parse(to)}`, state.identity.domain),
    });
    return {};
  }

  /** Sign-in codes, password resets, invitations: queued by `queueMail` as a `mail_messages` row. */
  private async sendDirect(state: Sending, facts: TDeliveryFacts): Promise<TDeliveryResult> {
    const { mailId } = outboxPayload(facts, 'email.direct')!;
    const db = state.db;
    const [row] = await db.select().from(mailMessages).where(eq(mailMessages.id, mailId));
    if (!row) throw new PermanentDeliveryError('the queued mail is gone');
    if (row.status !== 'queued') return {};
    const rendered = renderDirect({ kind: row.kind, subject: row.subject, text: row.text, html: row.html });
    const messageId = plainMessageId(row.id, state.identity.domain);
    if (!state.transport) {
      await db.update(mailMessages).set({ status: 'dev', html: rendered.html }).where(eq(mailMessages.id, row.id));
      state.services.logger.info(
        { to: row.to, subject: row.subject, kind: row.kind, messageId },
        'email in the dev outbox',
      );
      return {};
    }
    await state.transport.send(this.outgoing(state, row.to, rendered, { messageId }));
    // The text held a code or a link: once it is sent, keeping it would only help an attacker.
    await db
      .update(mailMessages)
      .set({ status: 'sent', text: '(sent; not kept, it held a sign-in code or link)', html: null })
      .where(eq(mailMessages.id, row.id));
    return {};
  }

  private outgoing(
    state: Sending,
    to: string,
    rendered: RenderedEmail,
    o: {
      messageId: string;
      inReplyTo?: string;
      references?: string[];
      replyTo?: string;
      ticketKey?: string;
      attachments?: OutgoingAttachment[];
    },
  ): OutgoingEmail {
    const { identity } = state;
    return {
      from: identity.from.name
        ? `"${identity.from.name.replace(/"/g, '')}" <${identity.from.address}>`
        : identity.from.address,
      to,
      replyTo: o.replyTo,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      messageId: o.messageId,
      inReplyTo: o.inReplyTo,
      references: o.references,
      ...(o.attachments?.length ? { attachments: o.attachments } : {}),
      headers: {
        // RFC 3834: automatic mail; and ask Exchange not to answer it with an out-of-office.
        'Auto-Submitted': 'auto-generated',
        'X-Auto-Response-Suppress': 'OOF, AutoReply',
        ...(o.ticketKey ? { 'X-Deskmate-Ticket': o.ticketKey } : {}),
      },
    };
  }

  /** SMTP, or the dev outbox when there is none. */
  private async deliver(
    state: Sending,
    o: {
      kind: string;
      recipient: Recipient;
      rendered: RenderedEmail;
      messageId: string;
      inReplyTo?: string;
      references?: string[];
      replyTo?: string;
      ticketKey?: string;
      attachments?: OutgoingAttachment[];
    },
  ): Promise<void> {
    if (state.transport) {
      await state.transport.send(this.outgoing(state, o.recipient.email, o.rendered, o));
      return;
    }
    const mail = {
      to: o.recipient.email,
      subject: o.rendered.subject,
      text: o.rendered.text,
      html: o.rendered.html,
      kind: o.kind,
      userId: o.recipient.id,
      status: 'dev',
    };
    await atCommit(state.db, 'mail_messages', [mail], (rows) => state.db.insert(mailMessages).values(rows));
    state.services.logger.info(
      {
        to: o.recipient.email,
        subject: o.rendered.subject,
        kind: o.kind,
        messageId: o.messageId,
        replyTo: o.replyTo,
        files: o.attachments?.length ?? 0,
      },
      'email in the dev outbox',
    );
  }

  private ticketView(state: Sending, ticket: TTicket, recipient: Recipient): TicketView {
    return {
      key: ticket.key,
      title: ticket.title,
      status: ticket.status,
      priority: ticket.priority,
      requesterName: ticket.requester.name,
      assigneeName: ticket.assignee?.name ?? null,
      url: ticketUrlFor(state.services.publicUrl(), ticket.key, recipient.role),
    };
  }
}

/**
 * The recipient as they are now, with their preferences; with `originOf` a ticket's id, also the
 * Message-ID of the email that opened that ticket (its first inbound one). The sends of one wave of
 * the delivery runner (handles from one `writeScope` base) ask together, so that DataLoader reads
 * all their recipients in one query; a send in a transaction of its own reads its one.
 */
async function loadRecipient(
  db: DbOrTx,
  id: string,
  fallbackZone: string,
  { originOf }: { originOf: string | null },
): Promise<Recipient | null> {
  const base = scopeBaseOf(db) as DbOrTx;
  let loader = recipientLoaders.get(base);
  if (!loader) recipientLoaders.set(base, (loader = recipientLoader(base)));
  const row = await loader.load({ id, originOf });
  if (!row) return null;
  const { timezone, pref, ...recipient } = row;
  return { ...recipient, preferences: effectivePreferences(pref, timezone, fallbackZone) };
}

interface RecipientAsk {
  id: string;
  originOf: string | null;
}

const recipientLoaders = new WeakMap<object, ReturnType<typeof recipientLoader>>();

function recipientLoader(db: DbOrTx) {
  return new DataLoader(
    async (asks: readonly RecipientAsk[]) => {
      const asked = sql`unnest(${`{${asks.map((a) => a.id).join(',')}}`}::uuid[], ${`{${asks
        .map((a) => a.originOf ?? 'NULL')
        .join(',')}}`}::uuid[]) WITH ORDINALITY AS asked(user_id, origin_of, n)`;
      const rows = await db
        .select({
          n: sql<string>`asked.n`,
          id: users.id,
          name: users.name,
          email: users.email,
          role: users.role,
          active: users.active,
          emailPausedUntil: users.emailPausedUntil,
          emailBounceReason: users.emailBounceReason,
          timezone: users.timezone,
          pref: notificationPreferences,
          inboundOrigin: sql<string | null>`(
            SELECT e.message_id FROM ${emailMessageIds} e
             WHERE e.ticket_id = asked.origin_of AND e.direction = 'in'
             ORDER BY e.created_at LIMIT 1)`,
        })
        .from(users)
        .innerJoin(asked, sql`asked.user_id = ${users.id}`)
        .leftJoin(notificationPreferences, eq(notificationPreferences.userId, users.id));
      const byPlace = new Map(rows.map(({ n, ...row }) => [Number(n), row]));
      return asks.map((_, i) => byPlace.get(i + 1));
    },
    { cache: false },
  );
}

function relationOf(ticket: TTicket, recipient: Recipient): 'requester' | 'watcher' | 'agent' {
  if (ticket.requester.id === recipient.id) return 'requester';
  if (isRequester(recipient) || ticket.watchers.some((w) => w.id === recipient.id)) return 'watcher';
  return 'agent';
}

const ticketUrlFor = (base: string, key: string, role: Recipient['role']) => ticketUrl(base, key, !isRequester(role));

/**
 * One formatter per time zone and shape, kept: building an Intl.DateTimeFormat costs far more than
 * formatting with one (it showed in the create benchmark's profile, once per email).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string, shape: 'dateTime' | 'day'): Intl.DateTimeFormat {
  const key = `${shape}:${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(
      'en-GB',
      shape === 'dateTime'
        ? {
            timeZone,
            day: 'numeric',
            month: 'short',
            year: 'numeric',
            hour: '2-digit',
            minute: '2-digit',
            hourCycle: 'h23',
            timeZoneName: 'short',
          }
        : { timeZone, weekday: 'short', day: 'numeric', month: 'short' },
    );
    // Time zones are a few per desk (a person's or the desk's); a bound guards against a flood.
    if (formatters.size > 500) formatters.clear();
    formatters.set(key, f);
  }
  return f;
}

function formatDateTime(at: Date, timeZone: string): string {
  return formatter(timeZone, 'dateTime').format(at);
}

function formatDay(at: Date, timeZone: string): string {
  return formatter(timeZone, 'day').format(at);
}

/** A sender that needs the process's services before it can send (see runtime.ts). */
export interface AttachableSender extends TDeliverySender {
  attach(context: SenderContext): Promise<void>;
  detach(): Promise<void>;
}

export const isAttachable = (sender: TDeliverySender): sender is AttachableSender =>
  typeof (sender as Partial<AttachableSender>).attach === 'function' &&
  typeof (sender as Partial<AttachableSender>).detach === 'function';

/**
 * A sender whose database work joins the delivery's transaction (see `EmailSender.sendIn`): a send
 * then holds one connection, never waiting for a second one while it holds the first. When it
 * throws, the caller rolls the transaction back. `tx` may instead be a `writeScope` handle, outside
 * any transaction (the runner's waves, ADR 22): its put-off writes are written with the delivery's
 * status once the send returns; a send that would have to write at once throws `NeedsTransaction`
 * before it writes or sends anything, and the runner sends it again in a transaction of its own.
 */
export interface TransactionalSender extends TDeliverySender {
  sendIn(tx: DbOrTx, envelope: TDeliveryEnvelope): Promise<TDeliveryResult>;
}

/** Thrown by `sendIn` on a `writeScope` handle for a send that must write in a transaction (nothing done yet). */
export class NeedsTransaction extends Error {
  override name = 'NeedsTransaction';
  constructor(why: string) {
    super(`this send needs a transaction: ${why}`);
  }
}

/** On a `writeScope` handle, refuse (NeedsTransaction) what writes at once rather than at the end. */
function requireTransaction(db: DbOrTx, why: string): void {
  if (isWriteScope(db)) throw new NeedsTransaction(why);
}

export const isTransactional = (sender: TDeliverySender): sender is TransactionalSender =>
  typeof (sender as Partial<TransactionalSender>).sendIn === 'function';

/** The first guard, before anything else: facts that say internal, for a requester. */
function refuseInternalToRequester({ facts }: TDeliveryEnvelope): void {
  if (facts.notification?.visibility === 'internal' && facts.recipient && isRequester(facts.recipient.user))
    throw new PermanentDeliveryError('internal content is never emailed to a requester');
}
