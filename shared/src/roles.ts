import type { TUserRole } from './domain.js';

/**
 * The one role helper. Every place that asks "is this person an agent?" — the API's policies and
 * route table, the bots' rendering, the console's navigation — asks it here, so the ranking of
 * roles (requester < agent < admin) is written once. Pure: it reads a role, it does no I/O.
 *
 * Deciding what a person may do to an object (a ticket, a canned response …) is the API's
 * policies' work (api/src/<resource>/policy.ts), built on these; elsewhere a role only chooses
 * what to show.
 */
const roleRank: Record<TUserRole, number> = { requester: 0, agent: 1, admin: 2 };

type HasRole = { readonly role: TUserRole } | TUserRole;

const roleOf = (who: HasRole): TUserRole => (typeof who === 'string' ? who : who.role);

/** At least this role: `hasRole(user, 'agent')` is true for agents and admins. */
export const hasRole = (who: HasRole, least: TUserRole): boolean => roleRank[roleOf(who)] >= roleRank[least];

/** A role above another: the SSO claim mapping keeps the highest role a person's claims give. */
export const outranks = (who: HasRole, than: HasRole): boolean => roleRank[roleOf(who)] > roleRank[roleOf(than)];

/** Agents and admins: the people who work tickets. */
export const isAgent = (who: HasRole): boolean => hasRole(who, 'agent');

/** Admins only. */
export const isAdmin = (who: HasRole): boolean => roleOf(who) === 'admin';

/** Requesters only: neither agent nor admin. */
export const isRequester = (who: HasRole): boolean => roleOf(who) === 'requester';

/** The roles that work tickets, for queries that select them (`role IN (...)`). */
export const agentRoles: readonly TUserRole[] = ['agent', 'admin'];
