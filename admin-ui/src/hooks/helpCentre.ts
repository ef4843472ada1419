import { useMutation, useQuery } from '@tanstack/react-query';
import type { TTicketCategory } from '@deskmate/shared';
import { helpCentre } from '../api/client';
import { keys } from '../api/keys';

/** The help centre's data: published articles by category, search, one article, "Did this help?". */

export const useKbCategories = () =>
  useQuery({ queryKey: keys.kbCategories, queryFn: () => helpCentre.categories(), staleTime: 60_000 });

export const useKbCategory = (category: TTicketCategory) =>
  useQuery({ queryKey: keys.kbCategory(category), queryFn: () => helpCentre.articles(category), staleTime: 60_000 });

/** Results for the words (none asked while there are none). */
export const useKbSearch = (q: string) =>
  useQuery({
    queryKey: keys.kbSearch(q),
    queryFn: () => helpCentre.search(q, 10),
    enabled: q.trim().length > 0,
    staleTime: 60_000,
  });

export const useKbArticle = (slug: string) =>
  useQuery({ queryKey: keys.kbArticle(slug), queryFn: () => helpCentre.article(slug) });

/** "Did this help?", with the words the person searched with (they make the deflection report readable). */
export const useArticleFeedback = (slug: string, query: string | undefined) =>
  useMutation({
    mutationFn: (helpful: boolean) => helpCentre.feedback(slug, { helpful, ...(query ? { query } : {}) }),
  });
