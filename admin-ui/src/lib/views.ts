import { z } from 'zod';
import { queueIds } from './queues';

/** A saved view: a queue with filters, kept in this browser per user. */
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

export function addView(views: readonly TSavedView[], view: Omit<TSavedView, 'id'>, id: string): TSavedView[] {
  const rest = views.filter((v) => v.name.toLowerCase() !== view.name.toLowerCase());
  return [...rest, { ...view, id }].slice(-50);
}

export const removeView = (views: readonly TSavedView[], id: string): TSavedView[] => views.filter((v) => v.id !== id);
