import { and, eq, sql } from 'drizzle-orm';
import { ZUuid, type TTicket, type TTimelineEvent, type TUnverifiedEmailData, isAgent } from '@deskmate/shared';
import type { Actor } from '../audit/record.js';
import type { DbOrTx } from '../db/client.js';
import { ticketEvents, tickets, users } from '../db/schema.js';
import { attachments } from '../db/schema-attachments.js';
import { AppError, notFound } from '../http/errors.js';
import type { Services, UserRow } from '../http/context.js';
import { canWork, viewerFor } from '../tickets/policy.js';
import { presentEvents, presentTickets, ticketColumns, type TicketRow } from '../tickets/presenter.js';
import { recordActivity } from '../tickets/recorder.js';
import {
  addDeskNote,
  addReply,
  getVisibleTicket,
  inCallerTransaction,
  systemContext,
  ticketContext,
} from '../tickets/service.js';

export const UNVERIFIED_EMAIL = 'unverified_email';

/**
 * A mail that found its ticket by thread or subject only, from a sender Deskmate could not
 * authenticate: kept as an internal note (its attachments with it, so internal too) for the agents
 * to judge. It never acts as the person it claims to be until an agent accepts it.
 */
export async function addUnverifiedEmailNote(
  tx: DbOrTx,
  services: Services,
  ticket: TicketRow,
  mail: { body: string; subject: string | null; address: string; name: string | null; claimed: UserRow; why: string },
): Promise<{ eventId: string }> {
  const data: TUnverifiedEmailData = {
    type: 'unverified_email',
    state: 'pending',
    sender: { address: mail.address, name: mail.name, userId: mail.claimed.id },
    subject: mail.subject,
    why: mail.why,
  };
  const event = await addDeskNote(systemContext(tx, services.clock, 'email'), ticket, {
    body: mail.body,
    data: { ...data },
    title: `Mail from an unverified sender on ${ticket.key}`,
    action: 'ticket.unverified_email_noted',
  });
  return { eventId: event.id };
}

export interface UnverifiedEmailDecision {
  ticket: TTicket;
  note: TTimelineEvent;
  reply: TTimelineEvent | null;
}

/**
 * An agent who works the ticket decides about an unverified mail: `accept` posts its text as a
 * public reply by the person it claims to be from (the agent vouches for them), `discard` keeps it
 * as an internal note only. A mail that claims to be from an agent or admin can be accepted only
 * by that person: no one else may make words appear as a colleague's. Someone who cannot see the
 * ticket gets 404, someone who sees but does not work it 403; a mail decided already is 409.
 */
export async function decideUnverifiedEmail(
  services: Services,
  actor: Actor,
  user: UserRow,
  input: { key: string; eventId: string; decision: 'accept' | 'discard' },
): Promise<UnverifiedEmailDecision> {
  return services.db.transaction(async (tx) => {
    const scoped = inCallerTransaction(services, tx);
    const viewer = await viewerFor(tx, user);
    const visible = await getVisibleTicket(tx, viewer, input.key);
    if (!canWork(viewer, visible)) throw new AppError('forbidden', 'Only agents working this ticket can do this');
    if (!ZUuid.safeParse(input.eventId).success) throw notFound('Unverified email');
    const [note] = await tx
      .select()
      .from(ticketEvents)
      .where(
        and(
          eq(ticketEvents.id, input.eventId),
          eq(ticketEvents.ticketId, visible.id),
          eq(ticketEvents.kind, 'note'),
          sql`${ticketEvents.data}->>'type' = ${UNVERIFIED_EMAIL}`,
        ),
      )
      .for('update');
    if (!note) throw notFound('Unverified email');
    const data = note.data as TUnverifiedEmailData;
    if (data.state !== 'pending')
      throw new AppError('conflict', `This mail was ${data.state} already`, { state: data.state });

    let replyId: string | null = null;
    if (input.decision === 'accept') {
      const [claimed] = data.sender.userId ? await tx.select().from(users).where(eq(users.id, data.sender.userId)) : [];
      if (!claimed?.active) throw new AppError('conflict', 'The sender of this mail is no longer an active user');
      if (isAgent(claimed) && claimed.id !== user.id)
        throw new AppError('forbidden', `Only ${claimed.name} can accept a mail that claims to be from them`);
      const as: Actor = { userId: claimed.id, type: 'user', channel: 'email' };
      try {
        const { event } = await addReply(await ticketContext(scoped, as, claimed), visible.key, note.body);
        replyId = event.id;
      } catch (err) {
        if (!(err instanceof AppError) || err.code === 'internal') throw err;
        throw new AppError('conflict', `${claimed.name} cannot reply on ${visible.key} now: ${err.message}`);
      }
      // The files came with the words: they become as public as the reply.
      await tx.update(attachments).set({ eventId: replyId }).where(eq(attachments.eventId, note.id));
    }
    const decided: Partial<TUnverifiedEmailData> = {
      state: input.decision === 'accept' ? 'accepted' : 'discarded',
      decidedBy: { id: user.id, name: user.name },
      decidedAt: services.clock.now().toISOString(),
      replyEventId: replyId,
    };
    const [updated] = await tx
      .update(ticketEvents)
      .set({ data: sql`${ticketEvents.data} || ${JSON.stringify(decided)}::jsonb` })
      .where(eq(ticketEvents.id, note.id))
      .returning();
    await recordActivity(tx, { actor }, visible, {
      action: input.decision === 'accept' ? 'ticket.unverified_email_accepted' : 'ticket.unverified_email_discarded',
      before: { eventId: note.id, state: 'pending' },
      after: { eventId: note.id, state: decided.state, replyEventId: replyId, sender: data.sender.address },
      visibility: 'internal',
    });
    const [ticket] = await tx.select(ticketColumns).from(tickets).where(eq(tickets.id, visible.id));
    const [reply] = replyId ? await tx.select().from(ticketEvents).where(eq(ticketEvents.id, replyId)) : [];
    const [presentedNote, presentedReply] = await presentEvents(tx, reply ? [updated!, reply] : [updated!], {
      viewer,
      ticket: visible,
    });
    const [presentedTicket] = await presentTickets(tx, [ticket!], services.clock.now());
    return { ticket: presentedTicket!, note: presentedNote!, reply: presentedReply ?? null };
  });
}
