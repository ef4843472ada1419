import { eq, type SQL } from 'drizzle-orm';
import { isAgent } from '@deskmate/shared';
import { announcements } from '../db/schema.js';
import type { UserRow } from '../http/context.js';

/**
 * Who reads which announcements: agents and admins all of them, requesters those for everyone
 * (an "agents" announcement is never shown in the portal or a requester's App Home). Posting
 * and removing them is for admins (the route table's `access: 'admin'`).
 */
export function readableAnnouncements(user: Pick<UserRow, 'role'>): SQL | undefined {
  return isAgent(user) ? undefined : eq(announcements.audience, 'everyone');
}
