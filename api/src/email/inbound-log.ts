import { desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { tickets } from '../db/schema.js';
import { emailInbound } from '../db/schema-email.js';

type Outcome = (typeof emailInbound.$inferSelect)['outcome'];

/** Inbound email, newest first: what each became (reply, note, ticket) or why it was ignored or rejected. */
export async function inboundEmailLog(db: DbOrTx, outcome: Outcome | undefined) {
  const rows = await db
    .select({ mail: emailInbound, ticketKey: tickets.key })
    .from(emailInbound)
    .leftJoin(tickets, eq(tickets.id, emailInbound.ticketId))
    .where(outcome ? eq(emailInbound.outcome, outcome) : undefined)
    .orderBy(desc(emailInbound.receivedAt))
    .limit(200);
  return rows.map(({ mail, ticketKey }) => ({
    id: mail.id,
    messageId: mail.messageId,
    source: mail.source,
    from: mail.fromAddress,
    subject: mail.subject,
    outcome: mail.outcome,
    reason: mail.reason,
    matchedBy: mail.matchedBy,
    ticketKey,
    details: mail.details as Record<string, unknown>,
    receivedAt: mail.receivedAt.toISOString(),
  }));
}
