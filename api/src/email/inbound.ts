import { createHash } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { Actor } from '../audit/record.js';
import { recordAudit } from '../audit/record.js';
import type { DbOrTx } from '../db/client.js';
import { inboundEvents, ticketWatchers, tickets, users } from '../db/schema.js';
import { emailInbound, emailMessageIds } from '../db/schema-email.js';
import { AppError } from '../http/errors.js';
import type { Services, UserRow } from '../http/context.js';
import { consume } from '../security/rate-limit.js';
import { canView, canWork, isAgent } from '../tickets/policy.js';
import { ticketColumns, type TicketRow } from '../tickets/presenter.js';
import { addNote, addReply, createTicket, inCallerTransaction, setWatcher, ticketContext } from '../tickets/service.js';
import {
  emailIdentity,
  isOwnAddress,
  replyKey,
  tokenInAddress,
  verifyReplyToken,
  type EmailIdentity,
  type ReplyScope,
  type ReplyToken,
} from './addresses.js';
import { refusalText } from '../attachments/judge.js';
import {
  sortAttachments,
  storeAttachments,
  type KeptAttachment,
  type SkippedAttachment,
  type SortedAttachments,
} from './attachments.js';
import type { Envelope, SenderAuth } from './authenticate.js';
import { markBounce } from './bounces.js';
import { detectNoise, failsDmarc, headerTexts, senderOf } from './classify.js';
import { systemResolver } from './dns.js';
import { addUnverifiedEmailNote } from './unverified.js';
import { newMessageText, replyText } from './strip.js';
import { parseMessageIds, ticketKeyOfRoot } from './threading.js';

export type InboundSource = 'imap' | 'webhook';
export type InboundOutcome = 'replied' | 'noted' | 'created' | 'ignored' | 'rejected' | 'duplicate' | 'failed';
export type MatchedBy = 'token' | 'thread' | 'subject' | 'new';

export interface InboundResult {
  outcome: InboundOutcome;
  reason: string | null;
  messageId: string;
  ticketKey: string | null;
  matchedBy: MatchedBy | null;
  /** The `email_inbound` row (none for a duplicate). */
  inboundId: string | null;
}

const MAX_BODY = 20_000;
const HOUR = 3_600_000;

type Match =
  | { by: Exclude<MatchedBy, 'new'>; ticket: TicketRow; scope: ReplyScope; tokenUserId?: string }
  | { by: 'new' }
  | { rejected: string; details?: Record<string, unknown> };

/**
 * One inbound email, from the webhook or the IMAP poller: recorded by Message-ID first (a second
 * delivery is a no-op), classified (auto-replies, bounces, lists, our own mail: recorded and
 * ignored; a permanent bounce of our mail marks the recipient's address as bouncing), matched to a
 * ticket — signed reply token, then In-Reply-To/References against our Message-IDs, then the ticket
 * key in the subject when the sender is its requester or a watcher — and added as the sender's
 * reply (or internal note, for replies to internal mail), or opened as a new ticket when
 * EMAIL_CREATE_TICKETS allows. Everything runs in one transaction; the domain functions run in
 * savepoints inside it, so a refusal still records what happened.
 *
 * Who a mail acts as (issue #20): finding the ticket proves nothing — a thread root is derived from
 * the ticket key, and a subject is anyone's to write. A mail acts as its sender only when it came
 * to the signed reply address issued to that sender, or the sender is authenticated
 * (`authenticateSender`: DMARC/DKIM/SPF, or the trusted receiver's Authentication-Results). Any
 * other mail that found a ticket waits there as an internal "unverified sender" note that an agent
 * accepts or discards; a new ticket from an unauthenticated sender is opened with requester rights
 * only, whoever the From address names.
 */
