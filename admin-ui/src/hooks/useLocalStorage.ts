import { useCallback, useState } from 'react';

/** A string kept in localStorage (quietly in memory only when storage is unavailable). */
export function useLocalStorage(key: string): [string | null, (value: string | null) => void] {
  const [value, setValue] = useState<string | null>(() => {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  });
  const set = useCallback(
    (next: string | null) => {
      setValue(next);
      try {
        if (next === null) localStorage.removeItem(key);
        else localStorage.setItem(key, next);
      } catch {
        // private mode or full storage: keep the in-memory value
      }
    },
    [key],
  );
  return [value, set];
}
