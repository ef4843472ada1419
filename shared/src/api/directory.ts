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
