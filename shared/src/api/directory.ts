import { z } from 'zod';

/** Someone tickets can be assigned to: an active agent or admin, for the assign and watcher menus. */
export const ZDirectoryAgent = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  role: z.enum(['agent', 'admin']),
  /** Away agents are skipped by round-robin; people may still pick them. */
  away: z.boolean(),
  groupIds: z.array(z.string()),
});
export type TDirectoryAgent = z.infer<typeof ZDirectoryAgent>;

export const ZDirectoryAgentList = z.object({ items: z.array(ZDirectoryAgent) });

/** At most this many people are offered in an assign menu (Slack's select takes 100 options). */
export const ASSIGN_CHOICES_MAX = 100;

/**
 * Whom a chat assign menu offers for a ticket: the agents of its group (when the group has any),
 * else every agent; the current assignee always stays in the list. Slack's and Teams' menus both
 * use this, so they offer the same people.
 */
export function assignableAgents(
  agents: readonly TDirectoryAgent[],
  ticket: { group: { id: string } | null; assignee: { id: string } | null },
): TDirectoryAgent[] {
  const groupId = ticket.group?.id;
  const inGroup = groupId ? agents.filter((a) => a.groupIds.includes(groupId)) : [];
  const offered = inGroup.length ? inGroup : [...agents];
  const assignee = ticket.assignee && agents.find((a) => a.id === ticket.assignee!.id);
  if (assignee && !offered.includes(assignee)) offered.unshift(assignee);
  return offered.slice(0, ASSIGN_CHOICES_MAX);
}