export async function processInboundEmail(
  services: Services,
  raw: Buffer,
  source: InboundSource,
  envelope: Envelope = {},
): Promise<InboundResult> {
  let mail: ParsedMail | null = null;
  try {
    mail = await simpleParser(raw, { keepDeliveryStatus: true, skipImageLinks: true });
  } catch {
    mail = null;
  }
  const messageId =
    parseMessageIds(mail?.messageId)[0]?.slice(0, 900) ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  const identity = emailIdentity(services.config);
  const now = services.clock.now();

  return services.db.transaction(async (tx) => {
    const first = await tx
      .insert(inboundEvents)
      .values({ provider: 'email', providerEventId: messageId, receivedAt: now })
      .onConflictDoNothing()
      .returning({ id: inboundEvents.id });
    if (!first.length)
      return {
        outcome: 'duplicate',
        reason: 'already_processed',
        messageId,
        ticketKey: null,
        matchedBy: null,
        inboundId: null,
      };

    const record = async (r: {
      outcome: Exclude<InboundOutcome, 'duplicate'>;
      reason?: string | null;
      matchedBy?: MatchedBy | null;
      ticket?: TicketRow | null;
      eventId?: string | null;
      userId?: string | null;
      details?: Record<string, unknown>;
    }): Promise<InboundResult> => {
      const [row] = await tx
        .insert(emailInbound)
        .values({
          messageId,
          source,
          fromAddress: mail ? senderOf(mail) : null,
          subject: mail?.subject?.slice(0, 500) ?? null,
          outcome: r.outcome,
          reason: r.reason ?? null,
          matchedBy: r.matchedBy ?? null,
          ticketId: r.ticket?.id ?? null,
          eventId: r.eventId ?? null,
          userId: r.userId ?? null,
          details: r.details ?? {},
          receivedAt: now,
        })
        .returning({ id: emailInbound.id });
      const level = r.outcome === 'failed' || r.outcome === 'rejected' ? 'warn' : 'info';
      services.logger[level](
        { messageId, source, outcome: r.outcome, reason: r.reason ?? undefined, ticket: r.ticket?.key },
        'inbound email',
      );
      return {
        outcome: r.outcome,
        reason: r.reason ?? null,
        messageId,
        ticketKey: r.ticket?.key ?? null,
        matchedBy: r.matchedBy ?? null,
        inboundId: row!.id,
      };
    };

    if (!mail) return record({ outcome: 'failed', reason: 'unparseable' });
    if (raw.length > services.config.EMAIL_INBOUND_MAX_BYTES)
      return record({ outcome: 'rejected', reason: 'too_large' });
    const noise = detectNoise(mail, identity);
    if (noise) {
      const bounced = noise.bounce ? await markBounce(tx, services, identity, noise.bounce) : null;
      return record({
        outcome: 'ignored',
        reason: noise.kind,
        details: {
          evidence: noise.evidence,
          ...noise.details,
          ...(bounced
            ? {
                bouncing: bounced.marked.map((m) => m.email),
                ...(bounced.notMarked ? { notMarked: bounced.notMarked } : {}),
              }
            : {}),
        },
      });
    }
    const address = senderOf(mail);
    if (!address) return record({ outcome: 'ignored', reason: 'no_sender' });

    const refs = [...parseMessageIds(mail.inReplyTo), ...parseMessageIds(mail.references).reverse()];
    if (refs.length && refs.every((id) => isOurPlainId(id, identity)))
      return record({ outcome: 'ignored', reason: 'reply_to_automatic_mail' });

    const sender = await userByEmail(tx, address);
    // Checked only when it matters (a mail that is not its sender's signed reply, a staff address
    // opening a ticket): the checks may ask DNS, and mailauth loads on first use (ADR 0007).
    let checked: SenderAuth | undefined;
    const senderAuth = async (): Promise<SenderAuth> => {
      if (!checked) {
        const { authenticateSender } = await import('./authenticate.js');
        checked = await authenticateSender(raw, mail!, {
          config: services.config,
          resolver: services.resolveDns ?? systemResolver(),
          envelope,
        });
      }
      return checked;
    };
    const match = await matchTicket(tx, services, identity, mail, sender, refs);
    if ('rejected' in match)
      return record({
        outcome: 'rejected',
        reason: match.rejected,
        userId: sender?.id ?? null,
        details: match.details ?? {},
      });
    // A forged From would pass everything below; a failing DMARC result is only overridden by a
    // token signed for this very sender.
    if (failsDmarc(mail) && !(match.by === 'token' && match.tokenUserId === sender?.id))
      return record({ outcome: 'rejected', reason: 'dmarc_fail', matchedBy: match.by, userId: sender?.id ?? null });

    const scoped = inCallerTransaction(services, tx);
    const attachments = await sortAttachments(mail.attachments, {
      maxBytes: services.config.EMAIL_ATTACHMENT_MAX_BYTES,
      types: services.config.EMAIL_ATTACHMENT_TYPES,
    });
    const details: Record<string, unknown> = attachments.skipped.length
      ? { skippedAttachments: attachments.skipped }
      : {};

    if (match.by === 'new') {
      return openTicket(scoped, tx, mail, address, sender, attachments, details, record, messageId, {
        senderAuth,
      });
    }

    const ticket = match.ticket;
    if (!sender) return record({ outcome: 'rejected', reason: 'unknown_sender', matchedBy: match.by, ticket });
    if (!sender.active)
      return record({ outcome: 'rejected', reason: 'sender_inactive', matchedBy: match.by, ticket, userId: sender.id });
    const body = withAttachmentNote(replyText(mail, raw), attachments.keep, attachments.skipped);
    if (!body)
      return record({ outcome: 'ignored', reason: 'empty_reply', matchedBy: match.by, ticket, userId: sender.id });

    const actor: Actor = { userId: sender.id, type: 'user', channel: 'email' };
    const ctx = await ticketContext(scoped, actor, sender);
    const works = canWork(ctx.viewer, ticket);

    // The signed reply address issued to this very sender, or an authenticated sender: the mail acts
    // as them. Anything else is someone claiming to be them.
    const byToken = match.by === 'token' && match.tokenUserId === sender.id;
    const auth = byToken ? null : await senderAuth();
    if (auth) details.senderAuth = { verified: auth.verified, method: auth.method, ...auth.results };
    if (!byToken && !auth?.verified) {
      // Someone who could not post there even if it were them is refused, as before.
      const watchers = await tx
        .select({ userId: ticketWatchers.userId })
        .from(ticketWatchers)
        .where(eq(ticketWatchers.ticketId, ticket.id));
      const mayPost =
        match.scope === 'internal'
          ? works
          : canView(
              ctx.viewer,
              ticket,
              watchers.map((w) => w.userId),
            );
      if (!mayPost)
        return record({
          outcome: 'rejected',
          reason: 'sender_not_allowed',
          matchedBy: match.by,
          ticket,
          userId: sender.id,
          details,
        });
      // A closed ticket takes no more replies: the mail may open a follow-up, by the rules (and
      // with the rights) of any new ticket from an unauthenticated sender.
      if (ticket.status === 'closed' && match.scope === 'public' && !works)
        return openTicket(scoped, tx, mail, address, sender, attachments, details, record, messageId, {
          senderAuth,
          followUpOf: ticket,
        });
      // Anyone can write such a mail (the thread root is guessable): at most EMAIL_SENDER_LIMIT of
      // them an hour on one ticket, so a forger cannot bury its notes.
      try {
        await consume(
          scoped.db,
          [{ key: `email:unverified:${ticket.id}`, max: services.config.EMAIL_SENDER_LIMIT, windowMs: HOUR }],
          services.clock,
        );
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'rate_limited') throw err;
        return record({
          outcome: 'rejected',
          reason: 'rate_limited',
          matchedBy: match.by,
          ticket,
          userId: sender.id,
          details,
        });
      }
      const note = await addUnverifiedEmailNote(tx, scoped, ticket, {
        body,
        subject: mail.subject?.slice(0, 300) ?? null,
        address,
        name: mail.from?.value[0]?.name?.trim().slice(0, 200) || null,
        claimed: sender,
        why: unverifiedWhy(match.by, auth),
      });
      const result = await record({
        outcome: 'noted',
        reason: 'unverified_sender',
        matchedBy: match.by,
        ticket,
        eventId: note.eventId,
        userId: sender.id,
        details,
      });
      // Attachments follow their event: internal, until an agent accepts the mail.
      await storeAttachments(tx, attachments.keep, {
        ticketId: ticket.id,
        eventId: note.eventId,
        inboundId: result.inboundId!,
      });
      return result;
    }
    if (auth) details.senderVerifiedBy = auth.method;
    // The mail became a note or reply: the sender joins the thread, the outcome and attachments are kept.
    const landed = async (outcome: 'noted' | 'replied', on: typeof ticket, eventId: string) => {
      await joinThread(tx, on, sender, messageId);
      const result = await record({ outcome, matchedBy: match.by, ticket: on, eventId, userId: sender.id, details });
      await storeAttachments(tx, attachments.keep, { ticketId: on.id, eventId, inboundId: result.inboundId! });
      return result;
    };
    try {
      if (match.scope === 'internal') {
        if (!works)
          return record({
            outcome: 'rejected',
            reason: 'sender_not_allowed',
            matchedBy: match.by,
            ticket,
            userId: sender.id,
          });
        const { event } = await addNote(ctx, ticket.key, body);
        return landed('noted', ticket, event.id);
      }
      if (!works && (ticket.status === 'resolved' || ticket.status === 'closed')) {
        await countSender(scoped, address);
        if (ticket.status === 'closed') {
          return openTicket(scoped, tx, mail, address, sender, attachments, details, record, messageId, {
            senderAuth,
            followUpOf: ticket,
          });
        }
      }
      const { event, ticket: after } = await addReply(ctx, ticket.key, body);
      return landed('replied', after, event.id);
    } catch (err) {
      if (!(err instanceof AppError) || err.code === 'internal') throw err;
      return record({
        outcome: 'rejected',
        reason: refusal(err),
        matchedBy: match.by,
        ticket,
        userId: sender.id,
        details: { ...details, message: err.message },
      });
    }
  });
}

