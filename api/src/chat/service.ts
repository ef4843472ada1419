import { and, eq, sql } from 'drizzle-orm';
import { wizard, type TChannel, type TChatChannel, type TChatSession } from '@deskmate/shared';
import type { Actor } from '../audit/record.js';
import type { DbOrTx } from '../db/client.js';
import { chatSessions, kbSuggestions, tickets } from '../db/schema.js';
import { AppError, notFound } from '../http/errors.js';
import type { Services, UserRow } from '../http/context.js';
import { createTicket, inCallerTransaction, ticketContext } from '../tickets/service.js';
import { adoptSessionFiles, dropSessionFiles } from './files.js';

type SessionRow = typeof chatSessions.$inferSelect;
type State = wizard.TWizardState;

/** The channel a ticket is recorded as coming from. */
const ticketChannel: Record<TChatChannel, TChannel> = { slack: 'slack', teams: 'teams', web: 'web', terminal: 'api' };

/** The wizard's pure dependencies, from this process's knowledge base and clock. */
export function wizardEnv(services: Services): wizard.TWizardEnv {
  return {
    now: () => services.clock.now(),
    suggestArticles: (text) =>
      services.kb ? services.kb.search(text, 3).map((h) => ({ slug: h.slug, title: h.title, snippet: h.snippet })) : [],
    classify: (text) => {
      if (!services.kb) return { priority: 'medium', category: 'other' };
      const c = services.kb.classifier.classify(text);
      return { priority: c.priority, category: c.category };
    },
  };
}

function present(row: SessionRow, state: State, prompt: wizard.TWizardPrompt, ticketKey: string | null): TChatSession {
  return {
    id: row.id,
    channel: row.channel as TChatChannel,
    conversation: row.conversation,
    version: row.version,
    step: state.step,
    finished: wizard.isFinished(state),
    prompt,
    ticketKey,
    updatedAt: row.updatedAt.toISOString(),
  };
}

function parseState(row: SessionRow): State | null {
  const parsed = wizard.ZWizardState.safeParse(row.state);
  return parsed.success ? parsed.data : null;
}

/** Record the articles shown to someone, once per conversation turn that shows them. */
async function trackSuggestions(
  tx: DbOrTx,
  row: SessionRow,
  before: State | null,
  after: State,
  userId: string,
  now: Date,
): Promise<void> {
  if (after.step === 'suggest' && after.suggestions.length && before?.step !== 'suggest') {
    await tx.insert(kbSuggestions).values({
      userId,
      sessionId: row.id,
      channel: row.channel,
      query: after.draft.description.slice(0, 2000),
      slugs: after.suggestions.map((s) => s.slug),
      createdAt: now,
    });
  }
  const decided = before?.step === 'suggest' && after.step !== 'suggest' && after.step !== 'cancelled';
  if (decided || after.step === 'deflected') {
    const outcome = after.step === 'deflected' ? 'solved' : 'need_help';
    await tx.execute(sql`
      UPDATE kb_suggestions SET outcome = ${outcome}, solved_slug = ${after.deflectedBy?.slug ?? null}, decided_at = ${now}
      WHERE id = (SELECT id FROM kb_suggestions WHERE session_id = ${row.id} AND outcome IS NULL ORDER BY created_at DESC LIMIT 1)`);
  }
}

/** Store the next state; `ticketId`: the ticket it filed, or null to forget one (a new conversation). */
async function save(
  tx: DbOrTx,
  row: SessionRow,
  state: State,
  services: Services,
  ticketId?: string | null,
): Promise<SessionRow> {
  const [saved] = await tx
    .update(chatSessions)
    .set({
      state,
      version: row.version + 1,
      updatedAt: services.clock.now(),
      ...(ticketId !== undefined ? { ticketId } : {}),
    })
    .where(eq(chatSessions.id, row.id))
    .returning();
  // Files shared while the wizard asked belong to the ticket it files, or to nothing: a new
  // conversation, or one that ended without a ticket, drops them.
  if (ticketId === null || (wizard.isFinished(state) && !saved!.ticketId)) await dropSessionFiles(tx, row.id);
  return saved!;
}

