import { z } from 'zod';
import { queueIds } from './queues';

/**
 * A saved view as this browser kept it before views moved to the API (GET/PUT /api/views): read
 * once to move them there (hooks/useSavedViews.ts).
 */
export const ZSavedView = z.object({
  id: z.string(),
  name: z.string().min(1).max(60),
  queue: z.enum(queueIds),
  /** The filters as URL search params (`status=open&priority=high`). */
  search: z.string().max(1000),
});
export type TSavedView = z.infer<typeof ZSavedView>;

const ZSavedViews = z.array(ZSavedView).max(50);

export const viewsStorageKey = (userId: string): string => `deskmate:views:${userId}`;

/** Parse stored views; anything malformed is dropped rather than breaking the sidebar. */
export function parseViews(raw: string | null): TSavedView[] {
  if (!raw) return [];
  try {
    const parsed = ZSavedViews.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}
