import { useCallback, useSyncExternalStore } from 'react';
import { addView, parseViews, removeView, viewsStorageKey, type TSavedView } from '../lib/views';

const listeners = new Set<() => void>();
const cache = new Map<string, { raw: string | null; views: TSavedView[] }>();

function read(key: string): TSavedView[] {
  let raw: string | null = null;
  try {
    raw = localStorage.getItem(key);
  } catch {
    raw = null;
  }
  const hit = cache.get(key);
  if (hit && hit.raw === raw) return hit.views;
  const views = parseViews(raw);
  cache.set(key, { raw, views });
  return views;
}

function write(key: string, views: TSavedView[]): void {
  try {
    localStorage.setItem(key, JSON.stringify(views));
  } catch {
    // storage unavailable: the view lasts until reload
    cache.set(key, { raw: JSON.stringify(views), views });
  }
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', listener);
  };
}

/** Saved views of one user in this browser (the API has no place for them yet). */
export function useSavedViews(userId: string) {
  const key = viewsStorageKey(userId);
  const views = useSyncExternalStore(subscribe, () => read(key));
  const save = useCallback(
    (view: Omit<TSavedView, 'id'>) => write(key, addView(read(key), view, crypto.randomUUID())),
    [key],
  );
  const remove = useCallback((id: string) => write(key, removeView(read(key), id)), [key]);
  return { views, save, remove };
}