async function ticketKeyOf(tx: DbOrTx, ticketId: string | null): Promise<string | null> {
  if (!ticketId) return null;
  const [t] = await tx.select({ key: tickets.key }).from(tickets).where(eq(tickets.id, ticketId));
  return t?.key ?? null;
}

/**
 * When the wizard has a ticket to file, file it in the same transaction as the session update:
 * the conversation cannot end up with two tickets or with a ticket it does not know about.
 */
async function fileTicket(
  tx: DbOrTx,
  services: Services,
  actor: Actor,
  user: UserRow,
  row: SessionRow,
  state: State,
  attachmentIds: readonly string[] = [],
): Promise<{ state: State; ticketId?: string }> {
  const draft = wizard.ticketDraft(state);
  if (!draft)
    return {
      state: wizard.next(state, { type: 'failed', message: 'The ticket could not be prepared' }, wizardEnv(services))
        .state,
    };
  // Everything in the caller's transaction, which holds this request's one connection: a second
  // one, wanted while holding the first, can wait forever on a pooler's exhausted pool.
  const scoped = inCallerTransaction(services, tx);
  const ctx = await ticketContext(scoped, { ...actor, channel: ticketChannel[row.channel as TChatChannel] }, user);
  const description = [draft.description, draft.details ? `\nDetails: ${draft.details}` : ''].join('');
  try {
    const ticket = await createTicket(ctx, {
      title: draft.title,
      description,
      category: draft.category,
      priority: draft.priority,
      attachmentIds,
    });
    await tx.execute(sql`
      UPDATE kb_suggestions SET ticket_id = ${ticket.id}
      WHERE session_id = ${row.id} AND ticket_id IS NULL`);
    await adoptSessionFiles(tx, row.id, ticket.id);
    const created = wizard.next(
      state,
      {
        type: 'created',
        key: ticket.key,
        priority: ticket.priority,
        firstResponseDueAt: (ticket.firstResponseDueAt ?? services.clock.now()).toISOString(),
      },
      wizardEnv(services),
    );
    return { state: created.state, ticketId: ticket.id };
  } catch (err) {
    if (!(err instanceof AppError) || err.code === 'internal') throw err;
    return { state: wizard.next(state, { type: 'failed', message: err.message }, wizardEnv(services)).state };
  }
}

export interface StartChatInput {
  channel: TChatChannel;
  conversation?: string | undefined;
  text?: string | undefined;
  sourceUrl?: string | undefined;
  sourceAuthor?: string | undefined;
  /** False: the text was already searched in the knowledge base (help centre), offer no articles. */
  offerArticles?: boolean | undefined;
}

/**
 * A description prefilled from someone's message (a Slack shortcut, a Teams message action):
 * the text, then where it came from and who wrote it, as one line the agents read.
 */
export function describedFrom(text: string, source: { url?: string | undefined; author?: string | undefined }): string {
  if (source.author && source.url) return `${text}\n\n(From a message by ${source.author}: ${source.url})`;
  if (source.author) return `${text}\n\n(From a message by ${source.author})`;
  if (source.url) return `${text}\n\n(From ${source.url})`;
  return text;
}

/**
 * Start, or resume, the wizard in a conversation. Without text an unfinished, unexpired
 * conversation resumes where it was; with text (`/ticket …`, a message shortcut) it starts afresh
 * from that description.
 */
