import { and, eq, inArray, type SQL } from 'drizzle-orm';
import { agentRoles, isAdmin, isAgent, type TUserRole } from '@deskmate/shared';
import { users } from '../db/schema.js';

// Reading and changing users, roles and sign-in security is for admins: the route table says so
// (`access: 'admin'` on every /users and /admin route). What follows are the rules those
// operations and the ticket commands share about who a user is.

type Person = { role: TUserRole; active: boolean };

/** Who works tickets (can be assigned one, be a group member): active agents and admins. */
export const worksTickets = (u: Person): boolean => isAgent(u) && u.active;

/** The same rule as a condition on users. */
export const worksTicketsSql = (): SQL => and(eq(users.active, true), inArray(users.role, [...agentRoles]))!;

/** Who counts toward "at least one active admin must remain". */
export const isActiveAdmin = (u: Person): boolean => isAdmin(u) && u.active;

/** The same rule as a condition on users. */
export const activeAdminsSql = (): SQL => and(eq(users.role, 'admin'), eq(users.active, true))!;
