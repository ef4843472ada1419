import { z } from 'zod';

/** A saved view of the queue: the console's queue id and its filters, kept per person by name. */
export const ZSavedView = z.object({
  id: z.string(),
  name: z.string(),
  queue: z.string(),
  /** The filters as URL search params (`status=open&priority=high`). */
  search: z.string(),
  updatedAt: z.string(),
});
export type TSavedView = z.infer<typeof ZSavedView>;

/** At most this many views per person. */
export const SAVED_VIEWS_MAX = 50;

/** `PUT /api/views`: save a view under its name (a view of the same name, any case, is replaced). */
export const ZSaveViewRequest = z
  .object({
    name: z.string().trim().min(1).max(60),
    queue: z.string().regex(/^[a-z][a-z-]{0,39}$/, 'must be a queue id such as unassigned or at-risk'),
    search: z
      .string()
      .max(1000)
      .refine((s) => !s.startsWith('?'), 'must be search params without the leading ?')
      .default(''),
  })
  .strict();

export const ZSavedViewList = z.object({ items: z.array(ZSavedView) });
export const ZSavedViewResponse = z.object({ view: ZSavedView });