type Recorder = (r: {
  outcome: Exclude<InboundOutcome, 'duplicate'>;
  reason?: string | null;
  matchedBy?: MatchedBy | null;
  ticket?: TicketRow | null;
  eventId?: string | null;
  userId?: string | null;
  details?: Record<string, unknown>;
}) => Promise<InboundResult>;

const refusal = (err: AppError): string =>
  err.code === 'not_found' || err.code === 'forbidden'
    ? 'sender_not_allowed'
    : err.code === 'rate_limited'
      ? 'rate_limited'
      : err.code === 'conflict'
        ? 'conflict'
        : 'invalid';

/** Our Message-IDs of mail that is not about a ticket (codes, digests): replies to them are not read. */
function isOurPlainId(id: string, identity: EmailIdentity): boolean {
  return id.toLowerCase().startsWith('deskmate.') && id.toLowerCase().endsWith(`@${identity.domain}`);
}

async function userByEmail(db: DbOrTx, address: string): Promise<UserRow | null> {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${address.toLowerCase()}`);
  return row ?? null;
}

async function ticketByKey(db: DbOrTx, key: string): Promise<TicketRow | null> {
  const [row] = await db.select(ticketColumns).from(tickets).where(eq(tickets.key, key.toUpperCase()));
  return row ?? null;
}

/** A merged ticket's replies go to the ticket it was merged into. */
async function followMerges(db: DbOrTx, ticket: TicketRow): Promise<TicketRow> {
  let current = ticket;
  for (let i = 0; i < 5 && current.mergedIntoId; i++) {
    const [next] = await db.select(ticketColumns).from(tickets).where(eq(tickets.id, current.mergedIntoId));
    if (!next) break;
    current = next;
  }
  return current;
}

const addressesOf = (value: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? [value] : [])
    .flatMap((a) => a.value)
    .flatMap((v) => [v.address, ...(v.group ?? []).map((g) => g.address)])
    .filter((a): a is string => Boolean(a))
    .map((a) => a.toLowerCase());

/** Every address the mail was delivered to: the headers and the envelope recipients servers add. */
function recipientsOf(mail: ParsedMail): string[] {
  const envelope = ['delivered-to', 'x-original-to', 'envelope-to', 'x-forwarded-to'].flatMap((h) =>
    headerTexts(mail, h).flatMap((v) => v.split(/[,\s]+/)),
  );
  return [
    ...addressesOf(mail.to),
    ...addressesOf(mail.cc),
    ...envelope.map((a) => a.replace(/^<|>$/g, '').toLowerCase()),
  ];
}

async function matchTicket(
  tx: DbOrTx,
  services: Services,
  identity: EmailIdentity,
  mail: ParsedMail,
  sender: UserRow | null,
  refs: string[],
): Promise<Match> {
  // 1. The signed reply address.
  const tokens = [
    ...new Set(
      recipientsOf(mail)
        .map((a) => tokenInAddress(identity, a))
        .filter((t): t is string => Boolean(t)),
    ),
  ];
  if (tokens.length) {
    const key = replyKey(services.config, services.secrets.encryptionKey);
    const valid = tokens
      .map((t) => verifyReplyToken(key, t))
      .filter((c): c is { ok: true; token: ReplyToken } => c.ok)
      .map((c) => c.token);
    if (!valid.length)
      return { rejected: 'invalid_reply_token', details: { tokens: tokens.map((t) => t.slice(0, 80)) } };
    const token = valid.find((t) => t.userId === sender?.id) ?? valid[0]!;
    const ticket = await ticketByKey(tx, token.ticketKey);
    if (!ticket) return { rejected: 'unknown_ticket' };
    return { by: 'token', ticket: await followMerges(tx, ticket), scope: token.scope, tokenUserId: token.userId };
  }

  // 2. In-Reply-To / References: our Message-IDs, newest first, then a thread root.
  if (refs.length) {
    const rows = await tx
      .select({
        messageId: emailMessageIds.messageId,
        ticketId: emailMessageIds.ticketId,
        visibility: emailMessageIds.visibility,
        direction: emailMessageIds.direction,
      })
      .from(emailMessageIds)
      .where(inArray(emailMessageIds.messageId, refs.slice(0, 50)));
    const known = refs.map((id) => rows.find((r) => r.messageId === id)).find(Boolean);
    let ticket: TicketRow | null = null;
    let scope: ReplyScope = 'public';
    if (known) {
      const [row] = await tx.select(ticketColumns).from(tickets).where(eq(tickets.id, known.ticketId));
      ticket = row ?? null;
      scope = known.direction === 'out' ? known.visibility : 'public';
    } else {
      const key = refs
        .map((id) => ticketKeyOfRoot(id, identity.domain, services.config.TICKET_KEY_PREFIX))
        .find(Boolean);
      if (key) ticket = await ticketByKey(tx, key);
    }
    if (ticket) return { by: 'thread', ticket: await followMerges(tx, ticket), scope };
  }

  // 3. The ticket key in the subject, only for its requester and watchers.
  const key = new RegExp(`\\b(${services.config.TICKET_KEY_PREFIX}-\\d{1,9})\\b`, 'i').exec(mail.subject ?? '')?.[1];
  if (key && sender) {
    const ticket = await ticketByKey(tx, key);
    if (ticket) {
      const target = await followMerges(tx, ticket);
      const [watching] = await tx
        .select({ userId: ticketWatchers.userId })
        .from(ticketWatchers)
        .where(and(eq(ticketWatchers.ticketId, target.id), eq(ticketWatchers.userId, sender.id)));
      if (target.requesterId === sender.id || watching) return { by: 'subject', ticket: target, scope: 'public' };
    }
  }

  // 4. Nothing: a new ticket.
  return { by: 'new' };
}

/** Why a mail's sender was not taken as authenticated, for the note an agent reads. */
function unverifiedWhy(by: Exclude<MatchedBy, 'new'>, auth: SenderAuth | null): string {
  const how =
    by === 'token'
      ? 'it came to a reply address issued to someone else'
      : by === 'thread'
        ? 'it matched this ticket by its email thread only'
        : 'it matched this ticket by the key in its subject only';
  const checks = auth
    ? Object.entries(auth.results)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')
    : '';
  return `The sender could not be authenticated: ${how}${checks ? ` (${checks})` : ''}.`;
}

/** Opening or reopening by email counts against EMAIL_SENDER_LIMIT per sender address. */
async function countSender(services: Services, address: string): Promise<void> {
  await consume(
    services.db,
    [{ key: `email:sender:${address}`, max: services.config.EMAIL_SENDER_LIMIT, windowMs: HOUR }],
    services.clock,
  );
}

function ticketTitle(subject: string | undefined, fallback: string): string {
  let title = (subject ?? '').replace(/\s+/g, ' ').trim();
  for (let i = 0; i < 5; i++) title = title.replace(/^((re|fwd?|aw|wg|tr|sv|antw)\s*:\s*|\[[^\]]{1,40}\]\s*)/i, '');
  title = title.trim().slice(0, 200);
  return title.length >= 3 ? title : fallback;
}

async function openTicket(
  services: Services,
  tx: DbOrTx,
  mail: ParsedMail,
  address: string,
  known: UserRow | null,
  attachments: SortedAttachments,
  initialDetails: Record<string, unknown>,
  record: Recorder,
  messageId: string,
  options: { senderAuth: () => Promise<SenderAuth>; followUpOf?: TicketRow },
): Promise<InboundResult> {
  const { followUpOf } = options;
  let details = initialDetails;
  const config = services.config;
  if (config.EMAIL_CREATE_TICKETS === 'off' && !followUpOf)
    return record({ outcome: 'rejected', reason: 'ticket_creation_off', matchedBy: 'new', userId: known?.id ?? null });
  let sender = known;
  if (!sender) {
    if (config.EMAIL_CREATE_TICKETS !== 'anyone')
      return record({ outcome: 'rejected', reason: 'unknown_sender', matchedBy: 'new' });
    const domain = address.split('@')[1] ?? '';
    if (config.EMAIL_SENDER_DOMAINS && !config.EMAIL_SENDER_DOMAINS.includes(domain))
      return record({ outcome: 'rejected', reason: 'sender_domain_not_allowed', matchedBy: 'new' });
  } else if (!sender.active) {
    return record({ outcome: 'rejected', reason: 'sender_inactive', matchedBy: 'new', userId: sender.id });
  }
  // A staff address acts as staff only when authenticated; otherwise the mail files the ticket with
  // a requester's rights (the rate limit, no choosing for others), like anyone writing to the desk.
  let rights: UserRow | null = null;
  if (sender && isAgent(sender)) {
    const auth = await options.senderAuth();
    details = { ...details, senderAuth: { verified: auth.verified, method: auth.method, ...auth.results } };
    if (!auth.verified) rights = { ...sender, role: 'requester' };
  }
  try {
    if (!followUpOf) await countSender(services, address);
    sender ??= await createRequester(tx, mail, address);
    const actor: Actor = { userId: sender.id, type: 'user', channel: 'email' };
    const ctx = await ticketContext(services, actor, rights ?? sender);
    const text = newMessageText(mail) || '(no text)';
    const description = withAttachmentNote(
      followUpOf ? `Follow-up to ${followUpOf.key}, which is closed.\n\n${replyText(mail) || text}` : text,
      attachments.keep,
      attachments.skipped,
    ).slice(0, MAX_BODY);
    const ticket = await createTicket(ctx, {
      title: ticketTitle(mail.subject, `Email from ${sender!.name}`).slice(0, 200),
      description,
    });
    // Colleagues copied in (and known to the desk) follow the ticket: their reply-all lands on it.
    const copied = [...addressesOf(mail.to), ...addressesOf(mail.cc)].filter(
      (a) => a !== address && !isOwnAddress(emailIdentity(config), a),
    );
    for (const cc of [...new Set(copied)].slice(0, 20)) {
      const user = await userByEmail(tx, cc);
      if (user?.active) await setWatcher(ctx, ticket.key, user.id, true).catch(() => undefined);
    }
    await joinThread(tx, ticket, sender, messageId);
    const result = await record({
      outcome: 'created',
      reason: followUpOf ? 'follow_up_of_closed_ticket' : null,
      matchedBy: followUpOf ? 'thread' : 'new',
      ticket,
      userId: sender.id,
      details: { ...details, ...(followUpOf ? { followUpOf: followUpOf.key } : {}) },
    });
    await storeAttachments(tx, attachments.keep, { ticketId: ticket.id, eventId: null, inboundId: result.inboundId! });
    return result;
  } catch (err) {
    if (!(err instanceof AppError) || err.code === 'internal') throw err;
    return record({
      outcome: 'rejected',
      reason: refusal(err),
      matchedBy: 'new',
      userId: sender?.id ?? null,
      details: { message: err.message },
    });
  }
}

/** An unknown sender becomes a requester without a password (EMAIL_CREATE_TICKETS=anyone). */
async function createRequester(tx: DbOrTx, mail: ParsedMail, address: string): Promise<UserRow> {
  const name = mail.from?.value[0]?.name?.trim().slice(0, 200) || address.split('@')[0]!;
  const [created] = await tx
    .insert(users)
    .values({ email: address, name, role: 'requester' })
    .onConflictDoNothing()
    .returning();
  const user = created ?? (await userByEmail(tx, address));
  if (!user) throw new Error(`could not create a requester for ${address}`);
  if (created) {
    await recordAudit(
      tx,
      { userId: null, type: 'system', channel: 'email' },
      {
        action: 'user.created_from_email',
        entityType: 'user',
        entityId: user.id,
        after: { email: address, name, role: 'requester' },
      },
    );
  }
  return user;
}

/** The inbound Message-ID joins the ticket's thread: a reply-all to it finds the ticket. */
async function joinThread(tx: DbOrTx, ticket: TicketRow, sender: UserRow, messageId: string): Promise<void> {
  await tx
    .insert(emailMessageIds)
    .values({ messageId, ticketId: ticket.id, userId: sender.id, direction: 'in', kind: 'inbound' })
    .onConflictDoNothing();
}

/** A line about attachments, so every channel shows that there were some. */
function withAttachmentNote(body: string, kept: KeptAttachment[], skipped: SkippedAttachment[]): string {
  const size = (n: number) =>
    n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;
  const parts = [
    ...(kept.length ? [`Attached: ${kept.map((a) => `${a.filename} (${size(a.size)})`).join(', ')}`] : []),
    ...(skipped.length
      ? [`Not kept: ${skipped.map((a) => `${a.filename} (${refusalText(a.reason)})`).join(', ')}`]
      : []),
  ];
  if (!parts.length) return body.slice(0, MAX_BODY);
  return `${body.slice(0, MAX_BODY - 500)}${body ? '\n\n' : ''}[${parts.join('; ')}]`;
}

/** An email over EMAIL_INBOUND_MAX_BYTES, recorded (once) from its envelope without reading it. */
export async function recordOversizedEmail(
  services: Services,
  mail: { messageId: string | null; from: string | null; subject: string | null; size: number; source: InboundSource },
): Promise<void> {
  const messageId =
    parseMessageIds(mail.messageId)[0] ?? `oversized:${mail.from ?? ''}:${mail.subject ?? ''}:${mail.size}`;
  await services.db.transaction(async (tx) => {
    const first = await tx
      .insert(inboundEvents)
      .values({ provider: 'email', providerEventId: messageId.slice(0, 900), receivedAt: services.clock.now() })
      .onConflictDoNothing()
      .returning({ id: inboundEvents.id });
    if (!first.length) return;
    await tx.insert(emailInbound).values({
      messageId,
      source: mail.source,
      fromAddress: mail.from?.toLowerCase() ?? null,
      subject: mail.subject?.slice(0, 500) ?? null,
      outcome: 'rejected',
      reason: 'too_large',
      details: { size: mail.size, limit: services.config.EMAIL_INBOUND_MAX_BYTES },
      receivedAt: services.clock.now(),
    });
  });
  services.logger.warn({ messageId, size: mail.size }, 'inbound email too large; not read');
}
