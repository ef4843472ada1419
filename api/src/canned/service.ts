import { asc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { ZCannedResponseRequest } from '@deskmate/shared';
import { recordAudit, type Actor } from '../audit/record.js';
import type { DbOrTx } from '../db/client.js';
import { cannedResponses, users } from '../db/schema.js';
import { AppError, notFound } from '../http/errors.js';
import type { Services, UserRow } from '../http/context.js';
import { viewerFor } from '../tickets/policy.js';
import { getVisibleTicket } from '../tickets/service.js';
import { canEditCanned, canReadCanned, listedCanned } from './policy.js';

type Row = typeof cannedResponses.$inferSelect;
type TCannedResponseRequest = z.infer<typeof ZCannedResponseRequest>;

export const presentCanned = (r: Row) => ({
  id: r.id,
  title: r.title,
  body: r.body,
  shared: r.shared,
  createdBy: r.createdBy,
  updatedAt: r.updatedAt.toISOString(),
});

/** Fill `{{requester.name}}`-style placeholders; unknown ones are left as written. */
export function renderPlaceholders(body: string, values: Record<string, string>): string {
  return body.replace(/\{\{\s*([a-z]+\.[a-zA-Z]+)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}

/** A canned response this user may read (else 404), or change (else 403) when `forEdit`. */
async function findCanned(db: DbOrTx, user: UserRow, id: string, forEdit: boolean): Promise<Row> {
  const [row] = await db.select().from(cannedResponses).where(eq(cannedResponses.id, id));
  if (!row || !canReadCanned(user, row)) throw notFound('Canned response');
  if (forEdit && !canEditCanned(user, row))
    throw new AppError('forbidden', 'Only its author or an admin can change this response');
  return row;
}

export async function listCanned(db: DbOrTx, user: UserRow): Promise<Row[]> {
  return db.select().from(cannedResponses).where(listedCanned(user)).orderBy(asc(cannedResponses.title));
}

export async function createCanned(services: Services, actor: Actor, user: UserRow, input: TCannedResponseRequest) {
  return services.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(cannedResponses)
      .values({ title: input.title, body: input.body, shared: input.shared ?? true, createdBy: user.id })
      .returning();
    await recordAudit(tx, actor, {
      action: 'canned.created',
      entityType: 'canned_response',
      entityId: row!.id,
      after: presentCanned(row!),
    });
    return row!;
  });
}

export async function updateCanned(
  services: Services,
  actor: Actor,
  user: UserRow,
  id: string,
  input: TCannedResponseRequest,
) {
  return services.db.transaction(async (tx) => {
    const before = await findCanned(tx, user, id, true);
    const [row] = await tx
      .update(cannedResponses)
      .set({
        title: input.title,
        body: input.body,
        shared: input.shared ?? before.shared,
        updatedAt: services.clock.now(),
      })
      .where(eq(cannedResponses.id, before.id))
      .returning();
    await recordAudit(tx, actor, {
      action: 'canned.updated',
      entityType: 'canned_response',
      entityId: before.id,
      before: presentCanned(before),
      after: presentCanned(row!),
    });
    return row!;
  });
}

export async function deleteCanned(services: Services, actor: Actor, user: UserRow, id: string): Promise<void> {
  await services.db.transaction(async (tx) => {
    const before = await findCanned(tx, user, id, true);
    await tx.delete(cannedResponses).where(eq(cannedResponses.id, before.id));
    await recordAudit(tx, actor, {
      action: 'canned.deleted',
      entityType: 'canned_response',
      entityId: before.id,
      before: presentCanned(before),
    });
  });
}

/** A canned response's text with its placeholders filled for a ticket the user may see. */
export async function renderCanned(db: DbOrTx, user: UserRow, id: string, ticketKey: string): Promise<string> {
  const row = await findCanned(db, user, id, false);
  const ticket = await getVisibleTicket(db, await viewerFor(db, user), ticketKey);
  const [requester] = await db
    .select({ name: users.name, email: users.email })
    .from(users)
    .where(eq(users.id, ticket.requesterId));
  return renderPlaceholders(row.body, {
    'requester.name': requester?.name ?? '',
    'requester.firstName': requester?.name.split(/\s+/)[0] ?? '',
    'requester.email': requester?.email ?? '',
    'ticket.key': ticket.key,
    'ticket.title': ticket.title,
    'agent.name': user.name,
  });
}