export async function startChat(
  services: Services,
  actor: Actor,
  user: UserRow,
  input: StartChatInput,
): Promise<{ session: TChatSession; resumed: boolean }> {
  const env = wizardEnv(services);
  const conversation = input.conversation ?? '';
  return services.db.transaction(async (tx) => {
    const [existing] = await tx
      .select()
      .from(chatSessions)
      .where(
        and(
          eq(chatSessions.userId, user.id),
          eq(chatSessions.channel, input.channel),
          eq(chatSessions.conversation, conversation),
        ),
      )
      .for('update');
    const current = existing ? parseState(existing) : null;
    const live =
      current &&
      !wizard.isFinished(current) &&
      !wizard.isExpired(current, services.clock.now(), services.config.CHAT_SESSION_TTL);
    if (existing && current && live && input.text === undefined) {
      return {
        session: present(existing, current, wizard.promptFor(current), await ticketKeyOf(tx, existing.ticketId)),
        resumed: true,
      };
    }
    const text =
      input.text === undefined
        ? undefined
        : describedFrom(input.text, { url: input.sourceUrl, author: input.sourceAuthor });
    const fresh = wizard.start(
      {
        ...(text !== undefined ? { text } : {}),
        source: ticketChannel[input.channel],
        ...(input.offerArticles === false ? { offerArticles: false } : {}),
      },
      env,
    );
    const saved = existing
      ? await save(tx, existing, fresh.state, services, null)
      : (
          await tx
            .insert(chatSessions)
            .values({ userId: user.id, channel: input.channel, conversation, state: fresh.state })
            .returning()
        )[0]!;
    await trackSuggestions(tx, saved, null, fresh.state, user.id, services.clock.now());
    return { session: present(saved, fresh.state, fresh.prompt, null), resumed: false };
  });
}

/**
 * Feed one input to a conversation the caller owns; a stale `version` gets 409 with the current
 * prompt. `attachmentIds` (the caller's uploads) go on the ticket this input files, if it files one.
 */
export async function chatInput(
  services: Services,
  actor: Actor,
  user: UserRow,
  sessionId: string,
  body: { input: wizard.TWizardInput; version?: number | undefined; attachmentIds?: readonly string[] | undefined },
): Promise<{ session: TChatSession; resumed: boolean }> {
  const env = wizardEnv(services);
  const outcome = await services.db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(chatSessions)
      .where(and(eq(chatSessions.id, sessionId), eq(chatSessions.userId, user.id)))
      .for('update');
    if (!row) throw notFound('Conversation');
    const state = parseState(row);
    if (body.version !== undefined && body.version !== row.version && state) {
      return { conflict: present(row, state, wizard.promptFor(state), await ticketKeyOf(tx, row.ticketId)) };
    }
    // A broken or expired conversation starts again; typed text becomes the new description.
    if (!state || wizard.isExpired(state, services.clock.now(), services.config.CHAT_SESSION_TTL)) {
      const text = body.input.type === 'text' ? body.input.text : undefined;
      const fresh = wizard.start(
        { ...(text ? { text } : {}), source: ticketChannel[row.channel as TChatChannel] },
        env,
      );
      const saved = await save(tx, row, fresh.state, services, null);
      await trackSuggestions(tx, saved, null, fresh.state, user.id, services.clock.now());
      const notice = state ? 'That conversation had expired, so we started again.' : undefined;
      return { session: present(saved, fresh.state, notice ? { ...fresh.prompt, notice } : fresh.prompt, null) };
    }
    let next = wizard.next(state, body.input, env);
    let ticketId: string | undefined;
    if (next.state.step === 'submitting') {
      const filed = await fileTicket(tx, services, actor, user, row, next.state, body.attachmentIds);
      ticketId = filed.ticketId;
      next = { state: filed.state, prompt: wizard.promptFor(filed.state) };
    }
    const saved = await save(tx, row, next.state, services, ticketId);
    await trackSuggestions(tx, saved, state, next.state, user.id, services.clock.now());
    return { session: present(saved, next.state, next.prompt, await ticketKeyOf(tx, saved.ticketId)) };
  });
  if ('conflict' in outcome && outcome.conflict) {
    throw new AppError('conflict', 'This conversation has moved on; here is where it is now', {
      session: outcome.conflict,
    });
  }
  return { session: outcome.session!, resumed: false };
}

export async function currentChat(
  services: Services,
  user: UserRow,
  channel: TChatChannel,
  conversation = '',
): Promise<TChatSession> {
  const [row] = await services.db
    .select()
    .from(chatSessions)
    .where(
      and(
        eq(chatSessions.userId, user.id),
        eq(chatSessions.channel, channel),
        eq(chatSessions.conversation, conversation),
      ),
    );
  const state = row ? parseState(row) : null;
  if (!row || !state) throw notFound('Conversation');
  return present(row, state, wizard.promptFor(state), await ticketKeyOf(services.db, row.ticketId));
}
