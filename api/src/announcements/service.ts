import { and, desc, eq, gt, isNull, lte, or } from 'drizzle-orm';
import type { z } from 'zod';
import type { ZAnnouncementRequest } from '@deskmate/shared';
import { recordAudit, type Actor } from '../audit/record.js';
import type { DbOrTx } from '../db/client.js';
import { announcements } from '../db/schema.js';
import { notFound } from '../http/errors.js';
import type { Services, UserRow } from '../http/context.js';
import { readableAnnouncements } from './policy.js';

type Row = typeof announcements.$inferSelect;

export const presentAnnouncement = (r: Row) => ({
  id: r.id,
  title: r.title,
  body: r.body,
  audience: r.audience as 'everyone' | 'agents',
  startsAt: r.startsAt.toISOString(),
  endsAt: r.endsAt?.toISOString() ?? null,
});

/** Announcements showing now for this user (console, App Home, the portal). */
export async function activeAnnouncements(db: DbOrTx, user: Pick<UserRow, 'role'>, now: Date) {
  const rows = await db
    .select()
    .from(announcements)
    .where(
      and(
        lte(announcements.startsAt, now),
        or(isNull(announcements.endsAt), gt(announcements.endsAt, now)),
        readableAnnouncements(user),
      ),
    )
    .orderBy(desc(announcements.startsAt))
    .limit(20);
  return rows.map(presentAnnouncement);
}

/** Every announcement, newest first (the admin's list). */
export async function allAnnouncements(db: DbOrTx) {
  const rows = await db.select().from(announcements).orderBy(desc(announcements.startsAt)).limit(500);
  return rows.map(presentAnnouncement);
}

export async function postAnnouncement(
  services: Services,
  actor: Actor,
  user: UserRow,
  input: z.infer<typeof ZAnnouncementRequest>,
) {
  return services.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(announcements)
      .values({
        title: input.title,
        body: input.body,
        audience: input.audience,
        startsAt: new Date(input.startsAt),
        endsAt: input.endsAt ? new Date(input.endsAt) : null,
        createdBy: user.id,
      })
      .returning();
    await recordAudit(tx, actor, {
      action: 'announcement.created',
      entityType: 'announcement',
      entityId: row!.id,
      after: presentAnnouncement(row!),
    });
    return presentAnnouncement(row!);
  });
}

export async function removeAnnouncement(services: Services, actor: Actor, id: string): Promise<void> {
  await services.db.transaction(async (tx) => {
    const [row] = await tx.delete(announcements).where(eq(announcements.id, id)).returning();
    if (!row) throw notFound('Announcement');
    await recordAudit(tx, actor, {
      action: 'announcement.deleted',
      entityType: 'announcement',
      entityId: row.id,
      before: presentAnnouncement(row),
    });
  });
}
