import type { TUserRole } from '@deskmate/shared';
import { worksTickets } from '../users/policy.js';

// Agents read groups (to route and filter tickets); only admins create, change or delete them
// and set their members: the route table declares both (`access: 'agent' | 'admin'`).

/** Who may be a member of a group: someone who works tickets (an active agent or admin). */
export const mayBeGroupMember = (u: { role: TUserRole; active: boolean } | undefined): boolean =>
  Boolean(u && worksTickets(u));
