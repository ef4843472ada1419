import { useCallback, useEffect } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { viewApi } from '../api/client';
import { keys } from '../api/keys';
import { parseViews, viewsStorageKey } from '../lib/views';

/**
 * Views this browser kept before they moved to the server: saved there once, then forgotten here.
 * Failures keep them for the next try.
 */
async function moveLocalViews(userId: string): Promise<boolean> {
  const storageKey = viewsStorageKey(userId);
  let raw: string | null = null;
  try {
    raw = localStorage.getItem(storageKey);
  } catch {
    return false;
  }
  const local = parseViews(raw);
  if (!raw) return false;
  for (const v of local) await viewApi.save({ name: v.name, queue: v.queue, search: v.search });
  localStorage.removeItem(storageKey);
  return local.length > 0;
}

/** The signed-in person's saved views, kept by the API (so they follow them from device to device). */
export function useSavedViews(userId: string) {
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: keys.views, queryFn: async () => (await viewApi.list()).items });
  useEffect(() => {
    moveLocalViews(userId).then(
      (moved) => {
        if (moved) void queryClient.invalidateQueries({ queryKey: keys.views });
      },
      () => undefined,
    );
  }, [userId, queryClient]);
  const saveMutation = useMutation({
    mutationFn: viewApi.save,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.views }),
  });
  const removeMutation = useMutation({
    mutationFn: viewApi.remove,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.views }),
  });
  const save = useCallback(
    (view: { name: string; queue: string; search: string }) => saveMutation.mutateAsync(view),
    [saveMutation],
  );
  const remove = useCallback((id: string) => removeMutation.mutate(id), [removeMutation]);
  return { views: list.data ?? [], save, remove };
}
